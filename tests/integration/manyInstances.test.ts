/**
 * Two production instances (build/) on one PostgreSQL (a private cluster) and one DATA_DIR,
 * behind Debian's nginx configured by the shipped deploy files with only their ports changed
 * (tests/nginxInstances.ts): each instance's ports from deploy/instances/<n>.env, its settings
 * from deploy/smtp-lab@.service, the site through smtp-lab-instances.conf (the owner cookie
 * hashed to an instance), SMTP through smtp-lab-stream.conf. Real everything: WebSockets and
 * HTTP through nginx, nodemailer over SMTP, SIGKILL for a crash, SQL for the rows.
 *
 * The settings are the unit's but for VISIBILITY=open: a mail program may then log in as the
 * shared alice, and a second browser may watch the first's session without a share link
 * (private mode behind nginx is tests/e2e/reverseProxy.spec.ts's).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage, SessionEvent, SessionSummary } from '../../src/lib/messages';
import type { Journey } from '../../src/lib/delivery/journey';
import { LISTENER_TABLE } from '../../src/lib/listeners';
import {
	freeInstancePorts,
	startNginxInstances,
	unitEnvironment,
	type NginxInstances
} from '../nginxInstances';
import { startPostgresCluster, type PostgresCluster } from '../postgresCluster';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { dig } from './digClient';
import { aliceImapFlow } from './imapClient';
import { BridgeClient, isType } from './wsClient';

const OPERATOR_TOKEN = 'operator-token-of-the-many-instances-test';
const AS_OPERATOR = { authorization: `Bearer ${OPERATOR_TOKEN}` };
/** What a session that was open on a stopped instance ends with, as the issue words it. */
const STOPPED_REASON = /instance serving this session stopped/;

let cluster: PostgresCluster;
let databaseUrl: string;
let dataDir: string;
let nginx: NginxInstances;
let ports: Record<string, number>[];
/** Instance A (0) and B (1); null while killed, until the next test starts it again. */
const instances: (ProductionServer | null)[] = [null, null];

function instanceEnv(i: number): Record<string, string> {
	return {
		...unitEnvironment(),
		...Object.fromEntries(Object.entries(ports[i]).map(([key, port]) => [key, String(port)])),
		DATABASE_URL: databaseUrl,
		DATA_DIR: dataDir,
		ORIGIN: nginx.url,
		VISIBILITY: 'open',
		OPERATOR_TOKEN,
		// A journey's first retry 5 s after its first try, so a test can kill its instance between.
		QUEUE_TIME_SCALE: '360'
	};
}

async function startInstance(i: number): Promise<ProductionServer> {
	const server = await startProductionServer(instanceEnv(i));
	instances[i] = server;
	return server;
}

/** Both instances running: a test that killed one leaves it for the next to start again. */
async function bothRunning(): Promise<[ProductionServer, ProductionServer]> {
	await Promise.all([0, 1].map((i) => instances[i] ?? startInstance(i)));
	return [instances[0]!, instances[1]!];
}

function kill(i: number): void {
	process.kill(instances[i]!.pid, 'SIGKILL');
	const server = instances[i]!;
	instances[i] = null;
	// Its exit is awaited (and its temporary directory removed) by stop().
	void server.stop();
}

const direct = (i: number) => `http://127.0.0.1:${ports[i].PORT}`;

async function getJson<T>(url: string, headers: Record<string, string> = AS_OPERATOR): Promise<T> {
	const response = await fetch(url, { headers });
	if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}

/**
 * A new browser's owner cookie that nginx sends to instance `i` (fresh ones until one does). An
 * instance started again after a kill is out of nginx's rotation for fail_timeout (10 s): its
 * browsers go to the other one meanwhile, so this waits for it to be back.
 */
async function browserOf(i: number): Promise<string> {
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		const response = await fetch(`${nginx.url}/api/health`);
		await response.arrayBuffer();
		const owner = /smtp_lab_owner=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
		if (!owner) throw new Error('no owner cookie from the site');
		if ((await nginx.upstreamOf(owner)) === ports[i].PORT) return owner;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`no owner cookie hashed to instance ${i}`);
}

const page = (cookie: string) =>
	BridgeClient.connect(`${nginx.url.replace('http', 'ws')}/ws`, {
		origin: nginx.url,
		headers: { cookie }
	});

const eventsOf = (client: BridgeClient, sessionId: string, from = 0): SessionEvent[] =>
	client.received
		.slice(from)
		.filter(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' && m.sessionId === sessionId
		)
		.map((m) => m.event);

const seqs = (events: SessionEvent[]) => events.map((e) => e.seq);

