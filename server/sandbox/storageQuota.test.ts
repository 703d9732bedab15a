/**
 * The quotas at their edges, against a real store holding items of known sizes: MAX_DB_BYTES at
 * MAIL (452 4.3.1), MAX_STORED_BYTES_PER_OWNER at RCPT (452 4.2.2) for the recipient's owner,
 * the sender's, or the unclaimed pool. The wire is tested in tests/integration/storageQuotas.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { clientEvent, sessionSummary, storedMessage } from '../../tests/storedItems';
import { LabStore } from '../store/labStore';
import { declaredSize, StorageQuota } from './storageQuota';

const VICTIM = { id: 'victim', name: 'quiet-otter-42', password: 'p', createdAt: 0 };
const VICTIM_ADDRESS = 'anyone@quiet-otter-42.test';
const OTHER = { id: 'other', name: 'brave-fox-7', password: 'p', createdAt: 0 };

/**
 * A store holding a 10-byte transcript line, 103 bytes of the victim's and 53 unclaimed; the
 * other owner has nothing.
 */
function storeWithMail(): LabStore {
	const store = new LabStore({ maxEventsPerSession: 100 });
	store.addOwner(VICTIM);
	store.addOwner(OTHER);
	store.addSession(sessionSummary('s1'));
	store.appendEvent('s1', clientEvent('EHLO café'));
	store.addMessage(
		storedMessage('m1', { raw: 'x'.repeat(100), trace: 'T\r\n', owners: ['victim'] })
	);
	store.addMessage(storedMessage('m2', { raw: 'y'.repeat(50), trace: 'T\r\n' }));
	return store;
}
const TOTAL = 10 + 103 + 53;

function quota(limits: { maxDbBytes?: number; maxStoredBytesPerOwner?: number }): StorageQuota {
	return new StorageQuota(
		{ maxDbBytes: 1 << 30, maxStoredBytesPerOwner: 1 << 30, ...limits },
		storeWithMail()
	);
}

describe('MAX_DB_BYTES at MAIL', () => {
	it('takes a declared size that fits exactly, refuses one byte more with 452 4.3.1', () => {
		const q = quota({ maxDbBytes: TOTAL + 10 });
		expect(q.mailRefusal(10)).toBeNull();
		const refusal = q.mailRefusal(11)!;
		expect(refusal.responseCode).toBe(452);
		expect(refusal.message).toMatch(/^4\.3\.1 Mail system full: .*\b176 bytes \(MAX_DB_BYTES\)/);
	});

	it('without SIZE=: takes mail while one more byte fits, refuses it once the lab is full', () => {
		expect(quota({ maxDbBytes: TOTAL + 1 }).mailRefusal(0)).toBeNull();
		expect(quota({ maxDbBytes: TOTAL }).mailRefusal(0)?.responseCode).toBe(452);
	});
});

describe('MAX_STORED_BYTES_PER_OWNER at RCPT', () => {
	it("the recipient's owner: fits exactly, one byte more is 452 4.2.2 naming the mailbox", () => {
		const q = quota({ maxStoredBytesPerOwner: 110 });
		expect(q.recipientRefusal(VICTIM_ADDRESS, [], 7)).toBeNull();
		const refusal = q.recipientRefusal(VICTIM_ADDRESS, [], 8)!;
		expect(refusal.responseCode).toBe(452);
		expect(refusal.message).toMatch(
			/^4\.2\.2 Storage full for the mailbox of quiet-otter-42\.test: .*110 bytes .*retries for days/
		);
	});

	it("the sender's owners: their own copy would not fit", () => {
		const q = quota({ maxStoredBytesPerOwner: 103 });
		expect(q.recipientRefusal('bob@example.com', ['victim'], 0)?.message).toMatch(
			/^4\.2\.2 Storage full for your own mail: /
		);
		// Another sender, to the same shared address, is not held back by it.
		expect(q.recipientRefusal('bob@example.com', ['someone-else'], 0)).toBeNull();
	});

	it('mail of nobody: the unclaimed pool has the same quota, and only unclaimed mail is held back by it', () => {
		const q = quota({ maxStoredBytesPerOwner: 60 });
		expect(q.recipientRefusal('bob@example.com', [], 7)).toBeNull();
		expect(q.recipientRefusal('bob@example.com', [], 8)?.message).toMatch(
			/^4\.2\.2 Storage full for unclaimed mail/
		);
		// Kept for an owner instead (a sender's, a personal domain's): the pool is not charged.
		expect(q.recipientRefusal('bob@example.com', ['someone-else'], 8)).toBeNull();
		expect(q.recipientRefusal('anyone@brave-fox-7.test', [], 8)).toBeNull();
	});
});

describe('declaredSize', () => {
	it('reads SIZE= (RFC 1870) from the MAIL parameters, 0 without it', () => {
		expect(declaredSize({ SIZE: '1234', BODY: '8BITMIME' })).toBe(1234);
		expect(declaredSize({ BODY: '8BITMIME' })).toBe(0);
		expect(declaredSize(false)).toBe(0);
		expect(declaredSize(undefined)).toBe(0);
	});
});
