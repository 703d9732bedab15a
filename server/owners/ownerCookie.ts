/**
 * The owner cookie: every browser is an anonymous owner, named by a random 128-bit id that only
 * its cookie carries (never sent to anyone else). The cookie is `<id>.<mac>`, the MAC keyed with
 * the lab's cookie secret, so only ids this server issued are accepted: a tampered, foreign or
 * oversized value is ignored and the browser becomes a new owner (never an error page, never
 * another's data). The operator's cookie is a MAC of the operator token: changing the token signs
 * every operator out.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A cookie value longer than ours is not ours: ignored unread. */
const MAX_COOKIE_CHARS = 64;
const ID_BYTES = 16;
const ID_SHAPE = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/;

export class CookieSigner {
	readonly #secret: Buffer;

	constructor(secret: Buffer) {
		this.#secret = secret;
	}

	/** A new owner: its id and the cookie value naming it. */
	issueOwner(): { id: string; cookie: string } {
		const id = randomBytes(ID_BYTES).toString('base64url');
		return { id, cookie: this.ownerCookie(id) };
	}

	/** The cookie value naming an owner this server issued (a teacher's or a student's, again). */
	ownerCookie(id: string): string {
		return `${id}.${this.#mac(`owner:${id}`)}`;
	}

	/** The owner id a cookie names, or null when it is not one this server issued. */
	readOwner(cookie: string | undefined): string | null {
		if (!cookie || cookie.length > MAX_COOKIE_CHARS || !ID_SHAPE.test(cookie)) return null;
		const [id, mac] = cookie.split('.');
		return sameText(mac, this.#mac(`owner:${id}`)) ? id : null;
	}

	/** The operator cookie's value for `token`. */
	operatorCookie(token: string): string {
		return this.#mac(`operator:${token}`);
	}

	isOperatorCookie(cookie: string | undefined, token: string): boolean {
		return (
			!!cookie && cookie.length <= MAX_COOKIE_CHARS && sameText(cookie, this.operatorCookie(token))
		);
	}

	#mac(text: string): string {
		return createHmac('sha256', this.#secret).update(text).digest('base64url').slice(0, 22);
	}
}

/** Compares in constant time, so a MAC cannot be guessed byte by byte. */
export function sameText(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}
