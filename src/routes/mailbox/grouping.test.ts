import { describe, expect, it } from 'vitest';
import type { MessageSummary, RecipientResult } from '$lib/messages';
import { groupMessages, mailboxAddress } from './grouping';

let n = 0;
function msg(
	recipients: [string, RecipientResult['outcome']][],
	extra: Partial<MessageSummary> = {}
): MessageSummary {
	n++;
	return {
		id: `m${n}`,
		sessionId: `s${n}`,
		listener: 'mx',
		kind: 'mail',
		receivedAt: n,
		from: 'alice@example.com',
		subject: `s${n}`,
		size: 10,
		envelope: { mailFrom: { address: 'alice@example.com', params: {} }, rcptTo: [] },
		recipients: recipients.map(([address, outcome]) => ({ address, outcome, reply: '250 ok' })),
		tls: false,
		authUser: null,
		...extra
	};
}

describe('groupMessages', () => {
	it.each([
		// [recipients, mailboxes, outbox, bounced, refused]
		[[['bob@example.com', 'delivered']], ['bob@example.com'], 0, 0, 0],
		[
			[
				['bob@EXAMPLE.com', 'delivered'],
				['carol@example.com', 'delivered']
			],
			['bob@example.com', 'carol@example.com'],
			0,
			0,
			0
		],
		[[['x@outside.test', 'outbox']], [], 1, 0, 0],
		[[['bounce@example.com', 'bounced']], [], 0, 1, 0],
		[[['nobody@example.com', 'refused']], [], 0, 0, 1], // refused after DATA
		[
			[
				['a@example.com', 'deferred'],
				['b@example.com', 'refused']
			],
			[],
			0,
			0,
			1
		],
		[
			[
				['bob@example.com', 'delivered'],
				['nobody@example.com', 'refused']
			],
			['bob@example.com'],
			0,
			0,
			0
		]
	] as const)('%j', (recipients, mailboxes, outbox, bounced, refused) => {
		const view = groupMessages([msg(recipients.map(([a, o]) => [a, o]))]);
		expect(view.mailboxes.map((b) => b.address)).toEqual(mailboxes);
		expect(view.outbox.length).toBe(outbox);
		expect(view.bounced.length).toBe(bounced);
		expect(view.refused.length).toBe(refused);
	});

	it('lists reports separately and in the recipient’s mailbox, newest first', () => {
		const old = msg([['alice@example.com', 'delivered']]);
		const report = msg([['alice@example.com', 'delivered']], { kind: 'bounce', reportsOn: 'm0' });
		const view = groupMessages([old, report]);
		expect(view.reports.map((m) => m.id)).toEqual([report.id]);
		expect(view.mailboxes[0].messages.map((m) => m.id)).toEqual([report.id, old.id]);
	});

	it('keeps the outbox recipients only', () => {
		const m = msg([
			['bob@example.com', 'delivered'],
			['x@outside.test', 'outbox']
		]);
		expect(groupMessages([m]).outbox[0].recipients.map((r) => r.address)).toEqual([
			'x@outside.test'
		]);
	});

	it("leaves out a copy its reader removed, from that reader's mailbox only", () => {
		const removed = (mailbox: string) => ({
			act: 'removed' as const,
			mailbox,
			sessionId: 'pop3s',
			at: 1,
			protocol: 'pop3' as const,
			command: 'DELE'
		});
		const m = msg(
			[
				['Alice@EXAMPLE.net', 'delivered'],
				['bob@example.com', 'delivered'],
				['x@quiet-otter-42.test', 'delivered'],
				['ana@k7m4qp.class.test', 'delivered']
			],
			{
				readerActs: [
					removed('alice'),
					{ ...removed('bob'), act: 'read', command: 'RETR' },
					removed('quiet-otter-42.test'),
					removed('ana@k7m4qp.class.test')
				]
			}
		);
		expect(groupMessages([m]).mailboxes.map((b) => b.address)).toEqual(['bob@example.com']);
	});

	it('lower-cases only the domain (RFC 5321 §2.4)', () => {
		expect(mailboxAddress('Bob@EXAMPLE.com')).toBe('Bob@example.com');
	});
});