/** The reply to the client line `line` in the session, as `client` (watching it) saw it. */
async function replyTo(
	client: BridgeClient,
	sessionId: string,
	line: string
): Promise<SessionEvent> {
	const isEvent = (m: ServerMessage): m is Extract<ServerMessage, { type: 'event' }> =>
		m.type === 'event' && m.sessionId === sessionId;
	const sent = await client.next(
		(m): m is Extract<ServerMessage, { type: 'event' }> => isEvent(m) && m.event.text === line,
		10_000
	);
	const reply = await client.next(
		(m): m is Extract<ServerMessage, { type: 'event' }> =>
			isEvent(m) && m.event.dir === 'server' && m.event.seq > sent.event.seq,
		10_000
	);
	return reply.event;
}

/** Resolves once `check` holds (asked again every 50 ms), or fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

async function sql<T>(query: string, values: unknown[] = []): Promise<T[]> {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		return (await client.query(query, values)).rows as T[];
	} finally {
		await client.end();
	}
}

beforeAll(async () => {
	cluster = startPostgresCluster();
	databaseUrl = await cluster.createDatabase();
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-shared-data-'));
	ports = await freeInstancePorts();
	nginx = await startNginxInstances(ports);
	await bothRunning();
}, 120_000);

afterAll(async () => {
	await Promise.all(instances.map((server) => server?.stop()));
	await nginx?.stop();
	cluster?.stop();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('two instances behind nginx on one PostgreSQL', () => {
	it('a session typed through A is watched live through B; A is killed: B says it ended, a watcher recovers every event by since, the resume says the live session ended', async () => {
		await bothRunning();
		// A first: once nginx sends a browser to A, A is in its rotation, and B's cookie is B's.
		const [typist, watcherOnB] = [await browserOf(0), await browserOf(1)];
		const lab = await page(typist);
		const secondPageOnA = await page(typist);
		const onB = await page(watcherOnB);
		try {
			lab.send({ type: 'open', listener: 'mx' });
			const { session, resumeToken } = await lab.next(isType('opened'));
			await lab.reply(session.id, /^220 /);
			lab.send({ type: 'input', data: 'EHLO a.example\r\n' });
			await lab.reply(session.id, /^250 /);

			// B's live list (a /live page) tells of the session once A's batch reached it.
			onB.send({ type: 'watch-all' });
			await onB.next(
				(m): m is ServerMessage =>
					(m.type === 'session' && m.session.id === session.id) ||
					(m.type === 'snapshot' && m.sessions.some((s) => s.id === session.id)),
				10_000
			);
			onB.send({ type: 'watch', sessionId: session.id, since: 0 });
			secondPageOnA.send({ type: 'watch', sessionId: session.id, since: 0 });
			// Typed on A after both watch: B sees it live, through PostgreSQL.
			lab.send({ type: 'input', data: 'NOOP typed-on-a\r\n' });
			const typedReply = await replyTo(onB, session.id, 'NOOP typed-on-a');
			expect(typedReply.text).toMatch(/^250 /);
			const openOnB = onB.received.filter(isType('session')).at(-1)!.session;
			expect(openOnB.endedAt, 'still open when B showed the line').toBeNull();

			lab.send({ type: 'input', data: 'NOOP last-before-the-crash\r\n' });
			const lastOnB = await replyTo(onB, session.id, 'NOOP last-before-the-crash');
			await secondPageOnA.next(
				(m): m is ServerMessage => m.type === 'event' && m.event.seq === lastOnB.seq,
				10_000
			);
			const beforeCrash = seqs(eventsOf(secondPageOnA, session.id));

			kill(0);
			await Promise.all([lab.closed, secondPageOnA.closed]);

			// B ends the session A left open, with the reason, and tells its watcher.
			const ended = await onB.next(
				(m): m is Extract<ServerMessage, { type: 'session' }> =>
					m.type === 'session' && m.session.id === session.id && m.session.endedAt !== null,
				15_000
			);
			expect(ended.session.endReason).toMatch(STOPPED_REASON);

			// The second page reconnects through nginx: A is gone, so B answers; replay from since.
			const again = await page(typist);
			try {
				expect(await nginx.upstreamOf(typist)).toBe(ports[1].PORT);
				again.send({ type: 'watch', sessionId: session.id, since: beforeCrash.at(-1)! });
				await again.next(
					(m): m is ServerMessage =>
						m.type === 'event' && m.sessionId === session.id && STOPPED_REASON.test(m.event.text),
					10_000
				);
				const stored = await getJson<{ session: SessionSummary; events: SessionEvent[] }>(
					`${direct(1)}/api/sessions/${session.id}`
				);
				const all = seqs(stored.events);
				expect(all).toEqual([...all].sort((a, b) => a - b));
				expect([...beforeCrash, ...seqs(eventsOf(again, session.id))]).toEqual(all);
				await onB.next(
					(m): m is ServerMessage =>
						m.type === 'event' && m.sessionId === session.id && STOPPED_REASON.test(m.event.text),
					10_000
				);
				expect(seqs(eventsOf(onB, session.id))).toEqual(all);
				expect(stored.session.endReason).toMatch(STOPPED_REASON);

				// The lab page's resume: the live session ended, its transcript stays.
				again.send({ type: 'resume', sessionId: session.id, resumeToken });
				const refused = await again.next(isType('error'), 10_000);
				expect(refused.message).toMatch(/ended/);
				expect(refused.message).toMatch(STOPPED_REASON);
				expect(refused.message).toContain(`/sessions/${session.id}`);
			} finally {
				again.close();
			}
		} finally {
			for (const client of [lab, secondPageOnA, onB]) client.close();
		}
	}, 60_000);

	it('2,000 messages over both instances, through nginx and to each instance: 2,000 on each instance and in PostgreSQL', async () => {
		await bothRunning();
		const tag = `bulk-${randomBytes(4).toString('hex')}`;
		const raw = (n: number) =>
			`From: alice@example.com\r\nTo: bob@example.com\r\nSubject: ${tag}-${n}\r\n\r\nMessage ${n}.\r\n`;
		/** `count` messages numbered from `first`, over `connections` connections of one pool. */
		const sendAll = async (
			port: number,
			first: number,
			count: number,
			localAddress = '127.0.0.1'
		) => {
			const transport = nodemailer.createTransport({
				host: '127.0.0.1',
				port,
				localAddress,
				pool: true,
				maxConnections: 2,
				maxMessages: Infinity,
				ignoreTLS: true,
				name: 'client.example.test'
			});
			try {
				await Promise.all(
					Array.from({ length: count }, (_, k) =>
						transport.sendMail({
							envelope: { from: 'alice@example.com', to: ['bob@example.com'] },
							raw: raw(first + k)
						})
					)
				);
			} finally {
				transport.close();
			}
		};
		// Through nginx's stream port from four client addresses (it hashes each to an instance),
		// and straight to each instance's mx port (from 127.0.0.3: 127.0.0.1 is nginx, which the
		// instances ask for a PROXY protocol header, PROXY_PROTOCOL_FROM in the unit).
		await Promise.all([
			...[0, 1, 2, 3].map((k) => sendAll(nginx.stream.mx, k * 250, 250, `127.0.0.${20 + k}`)),
			sendAll(ports[0].SMTP_PORT, 1000, 500, '127.0.0.3'),
			sendAll(ports[1].SMTP_PORT, 1500, 500, '127.0.0.3')
		]);
		// nginx's PROXY protocol header named each client: its sessions are under its own address.
		const clients = (
			await getJson<{ sessions: { clientAddress: string }[] }>(`${direct(0)}/api/sessions`)
		).sessions.map((s) => s.clientAddress);
		for (const address of ['127.0.0.20', '127.0.0.21', '127.0.0.22', '127.0.0.23', '127.0.0.3'])
			expect(clients, address).toContain(address);

		const expected = Array.from({ length: 2000 }, (_, n) => `${tag}-${n}`).sort();
		const subjects = async (i: number) =>
			(await getJson<{ messages: { subject: string }[] }>(`${direct(i)}/api/messages`)).messages
				.map((m) => m.subject)
				.filter((s) => s.startsWith(`${tag}-`))
				.sort();
		for (const i of [0, 1]) {
			await eventually(async () => (await subjects(i)).length >= 2000, 20_000);
			expect(await subjects(i), `instance ${i}`).toEqual(expected);
		}
		const [{ count }] = await sql<{ count: string }>(
			'SELECT count(*) FROM messages WHERE summary LIKE $1',
			[`%"subject":"${tag}-%`]
		);
		expect(Number(count)).toBe(2000);
	}, 60_000);

	it('a journey queued on A, A killed before its retry: B takes it over and delivers it exactly once', async () => {
		await bothRunning();
		const subject = `journey-${randomBytes(4).toString('hex')}`;
		const transport = nodemailer.createTransport({
			host: '127.0.0.1',
			port: ports[0].SMTPS_PORT,
			localAddress: '127.0.0.3',
			secure: true,
			tls: { rejectUnauthorized: false },
			auth: { user: 'alice', pass: 'wonderland' }
		});
		let id: string;
		try {
			const info = await transport.sendMail({
				envelope: { from: 'alice@example.com', to: ['dan@greylist.test'] },
				raw: `From: alice@example.com\r\nTo: dan@greylist.test\r\nSubject: ${subject}\r\n\r\nOnce.\r\n`
			});
			id = /Queued as ([A-Za-z0-9_-]+)/.exec(info.response)![1];
		} finally {
			transport.close();
		}
		const journeyOn = async (i: number) =>
			(await getJson<{ journey: Journey }>(`${direct(i)}/api/journeys/${id}`)).journey;
		// A's first try is deferred by the greylisting host; B knows it through PostgreSQL.
		await eventually(async () => {
			try {
				return (await journeyOn(1)).legs[0]?.attempts.length === 1;
			} catch {
				return false;
			}
		}, 10_000);
		expect((await journeyOn(1)).legs[0].attempts[0].outcome).toBe('deferred');
		kill(0);

		await eventually(async () => (await journeyOn(1)).legs[0].state === 'delivered', 40_000);
		const leg = (await journeyOn(1)).legs[0];
		expect(leg.attempts.filter((a) => a.outcome === 'delivered')).toHaveLength(1);
		const copies = () =>
			sql<{ id: string }>('SELECT id FROM messages WHERE summary LIKE $1 AND id <> $2', [
				`%"subject":"${subject}"%`,
				id
			]);
		// The delivered copy is written with B's next batch.
		await eventually(async () => (await copies()).length > 0, 10_000);
		expect((await copies()).map((c) => c.id)).toEqual([leg.deliveredMessageId]);
	}, 90_000);

	it('IMAP through nginx is the first instance’s; with it down, the backup serves the same UIDs', async () => {
		await bothRunning();
		const subject = `read side ${randomBytes(4).toString('hex')}`;
		await nodemailer
			.createTransport({ host: '127.0.0.1', port: nginx.stream.mx, ignoreTLS: true })
			.sendMail({ from: 'carol@example.org', to: 'alice@example.com', subject, text: 'Kept.' });
		/** INBOX as alice's mail program sees it through nginx: UIDVALIDITY, the message's UID. */
		const seen = async () => {
			const flow = aliceImapFlow(nginx.stream.imap);
			await flow.connect();
			try {
				const { uidValidity } = await flow.mailboxOpen('INBOX');
				const uids = await flow.search({ header: { subject } }, { uid: true });
				// The newest open IMAP session, as B holds it (one flush and a notification after A).
				let sessionId: string | undefined;
				for (let tries = 0; !sessionId && tries < 100; tries++) {
					const { sessions } = await getJson<{ sessions: SessionSummary[] }>(
						`${direct(1)}/api/sessions`
					);
					sessionId = sessions.find((s) => s.listener === 'imap' && s.endedAt === null)?.id;
					if (!sessionId) await new Promise((resolve) => setTimeout(resolve, 50));
				}
				return { uidValidity: String(uidValidity), uids, sessionId };
			} finally {
				await flow.logout();
			}
		};
		const first = await seen();
		expect(first.uids).toHaveLength(1);
		// Served by instance A: B holds the session as another instance's (its wire tap elsewhere).
		const wire = await getJson<{ untapped: string | null }>(
			`${direct(1)}/api/sessions/${first.sessionId}/wire`
		);
		expect(wire.untapped).toBe('elsewhere');

		const a = instances[0]!;
		kill(0);
		// Gone, not dying: a connection its listening socket still took would be reset, not moved.
		await a.exited;
		const second = await seen();
		expect(second).toMatchObject({ uidValidity: first.uidValidity, uids: first.uids });
		const served = await getJson<{ untapped: string | null }>(
			`${direct(1)}/api/sessions/${second.sessionId}/wire`
		);
		expect(served.untapped).toBeNull();
	}, 60_000);

	it("every mail listener and the DNS answer through nginx's stream ports, TLS passed through", async () => {
		await bothRunning();
		/** The first line a listener sends, written by hand per protocol (RFC 5321 §4.2, 1939 §4, 3501 §7.1.1). */
		const GREETING = { smtp: /^220 /, pop3: /^\+OK/, imap: /^\* OK/ };
		for (const row of LISTENER_TABLE) {
			const port = nginx.stream[row.name as keyof typeof nginx.stream];
			const socket =
				row.tls === 'implicit'
					? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
					: net.connect(port, '127.0.0.1');
			try {
				const [first] = (await once(socket, 'data')) as [Buffer];
				expect(first.toString(), row.name).toMatch(GREETING[row.protocol]);
			} finally {
				socket.destroy();
			}
		}
		for (const transport of [[], ['+tcp']]) {
			const answer = await dig(nginx.stream.dns, 'MX', 'north.test', transport, {
				squeezeWhitespace: true
			});
			expect(answer.status, transport.join() || 'udp').toBe('NOERROR');
			expect(answer.answer).toEqual([
				expect.stringMatching(/^north\.test\. \d+ IN MX \d+ mx\.north\.test\.$/)
			]);
		}
	}, 30_000);
});
