import { describe, expect, it } from 'vitest';
import {
	mailboxHolds,
	mailboxLabel,
	READER_ACT_NOTES,
	readerActNote,
	removalOf
} from './readerActs';

describe('mailboxHolds', () => {
	it.each([
		// [mailbox key, address, holds] — a shared user at each sandbox domain, any case (RFC 5321 §2.4)
		['alice', 'alice@example.com', true],
		['alice', 'ALICE@Example.ORG', true],
		['alice', 'alice@example.net.', true],
		['alice', 'alice@north.test', false],
		['alice', 'malice@example.com', false],
		['alice', 'bob@example.com', false],
		// a personal domain: any address there
		['quiet-otter-42.test', 'x@Quiet-Otter-42.test', true],
		['quiet-otter-42.test', 'x@sub.quiet-otter-42.test', false],
		// a class address: that address only
		['ana@k7m4qp.class.test', 'Ana@K7M4QP.class.test', true],
		['ana@k7m4qp.class.test', 'class@k7m4qp.class.test', false]
	] as const)('%s holds %s: %s', (mailbox, address, holds) => {
		expect(mailboxHolds(mailbox, address)).toBe(holds);
	});
});

describe('reader acts', () => {
	it('a removal is found by any address of its mailbox; a read is not a removal', () => {
		const act = {
			act: 'removed' as const,
			mailbox: 'bob',
			sessionId: 'S',
			at: 1,
			protocol: 'pop3' as const,
			command: 'QUIT'
		};
		expect(removalOf([act], 'bob@example.org')).toBe(act);
		expect(removalOf([{ ...act, act: 'read' }], 'bob@example.org')).toBeUndefined();
		expect(removalOf(undefined, 'bob@example.org')).toBeUndefined();
	});

	it("an IMAP expunge from another folder (Sent, a copy's) is not the delivered copy's removal", () => {
		const act = {
			act: 'removed' as const,
			mailbox: 'bob',
			sessionId: 'S',
			at: 1,
			protocol: 'imap' as const,
			command: 'EXPUNGE'
		};
		expect(removalOf([{ ...act, folder: 'Sent' }], 'bob@example.org')).toBeUndefined();
		expect(removalOf([{ ...act, folder: 'Archive/2026' }], 'bob@example.org')).toBeUndefined();
		expect(removalOf([act], 'bob@example.org')).toBe(act);
	});

	it('labels each kind of mailbox', () => {
		expect(mailboxLabel('alice')).toBe('alice@example.com, .net, .org');
		expect(mailboxLabel('quiet-otter-42.test')).toBe('@quiet-otter-42.test');
		expect(mailboxLabel('ana@k7m4qp.class.test')).toBe('ana@k7m4qp.class.test');
	});

	it('explains every POP3 act, citing RFC 1939', () => {
		for (const act of ['read', 'removed'] as const)
			expect(readerActNote({ protocol: 'pop3', act })?.rfc.map((r) => r.rfc)).toContain(1939);
		expect(READER_ACT_NOTES.find((n) => n.act === 'removed')?.rfc).toContainEqual({
			rfc: 1939,
			section: '6'
		});
	});
});
