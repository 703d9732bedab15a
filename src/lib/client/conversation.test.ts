import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../messages';
import { capabilitiesOf, pairExchanges, transactionOf, transcriptText } from './conversation';

let seq = 0;
function ev(
	dir: SessionEvent['dir'],
	text: string,
	extra: Partial<SessionEvent> = {}
): SessionEvent {
	return {
		seq: ++seq,
		at: seq * 10,
		dir,
		text,
		anomalies: [],
		annotation: { title: text, summary: `about ${text}` },
		...extra
	};
}

const session: SessionEvent[] = [
	ev('system', 'Connected', { kind: 'connect' }),
	ev('server', '220 sandbox ESMTP'),
	ev('client', 'EHLO me'),
	ev('server', '250-sandbox'),
	ev('server', '250-PIPELINING'),
	ev('server', '250 STARTTLS'),
	// Pipelined: all four commands before any reply (RFC 2920).
	ev('client', 'MAIL FROM:<alice@example.com>'),
	ev('client', 'RCPT TO:<bob@example.org>'),
	ev('client', 'RCPT TO:<unknown@example.org>'),
	ev('client', 'DATA'),
	ev('server', '250 2.1.0 Accepted'),
	ev('server', '250 2.1.5 Accepted'),
	ev('server', '550 5.1.1 Mailbox unknown'),
	ev('server', '354 End data with <CR><LF>.<CR><LF>'),
	ev('client', 'Subject: hi\n\n..dot', { messageId: 'm1' }),
	ev('client', '.'),
	ev('server', '250 2.0.0 Queued'),
	ev('client', 'QUIT'),
	ev('server', '221 2.0.0 Bye')
];

describe('pairExchanges', () => {
	const exchanges = pairExchanges(session);
	it('treats the greeting as a reply to no command', () => {
		expect(exchanges[0]).toMatchObject({ command: null, code: 220 });
	});
	it('keeps multi-line replies together', () => {
		expect(exchanges[1].verb).toBe('EHLO');
		expect(exchanges[1].reply.map((l) => l.text)).toEqual([
			'250-sandbox',
			'250-PIPELINING',
			'250 STARTTLS'
		]);
	});
	it('matches pipelined replies in order', () => {
		expect(exchanges.slice(2, 6).map((x) => [x.verb, x.code])).toEqual([
			['MAIL', 250],
			['RCPT', 250],
			['RCPT', 550],
			['DATA', 354]
		]);
	});
	it('does not mistake the body for commands and ties it to the end of data', () => {
		expect(exchanges[6]).toMatchObject({ verb: '.', code: 250 });
		expect(exchanges[6].body?.messageId).toBe('m1');
		expect(exchanges[7]).toMatchObject({ verb: 'QUIT', code: 221 });
	});
	it('leaves commands without replies waiting', () => {
		const partial = pairExchanges(session.slice(0, 9));
		expect(partial.at(-1)).toMatchObject({ verb: 'RCPT', code: null, reply: [] });
	});
});

describe('capabilitiesOf', () => {
	it('reads the last EHLO and forgets it after STARTTLS (RFC 3207 §4.2)', () => {
		const exchanges = pairExchanges(session);
		expect(Object.keys(capabilitiesOf(exchanges))).toEqual(['PIPELINING', 'STARTTLS']);
		const tls = pairExchanges([
			...session.slice(0, 6),
			ev('client', 'STARTTLS'),
			ev('server', '220 Go')
		]);
		expect(capabilitiesOf(tls)).toEqual({});
	});
});

describe('transactionOf', () => {
	it('lists the envelope with each recipient’s fate', () => {
		const view = transactionOf(pairExchanges(session.slice(0, 17)));
		expect(view?.mailFrom).toMatchObject({ address: 'alice@example.com', status: 'accepted' });
		expect(view?.recipients.map((r) => [r.address, r.status])).toEqual([
			['bob@example.org', 'accepted'],
			['unknown@example.org', 'refused']
		]);
		expect(view?.recipients[1].why).toBe('about 550 5.1.1 Mailbox unknown');
		expect(view?.data.status).toBe('accepted');
		expect(view?.messageId).toBe('m1');
	});
	it('shows a 4xx as try-later and RSET as the end of the transaction', () => {
		const events = [
			ev('client', 'MAIL FROM:<>'),
			ev('server', '250 OK'),
			ev('client', 'RCPT TO:<greylist@example.com>'),
			ev('server', '451 4.7.1 Try again later')
		];
		expect(transactionOf(pairExchanges(events))?.recipients[0].status).toBe('deferred');
		const reset = [...events, ev('client', 'RSET'), ev('server', '250 Flushed')];
		expect(transactionOf(pairExchanges(reset))).toBeNull();
	});
});

describe('transcriptText', () => {
	it('writes one prefixed line per line of text', () => {
		expect(transcriptText(session.slice(0, 3))).toBe(
			'* Connected\nS: 220 sandbox ESMTP\nC: EHLO me\n'
		);
		expect(transcriptText([session[14]])).toBe('C: Subject: hi\nC: \nC: ..dot\n');
		const content = { ...session[14], text: 'Subject: hi\n\nbody\n' };
		expect(transcriptText([content])).toBe('C: Subject: hi\nC: \nC: body\n');
	});

	it('a reply ends only on an RFC 5321 §4.2 final reply line, not on "250x" or "600 x"', () => {
		const exchanges = pairExchanges([
			ev('client', 'NOOP'),
			ev('server', '250x'),
			ev('server', '600 x'),
			ev('server', '250 OK')
		]);
		expect(exchanges.map((e) => [e.verb, e.code, e.reply.length])).toEqual([['NOOP', 250, 3]]);
	});
});
