/**
 * Who a request is, and whose a login or an address is (issue 13 "Who owns what"): a browser
 * without a valid owner cookie becomes a new owner, an owner's record (name, password) is made
 * on first use and kept, names are unique, and personal logins and domains find their owner.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../config';
import { LabStore } from '../store/labStore';
import { OwnerDirectory, parseCookieHeader } from './ownerDirectory';
import { personalName } from './ownerNames';

const TOKEN = 'operator-token-for-the-tests';
/** A DNS label (RFC 1035 §2.3.1) of the `quiet-otter-42` shape. */
const NAME_SHAPE = /^[a-z]+-[a-z]+-[0-9]+$/;

let store: LabStore;
let directory: OwnerDirectory;

beforeEach(() => {
	store = new LabStore(readConfig({}));
	directory = new OwnerDirectory(store, randomBytes(32), TOKEN);
});

describe('viewer()', () => {
	it('without a cookie, a new owner each time, with the cookie that names it', () => {
		const first = directory.viewer({});
		const second = directory.viewer({});
		expect(first.newOwnerCookie).not.toBeNull();
		expect(second.newOwnerCookie).not.toBeNull();
		expect(second.viewer.ownerId).not.toBe(first.viewer.ownerId);
		expect(directory.signer.readOwner(first.newOwnerCookie!)).toBe(first.viewer.ownerId);
		expect(first.viewer.operator).toBe(false);
		// Reading a page costs no owner record.
		expect(store.owners.size).toBe(0);
	});

	it('with its cookie, the same owner and no new cookie', () => {
		const { viewer, newOwnerCookie } = directory.viewer({});
		const again = directory.viewer({ ownerCookie: newOwnerCookie! });
		expect(again).toEqual({ viewer, newOwnerCookie: null });
	});

	it('a tampered cookie is a new owner, not the one it was made from', () => {
		const { viewer, newOwnerCookie } = directory.viewer({});
		const tampered = newOwnerCookie!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
		const result = directory.viewer({ ownerCookie: tampered });
		expect(result.viewer.ownerId).not.toBe(viewer.ownerId);
		expect(result.newOwnerCookie).not.toBeNull();
	});

	it('the operator: by cookie or bearer token, and still an owner of their own', () => {
		const operatorCookie = directory.signer.operatorCookie(TOKEN);
		expect(directory.viewer({ operatorCookie }).viewer.operator).toBe(true);
		expect(directory.viewer({ authorization: `Bearer ${TOKEN}` }).viewer.operator).toBe(true);
		for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN, 'Bearer ', null])
			expect(directory.viewer({ authorization }).viewer.operator, String(authorization)).toBe(
				false
			);
		expect(directory.viewer({ operatorCookie: 'x'.repeat(8192) }).viewer.operator).toBe(false);
		// A signer with another token (the operator changed OPERATOR_TOKEN) signs the old cookie out.
		const renewed = new OwnerDirectory(store, randomBytes(32), `${TOKEN}-new`);
		expect(renewed.viewer({ operatorCookie }).viewer.operator).toBe(false);
	});

	it('viewerOfCookieHeader reads the owner and operator cookies from a Cookie header', () => {
		const { viewer, newOwnerCookie } = directory.viewer({});
		const operator = directory.signer.operatorCookie(TOKEN);
		expect(
			directory.viewerOfCookieHeader(
				`theme=dark; smtp_lab_owner=${newOwnerCookie}; smtp_lab_operator=${operator}`
			)
		).toEqual({ ownerId: viewer.ownerId, operator: true });
		expect(directory.viewerOfCookieHeader(undefined).ownerId).not.toBe(viewer.ownerId);
		expect(directory.viewerOfCookieHeader('garbage;;=;smtp_lab_owner').ownerId).not.toBe(
			viewer.ownerId
		);
	});

	it('parseCookieHeader: the first of a repeated name wins, malformed pairs are skipped', () => {
		expect([...parseCookieHeader(' a=1;b ; =x; a=2;c= 3 ')]).toEqual([
			['a', '1'],
			['c', '3']
		]);
	});
});

