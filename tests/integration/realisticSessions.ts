/**
 * Two sessions with most of what a transcript can hold, over real sockets: on mx, syntax and
 * policy errors, pipelining, an unknown command, a message with a dot-stuffed line, a long line
 * and more content than a DATA event shows, STARTTLS; on submission, STARTTLS and three AUTH
 * exchanges (cancelled, refused, accepted) before a message. The lab should be started with a
 * small `maxDataEventBytes` (1024) so that the content is cut in its transcript.
 */
import type { Lab } from '../../server/lab';
import { type RawSmtp, until } from './harness';
import { dotStuff, ehlo, lines, open, plain, startTls } from './smtpSession';

const LONG_BODY = Array.from(
	{ length: 40 },
	(_, i) => `Line ${i + 1} of a body longer than the transcript shows.`
).join('\r\n');

const CONTENT =
	'From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: Stored transcript\r\n\r\n' +
	'.a line that starts with a dot\r\n' +
	'x'.repeat(100) +
	'\r\n' +
	LONG_BODY +
	'\r\n';

/** Runs both sessions to their end; returns their ids. */
export async function realisticSessions(lab: Lab): Promise<string[]> {
	const { ids } = await runSessions(lab, true);
	await until(() => ids.every((id) => lab.store.sessions.get(id)?.summary.endedAt != null));
	return ids;
}

/** Runs both sessions up to their QUIT and leaves them open: their lines wait for a reader. */
export async function openRealisticSessions(
	lab: Lab
): Promise<{ ids: string[]; clients: RawSmtp[] }> {
	const opened = await runSessions(lab, false);
	// The recording of the last reply runs in the next turn of the event loop; waiting on the
	// store instead would read the events, and so annotate them.
	await new Promise((resolve) => setTimeout(resolve, 50));
	return opened;
}

async function runSessions(
	lab: Lab,
	quit: boolean
): Promise<{ ids: string[]; clients: RawSmtp[] }> {
	const mx = await open(lab, 'mx');
	await ehlo(mx.c);
	await mx.c.command('MAIL FROM:alice@example.com');
	await mx.c.command('MAIL FROM:<alice@example.com> SIZE=5000 BODY=8BITMIME');
	await mx.c.command('RCPT TO:bob@example.com');
	await mx.c.command('RCPT TO:<bob@example.com>');
	await mx.c.command('DATA');
	mx.c.send(dotStuff(CONTENT) + '.\r\n');
	await mx.c.reply();
	// Pipelined (RFC 2920): three commands in one write, three replies.
	mx.c.send('RSET\r\nNOOP\r\nHELP\r\n');
	for (let i = 0; i < 3; i++) await mx.c.reply();
	await mx.c.command('FOO bar');
	await startTls(mx.c);
	await ehlo(mx.c);
	if (quit) await mx.c.command('QUIT');

	const submission = await open(lab, 'submission');
	await ehlo(submission.c);
	await startTls(submission.c);
	await ehlo(submission.c);
	await submission.c.command('AUTH LOGIN');
	await submission.c.command('*');
	await submission.c.command(`AUTH PLAIN ${plain('alice', 'not the password')}`);
	await submission.c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`);
	await submission.c.command('MAIL FROM:<alice@example.com>');
	await submission.c.command('RCPT TO:<carol@example.org>');
	await lines(submission.c, 'DATA');
	submission.c.send('Subject: after AUTH\r\n\r\nHello.\r\n.\r\n');
	await submission.c.reply();
	if (quit) await submission.c.command('QUIT');
	return { ids: [mx.id, submission.id], clients: [mx.c, submission.c] };
}
