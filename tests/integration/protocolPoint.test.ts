/**
 * "Try it from here": the protocol point read from sessions recorded over real sockets, and the
 * catch-up commands for a fresh session. The expected points are written out by hand from what
 * each session did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import {
	catchUpSteps,
	protocolPointOf,
	type ProtocolPoint
} from '../../src/lib/client/protocolPoint';
import type { ListenerName } from '../../src/lib/messages';
import { isFinalReplyLine } from '../../src/lib/smtp/protocol/replyParser';
import { until } from './harness';
import { realisticSessions } from './realisticSessions';
import {
	ehlo,
	lines,
	open,
	plain,
	ready,
	startQuickLab,
	startTls,
	storedSession
} from './smtpSession';

let lab: Lab;
beforeAll(async () => {
	lab = await startQuickLab({ maxDataEventBytes: 1024 });
});
afterAll(() => lab.close());

/** The point of a session once the recorder has its `count` replies, the greeting included. */
async function pointOf(id: string, listener: ListenerName, count: number): Promise<ProtocolPoint> {
	const replies = () =>
		storedSession(lab, id).events.filter((e) => e.dir === 'server' && isFinalReplyLine(e.text));
	await until(() => replies().length >= count);
	return protocolPointOf(listener, storedSession(lab, id).events);
}

const start = {
	greeting: null,
	startTls: false,
	authenticated: false,
	mail: false,
	acceptedRecipients: 0,
	inData: false
};

describe('the protocol point of a recorded session', () => {
	it('reads the two realistic sessions: transactions done, TLS and AUTH kept', async () => {
		const [mx, submission] = await realisticSessions(lab);
		expect(protocolPointOf('mx', storedSession(lab, mx).events)).toEqual({
			...start,
			listener: 'mx',
			greeting: 'EHLO',
			startTls: true
		});
		expect(protocolPointOf('submission', storedSession(lab, submission).events)).toEqual({
			...start,
			listener: 'submission',
			greeting: 'EHLO',
			startTls: true,
			authenticated: true
		});
	});

	it('stops inside DATA after AUTH, MAIL and one accepted RCPT of two', async () => {
		const { c, id } = await ready(lab, 'submission');
		await c.command('MAIL FROM:<alice@example.com>');
		await c.command('RCPT TO:<unknown@example.com>');
		await c.command('RCPT TO:<bob@example.org>');
		await c.command('DATA');
		const point = await pointOf(id, 'submission', 9);
		c.close();
		expect(point).toEqual({
			...start,
			listener: 'submission',
			greeting: 'EHLO',
			startTls: true,
			authenticated: true,
			mail: true,
			acceptedRecipients: 1,
			inData: true
		});
	});

	it('forgets the greeting after STARTTLS until EHLO comes again (RFC 3207 §4.2)', async () => {
		const { c, id } = await open(lab, 'mx');
		await ehlo(c);
		await startTls(c);
		const point = await pointOf(id, 'mx', 3);
		c.close();
		expect(point).toEqual({ ...start, listener: 'mx', startTls: true });
	});

	it('ends the transaction on RSET and keeps a HELO greeting', async () => {
		const { c, id } = await open(lab, 'mx');
		await lines(c, 'HELO client.example.test');
		await c.command('MAIL FROM:<alice@example.com>');
		const withMail = await pointOf(id, 'mx', 3);
		await c.command('RSET');
		const afterRset = await pointOf(id, 'mx', 4);
		c.close();
		expect(withMail).toEqual({ ...start, listener: 'mx', greeting: 'HELO', mail: true });
		expect(afterRset).toEqual({ ...start, listener: 'mx', greeting: 'HELO' });
	});

	it('on submissions, a refused AUTH leaves the session unauthenticated', async () => {
		const { c, id } = await open(lab, 'submissions');
		await ehlo(c);
		await c.command(`AUTH PLAIN ${plain('alice', 'wrong')}`);
		const point = await pointOf(id, 'submissions', 3);
		c.close();
		expect(point).toEqual({ ...start, listener: 'submissions', greeting: 'EHLO' });
	});
});

describe('the catch-up of a fresh session', () => {
	const ana = { address: 'ana@k7m2qp.class.test', password: 'p4ss-word' };
	// "\0ana@k7m2qp.class.test\0p4ss-word" in base64 (RFC 4616 §2), written out.
	const anaPlain = 'AGFuYUBrN20ycXAuY2xhc3MudGVzdABwNHNzLXdvcmQ=';

	it('repeats EHLO after STARTTLS, authenticates as the learner, uses only their address', () => {
		const point: ProtocolPoint = {
			...start,
			listener: 'submission',
			greeting: 'EHLO',
			startTls: true,
			authenticated: true,
			mail: true,
			acceptedRecipients: 2,
			inData: true
		};
		expect(catchUpSteps(point, ana, 'ana.example.test')).toEqual([
			{ label: 'EHLO', line: 'EHLO ana.example.test', expect: 250 },
			{ label: 'STARTTLS', line: 'STARTTLS', expect: 220 },
			{ label: 'EHLO again', line: 'EHLO ana.example.test', expect: 250 },
			{ label: 'AUTH', line: `AUTH PLAIN ${anaPlain}`, expect: 235 },
			{ label: 'MAIL', line: 'MAIL FROM:<ana@k7m2qp.class.test>', expect: 250 },
			{ label: 'RCPT', line: 'RCPT TO:<ana@k7m2qp.class.test>', expect: 250 },
			{ label: 'DATA', line: 'DATA', expect: 354 }
		]);
	});

	it('sends nothing for a session that only connected, and HELO for a HELO session', () => {
		expect(catchUpSteps({ ...start, listener: 'mx' }, null, 'x.test')).toEqual([]);
		expect(catchUpSteps({ ...start, listener: 'mx', greeting: 'HELO' }, null, 'x.test')).toEqual([
			{ label: 'HELO', line: 'HELO x.test', expect: 250 }
		]);
	});

	it('needs the learner credentials for an authenticated point', () => {
		expect(() =>
			catchUpSteps({ ...start, listener: 'submissions', authenticated: true }, null, 'x.test')
		).toThrow(/login/);
	});
});
