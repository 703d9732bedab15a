/**
 * Issue 18, "the delivery journey ends at the reader": a read and a removal of a journey's copy
 * (recorded by server/mailboxes, as the POP3 server records RETR and QUIT's removals) are in the
 * journey GET /api/journeys/<id> answers and are sent at once to the page watching it
 * (watch-journey, a real WebSocket), to whoever may see the message and nobody else
 * (VISIBILITY=private). A real lab: its queue hands the message on to a sandbox mail host.
 */
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import type { Journey } from '../../src/lib/delivery/journey';
import type { ServerMessage } from '../../src/lib/messages';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { GET as journeyRoute } from '../../src/routes/api/journeys/[id]/+server';
import { until } from './harness';
import { callRoute } from './routeCall';
import { message, ready, startQuickLab, transaction } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
const clients: BridgeClient[] = [];

afterEach(async () => {
	for (const client of clients.splice(0)) client.close();
	await lab?.close();
	await web?.close();
	lab = web = undefined;
});

function visitor(lab: Lab): { viewer: Viewer; cookie: string } {
	const { id, cookie } = lab.owners.signer.issueOwner();
	return { viewer: { ownerId: id, operator: false }, cookie: `${OWNER_COOKIE}=${cookie}` };
}

type JourneyMessage = Extract<ServerMessage, { type: 'journey' }>;
const isJourney = (m: ServerMessage): m is JourneyMessage => m.type === 'journey';

it("a journey's copies read and removed by their reader end its journey, live, for whoever sees the message", async () => {
	lab = await startQuickLab({ visibility: 'private', mailHostsPort: 0, dnsPort: 0 });
	web = await startWebServer(lab);
	const [alice, stranger] = [visitor(lab), visitor(lab)];
	const owner = lab.owners.owner(alice.viewer.ownerId);
	// Submitted with alice's personal login: bob@example.com is delivered here, carol's goes on.
	const { c } = await ready(lab, 'submission', [owner.name, owner.password]);
	const t = await transaction(
		c,
		`me@${owner.name}.test`,
		['bob@example.com', 'carol@north.test'],
		message('read me')
	);
	c.close();
	const id = t.messageId!;
	await until(() => lab!.queue.journey(id)?.legs[0].state === 'delivered');

	const page = await BridgeClient.connect(web.wsUrl, { headers: { cookie: alice.cookie } });
	const other = await BridgeClient.connect(web.wsUrl, { headers: { cookie: stranger.cookie } });
	clients.push(page, other);
	page.send({ type: 'watch-journey', id });
	expect((await page.next(isJourney)).journey.reads).toEqual([]);
	other.send({ type: 'watch-journey', id });
	await other.next(isType('error'));

	// Bob's mailbox, opened in alice's browser (private mode: a shared account only there).
	const login = lab.mailboxes.resolveReadLogin('bob', 'builder', {
		browser: true,
		ownerId: alice.viewer.ownerId
	});
	if (!('account' in login)) throw new Error(login.refusal);
	const bob = login.account;
	expect(lab.mailboxes.list(bob, 'INBOX').map((e) => e.messageId)).toEqual([id]);
	const at = Date.parse('2026-12-01T21:00:00Z');
	const by = { sessionId: 'pop3-session-of-bob', protocol: 'pop3' as const };
	lab.mailboxes.recordRead(bob, id, { ...by, at, command: 'RETR' });
	const read = await page.next(
		(m): m is JourneyMessage => isJourney(m) && !!m.journey.reads?.length
	);
	expect(read.journey.reads).toEqual([
		{ messageId: id, act: 'read', mailbox: 'bob', ...by, at, command: 'RETR' }
	]);

	lab.mailboxes.remove(bob, [id], { ...by, at: at + 1000, command: 'QUIT' });
	const removed = await page.next(
		(m): m is JourneyMessage => isJourney(m) && m.journey.reads?.length === 2
	);
	expect(removed.journey.reads!.map((r) => [r.act, r.command])).toEqual([
		['read', 'RETR'],
		['removed', 'QUIT']
	]);
	const answered = await callRoute(journeyRoute, { id }, alice.viewer);
	expect(((await answered.json()) as { journey: Journey }).journey.reads).toEqual(
		removed.journey.reads
	);
	// The stranger, who may not see the message, was sent none of it.
	expect(other.received.filter(isJourney)).toEqual([]);
	expect((await callRoute(journeyRoute, { id }, stranger.viewer)).status).toBe(404);
}, 30_000);
