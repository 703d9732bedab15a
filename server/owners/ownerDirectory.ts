/**
 * Owners as the rest of the lab meets them: the viewer a request's cookies (or the operator's
 * bearer token) name, an owner's record made on first use, and the owner that submission
 * credentials or a recipient's domain identify.
 */
import { randomBytes } from 'node:crypto';
import { domainOf } from '../sandbox/policy';
import type { LabStore } from '../store/labStore';
import { OPERATOR_COOKIE, OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { CookieSigner, sameText } from './ownerCookie';
import { personalName, personalPassword } from './ownerNames';
import type { Owner } from './owner';
import type { Viewer } from './visibility';

/** What a request carries that says who it is. */
export interface Credentials {
	ownerCookie?: string;
	operatorCookie?: string;
	/** The Authorization header: `Bearer <OPERATOR_TOKEN>` is the operator. */
	authorization?: string | null;
}

export class OwnerDirectory {
	readonly signer: CookieSigner;

	constructor(
		readonly store: LabStore,
		cookieSecret: Buffer,
		readonly operatorToken: string
	) {
		this.signer = new CookieSigner(cookieSecret);
	}

	/**
	 * Who is asking. Without a valid owner cookie, a new owner: `newOwnerCookie` is the cookie to
	 * set (a page request sets it; a WebSocket or script just acts as that new owner).
	 */
	viewer(credentials: Credentials): { viewer: Viewer; newOwnerCookie: string | null } {
		const operator =
			this.signer.isOperatorCookie(credentials.operatorCookie, this.operatorToken) ||
			this.isOperatorBearer(credentials.authorization);
		const ownerId = this.signer.readOwner(credentials.ownerCookie);
		if (ownerId !== null) return { viewer: { ownerId, operator }, newOwnerCookie: null };
		const issued = this.signer.issueOwner();
		return { viewer: { ownerId: issued.id, operator }, newOwnerCookie: issued.cookie };
	}

	/** The viewer of a WebSocket upgrade, from its Cookie header. */
	viewerOfCookieHeader(header: string | undefined): Viewer {
		const cookies = parseCookieHeader(header);
		return this.viewer({
			ownerCookie: cookies.get(OWNER_COOKIE),
			operatorCookie: cookies.get(OPERATOR_COOKIE)
		}).viewer;
	}

	isOperatorBearer(authorization: string | null | undefined): boolean {
		// The scheme's name is case-insensitive (RFC 9110 §11.1).
		const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
		return !!match && sameText(match[1], this.operatorToken);
	}

	/**
	 * The owner's record, made the first time it is needed (shown on /connect, say): a visitor
	 * who only reads a page costs no row.
	 */
	owner(ownerId: string): Owner {
		const known = this.store.owners.get(ownerId);
		if (known) return known;
		const owner: Owner = {
			id: ownerId,
			name: personalName((name) => this.store.ownerByName(name) !== undefined),
			password: personalPassword(),
			createdAt: Date.now()
		};
		this.store.addOwner(owner);
		return owner;
	}

	/** The owner these submission credentials belong to (user names are case-insensitive). */
	ownerOfLogin(user: string, password: string): Owner | undefined {
		const owner = this.store.ownerByName(user);
		return owner && sameText(owner.password, password) ? owner : undefined;
	}

	/** The owner of the address's personal domain, if it is one. */
	ownerOfAddress(address: string): Owner | undefined {
		return this.store.ownerByDomain(domainOf(address));
	}

	/** A new share token: 128 random bits. */
	static newToken(): string {
		return randomBytes(16).toString('base64url');
	}
}

/** `a=1; b=2` → Map; a malformed pair is skipped, the first of a repeated name wins. */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	for (const pair of (header ?? '').split(';')) {
		const eq = pair.indexOf('=');
		if (eq < 0) continue;
		const name = pair.slice(0, eq).trim();
		if (name && !cookies.has(name)) cookies.set(name, pair.slice(eq + 1).trim());
	}
	return cookies;
}
