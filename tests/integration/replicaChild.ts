/**
 * Instance A of replica.test.ts, in a process of its own so that the test can kill it as a crash
 * does (SIGKILL: no close, its database connections simply drop). On DATABASE_URL it opens a
 * browser session through its bridge (EHLO typed, left open) and queues a journey that its first
 * try leaves waiting (greylist.test defers it, and its queue's clock runs at real speed, so the
 * retry is half an hour away); once both are written it prints them as JSON and waits.
 */
import { startQuickLab, ready, transaction, message } from './smtpSession';
import { until } from './harness';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

const lab = await startQuickLab({
	databaseUrl: process.env.DATABASE_URL!,
	queueTimeScale: 1,
	pgPollMs: 50,
	pgPeerCheckMs: 100
});
const web = await startWebServer(lab);
const page = await BridgeClient.connect(web.wsUrl);
page.send({ type: 'open', listener: 'mx' });
const { session, resumeToken } = await page.next(isType('opened'));
await page.reply(session.id, /^220 /);
page.send({ type: 'input', data: 'EHLO child.example\r\n' });
await page.reply(session.id, /^250 /);

const { c } = await ready(lab, 'submission');
const sent = await transaction(c, 'alice@example.com', ['hal@greylist.test'], message('adopted'));
await c.command('QUIT');
const journeyId = sent.messageId!;
await until(() => {
	const leg = lab.queue.journey(journeyId)?.legs[0];
	return leg?.state === 'queued' && leg.attempts.length === 1;
});
await lab.store.flush();
process.stdout.write(`${JSON.stringify({ sessionId: session.id, resumeToken, journeyId })}\n`);
