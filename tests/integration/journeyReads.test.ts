/**
 * Issue 18, "the delivery journey ends at the reader": a read and a removal of a journey's copy
 * by a real POP3 client (Python's poplib: RETR, DELE, QUIT) are in the journey
 * GET /api/journeys/<id> answers and are sent at once to the page watching it
 * (watch-journey, a real WebSocket), to whoever may see the message and nobody else
 * (VISIBILITY=private). A real lab: its queue hands the message on to a sandbox mail host.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

const run = promisify(execFile);

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
	// Submitted with alice's personal login: bob at her personal domain gets it here, carol's goes on.
	const { c } = await ready(lab, 'submission', [owner.name, owner.password]);
	const t = await transaction(
		c,
		`me@${owner.name}.test`,
		[`bob@${owner.name}.test`, 'carol@north.test'],
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

	// Alice's own mail program reads her personal domain's mailbox over POP3S (Python's poplib):
	// RETR, then DELE and QUIT — download and delete.
	const { stdout } = await run('/usr/bin/python3', [
		'-c',
		`
import poplib, ssl, sys
c = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl._create_unverified_context())
c.user(sys.argv[2]); c.pass_(sys.argv[3])
c.retr(1); c.dele(1)
print(c.quit().decode())
`,
		String(lab.sandbox.port('pop3s')),
		owner.name,
		owner.password
	]);
	expect(stdout).toMatch(/^\+OK/);
	const reading = lab.store.listSessions().find((s) => s.protocol === 'pop3')!;
	const removed = await page.next(
		(m): m is JourneyMessage => isJourney(m) && m.journey.reads?.length === 2
	);
	expect(removed.journey.reads!.map((r) => [r.messageId, r.act, r.mailbox, r.sessionId])).toEqual([
		[id, 'read', `${owner.name}.test`, reading.id],
		[id, 'removed', `${owner.name}.test`, reading.id]
	]);
	const answered = await callRoute(journeyRoute, { id }, alice.viewer);
	expect(((await answered.json()) as { journey: Journey }).journey.reads).toEqual(
		removed.journey.reads
	);
	// The stranger, who may not see the message, was sent none of it.
	expect(other.received.filter(isJourney)).toEqual([]);
	expect((await callRoute(journeyRoute, { id }, stranger.viewer)).status).toBe(404);
}, 30_000);
