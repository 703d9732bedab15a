/**
 * Issue 16: the exercise checks read what the lab really records. Sessions over real sockets,
 * then the pipeline and dot-stuffing checklists over the store's sessions and messages: the
 * grouping of pipelined lines and the content event are the recorder's, not a test's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { buildMessageView } from '../../server/store/messageView';
import { EXERCISES_BY_ID } from '../../src/lib/exercises/catalogue';
import { evaluate, type ExerciseWork } from '../../src/lib/exercises/evaluate';
import { ManualClock, until } from './harness';
import { ehlo, ended, message, open, ready, startQuickLab, transaction } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

/** Everything the lab holds, as the exercise checks read it. */
async function workIn(lab: Lab, sessionIds: string[]): Promise<ExerciseWork> {
	const messages = await Promise.all(
		[...lab.store.messages.values()].map(async ({ raw, summary }) => {
			const view = await buildMessageView(new Uint8Array(raw), 1000);
			return { ...summary, headers: view.headers, parts: view.parts, raw: raw.toString('latin1') };
		})
	);
	const sessions = await Promise.all(
		sessionIds.map(async (id) => {
			const stored = await ended(lab, id);
			return { summary: stored.summary, events: stored.events };
		})
	);
	return { sessions, messages };
}

const checksPassed = (slug: string, work: ExerciseWork) =>
	evaluate(EXERCISES_BY_ID.get(slug)!, work)
		.checks.filter((c) => c.passed)
		.map((c) => c.id);

describe('exercises over recorded sessions', () => {
	it('MAIL, RCPT and DATA in one packet pass the pipeline exercise; one at a time does not', async () => {
		lab = await startQuickLab();
		const piped = await open(lab, 'mx');
		await ehlo(piped.c);
		piped.c.send('MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n');
		const replies = [await piped.c.reply(), await piped.c.reply(), await piped.c.reply()];
		expect(replies.map((r) => r.at(-1)?.slice(0, 3))).toEqual(['250', '250', '354']);
		piped.c.send(message('piped') + '.\r\n');
		expect((await piped.c.reply()).at(-1)).toMatch(/^250 /);
		expect(await piped.c.command('QUIT')).toMatch(/^221 /);

		const single = await open(lab, 'mx');
		await ehlo(single.c);
		const t = await transaction(single.c, 'alice@example.com', ['bob@example.com'], message('one'));
		expect(t.end).toMatch(/^250 /);
		expect(await single.c.command('QUIT')).toMatch(/^221 /);

		expect(checksPassed('pipeline-transaction', await workIn(lab, [piped.id]))).toEqual([
			'one-group',
			'body-after-354',
			'accepted'
		]);
		expect(checksPassed('pipeline-transaction', await workIn(lab, [single.id]))).toEqual([
			'body-after-354'
		]);
	});

	it('a body line starting with a dot, stuffed on the wire, passes the dot-stuffing exercise', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'mx');
		await ehlo(c);
		// transaction() dot-stuffs the content as a client must (RFC 5321 §4.5.2).
		const t = await transaction(
			c,
			'alice@example.com',
			['bob@example.com'],
			message('dots', '.signature\r\n')
		);
		expect(t.end).toMatch(/^250 /);
		expect(await c.command('QUIT')).toMatch(/^221 /);
		expect(checksPassed('dot-stuffing', await workIn(lab, [id]))).toEqual([
			'stuffed',
			'accepted',
			'unstuffed'
		]);
	});

	it('STARTTLS, EHLO, AUTH on submission, then a message, pass the submission exercise', async () => {
		lab = await startQuickLab();
		// ready(): EHLO, STARTTLS, EHLO again, AUTH PLAIN (the stored AUTH line is masked).
		const { c, id } = await ready(lab, 'submission');
		const t = await transaction(c, 'alice@example.com', ['bob@example.com'], message('tls'));
		expect(t.end).toMatch(/^250 /);
		expect(await c.command('QUIT')).toMatch(/^221 /);
		expect(checksPassed('starttls-then-auth', await workIn(lab, [id]))).toEqual([
			'starttls',
			'ehlo-again',
			'auth-in-tls',
			'sent-authenticated'
		]);
	});

	it('one refused and one accepted recipient, then a greylisted retry, pass their exercises', async () => {
		const clock = new ManualClock();
		lab = await startQuickLab({ greylistSeconds: 10 }, { clock });
		const { c, id } = await open(lab, 'mx');
		await ehlo(c);
		const two = await transaction(
			c,
			'alice@example.com',
			['bob@example.com', 'unknown@example.com'],
			message('two')
		);
		expect(two.rcpt.map((r) => r.slice(0, 3))).toEqual(['250', '550']);
		expect(two.end).toMatch(/^250 /);
		const first = await transaction(c, 'alice@example.com', ['greylist@example.com'], message('g'));
		expect(first.rcpt[0]).toMatch(/^451 /);
		expect(await c.command('RSET')).toMatch(/^250 /);
		clock.advance(10_000);
		const retry = await transaction(c, 'alice@example.com', ['greylist@example.com'], message('g'));
		expect(retry.end).toMatch(/^250 /);
		expect(await c.command('QUIT')).toMatch(/^221 /);
		const work = await workIn(lab, [id]);
		expect(checksPassed('one-refused-recipient', work)).toEqual([
			'two-rcpt',
			'rcpt-refused',
			'other-delivered'
		]);
		expect(checksPassed('greylisted-retry', work)).toEqual(['deferred', 'retried', 'delivered']);
	});

	it('mail to bounce@ brings back a DSN that passes the bounce exercise', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'mx');
		await ehlo(c);
		const t = await transaction(c, 'alice@example.com', ['bounce@example.com'], message('b'));
		expect(t.end).toMatch(/^250 /);
		expect(await c.command('QUIT')).toMatch(/^221 /);
		await until(() => [...lab!.store.messages.values()].some((m) => m.summary.kind === 'bounce'));
		expect(checksPassed('bounce-dsn', await workIn(lab, [id]))).toEqual([
			'accepted',
			'bounce-back',
			'delivery-status'
		]);
	});
});