describe('owner()', () => {
	it('is made on first use and stays the same', () => {
		const { viewer } = directory.viewer({});
		expect(store.owners.size).toBe(0);
		const owner = directory.owner(viewer.ownerId);
		expect(owner.id).toBe(viewer.ownerId);
		expect(owner.name).toMatch(NAME_SHAPE);
		expect(Buffer.from(owner.password, 'base64url').length).toBeGreaterThanOrEqual(12);
		expect(directory.owner(viewer.ownerId)).toEqual(owner);
		expect(store.owners.size).toBe(1);
	});

	it('gives thousands of owners thousands of different names, each a DNS label', () => {
		const owners = Array.from({ length: 5000 }, () =>
			directory.owner(directory.viewer({}).viewer.ownerId)
		);
		expect(new Set(owners.map((o) => o.name)).size).toBe(owners.length);
		for (const owner of owners) {
			expect(owner.name).toMatch(NAME_SHAPE);
			expect(owner.name.length).toBeLessThanOrEqual(63);
			expect(store.ownerByName(owner.name)).toBe(owner);
		}
		expect(new Set(owners.map((o) => o.password)).size).toBe(owners.length);
	});

	it('still finds a name when every name with a two-digit number is taken', () => {
		let asked = 0;
		const name = personalName((candidate) => {
			// A directory that never finds a free name would hang the server: fail instead.
			if (++asked > 10_000) throw new Error('no free name after 10,000 tries');
			return /-[0-9]{1,2}$/.test(candidate);
		});
		expect(name).toMatch(/^[a-z]+-[a-z]+-[0-9]{3,}$/);
	});
});

describe('personal logins and domains', () => {
	it('ownerOfLogin: the user name in any case, the password exactly', () => {
		const owner = directory.owner(directory.viewer({}).viewer.ownerId);
		expect(directory.ownerOfLogin(owner.name, owner.password)).toBe(owner);
		expect(directory.ownerOfLogin(owner.name.toUpperCase(), owner.password)).toBe(owner);
		for (const password of [
			owner.password.toUpperCase() === owner.password
				? owner.password.toLowerCase()
				: owner.password.toUpperCase(),
			`${owner.password} `,
			owner.password.slice(1),
			''
		])
			expect(directory.ownerOfLogin(owner.name, password), password).toBeUndefined();
		expect(directory.ownerOfLogin('alice', 'wonderland')).toBeUndefined();
		expect(directory.ownerOfLogin(`${owner.name}.test`, owner.password)).toBeUndefined();
	});

	it("a login names only its own owner, not another's", () => {
		const a = directory.owner(directory.viewer({}).viewer.ownerId);
		const b = directory.owner(directory.viewer({}).viewer.ownerId);
		expect(directory.ownerOfLogin(a.name, b.password)).toBeUndefined();
		expect(directory.ownerOfLogin(b.name, b.password)).toBe(b);
	});

	it('ownerOfAddress: the personal domain in any case, and nothing around it', () => {
		const owner = directory.owner(directory.viewer({}).viewer.ownerId);
		const domain = `${owner.name}.test`;
		expect(directory.ownerOfAddress(`anyone@${domain}`)).toBe(owner);
		expect(directory.ownerOfAddress(`Anyone@${domain.toUpperCase()}`)).toBe(owner);
		for (const address of [
			`anyone@x.${domain}`,
			`anyone@${domain}.example.com`,
			`anyone@${owner.name}`,
			`anyone@${owner.name}.example`,
			`anyone@${owner.name}x.test`,
			`${domain}`,
			`anyone@${domain}@example.com`,
			'bob@example.com'
		])
			expect(directory.ownerOfAddress(address), address).toBeUndefined();
	});
});
