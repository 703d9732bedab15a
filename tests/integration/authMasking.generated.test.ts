/**
 * Issue 11 §1: a password typed during AUTH reaches nobody but the browser that typed it. A seeded
 * generator (AUTH_MASKING_SEED, printed on failure) makes more than 1,000 AUTH variants — case,
 * blanks, pipelining, bytes split across writes, failures, refusals, cancels, success — and runs
 * them over real sockets against a real sandbox: raw TLS connections, and sessions a browser owns
 * through the bridge. Then no password, nor its base64, appears in the stored events, in
 * GET /api/sessions/:id, in transcript.txt, or at a second WebSocket watching every session.
 *
 * Only the number of lines sent is predicted (each gets exactly one final reply, RFC 5321 §4.2,
 * 334 included, RFC 4954 §4), never the replies themselves.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ServerMessage, SessionEvent } from '../../src/lib/messages';
import { isFinalReplyLine } from '../../src/lib/smtp/protocol/replyParser';
import { GET as sessionDetail } from '../../src/routes/api/sessions/[id]/+server';
import { GET as sessionTranscript } from '../../src/routes/api/sessions/[id]/transcript.txt/+server';
import { until, type RawSmtp } from './harness';
import { ehlo, open, startQuickLab } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';
import { callRoute } from './routeCall';

const SEED = Number(process.env.AUTH_MASKING_SEED ?? 20261201);
const CONNECTIONS = 48;
const VARIANTS_PER_CONNECTION = 22;
/** smtp-server closes after 10 unrecognised or 10 unauthenticated commands: stay below both. */
const COSTLY_LINES_PER_CONNECTION = 8;
const PARALLEL = 6;

/** mulberry32: a small seeded PRNG, so every run makes the same variants. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number) => random() < p;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** Learners often drop the padding. */
const sloppy = (encoded: string) => (chance(0.3) ? encoded.replace(/=+$/, '') : encoded);

// No '"' or '\': JSON would escape them, and a leak would hide from the search below.
const PASSWORD_CHARS = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%&*+-_.é';
function newPassword(): string {
	let password = '';
	const length = 10 + Math.floor(random() * 6);
	for (let i = 0; i < length; i++) password += pick([...PASSWORD_CHARS]);
	return password;
}

const ACCOUNTS: [string, string][] = [
	['alice', 'wonderland'],
	['bob', 'builder']
];

/** "AUTH", "auth", "Auth", "aUtH" …; the same for mechanisms. */
function anyCase(word: string): string {
	const style = Math.floor(random() * 4);
	if (style === 0) return word;
	if (style === 1) return word.toLowerCase();
	return [...word].map((c) => (chance(0.5) ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** Blanks between tokens: usually one space; sometimes more, or a tab (refused as unknown). */
function gap(): string {
	return pick([' ', ' ', ' ', ' ', '  ', '\t', ' \t ']);
}

function leading(): string {
	return pick(['', '', '', '', ' ', '\t', '  ']);
}

interface Variant {
	kind: string;
	/** Groups of lines; each group is written at once (pipelined), then its replies are read. */
	groups: string[][];
	/** Strings that must never reach anyone but the owner. */
	secrets: string[];
	/** A line carrying a secret: the owner (store secrets, or the browser) must see it as sent. */
	carriers: string[];
	/** Splits each group's bytes into several writes. */
	split: boolean;
	succeeds?: boolean;
}

/** Lines smtp-server does not count as AUTH (its command name is the text before one space). */
function cost(variant: Variant): number {
	return variant.groups.flat().filter((line) => line.split(' ')[0].toUpperCase() !== 'AUTH').length;
}

function plainBlob(user: string, password: string): string {
	const authzid = chance(0.2) ? user : '';
	return sloppy(b64(`${authzid}\u0000${user}\u0000${password}`));
}

function secretsOf(password: string, ...wire: string[]): string[] {
	const encoded = b64(password);
	return [password, encoded, encoded.replace(/=+$/, ''), ...wire];
}

const KINDS = [
	'plain-initial',
	'plain-after-334',
	'login',
	'login-initial',
	'login-password-in-clear',
	'plain-extra-argument',
	'unknown-mechanism',
	'refused-then-base64',
	'empty-answer-then-base64',
	'cancel-plain',
	'cancel-login',
	'pipelined-command-after'
] as const;
const SUCCESS_KINDS = ['plain-initial', 'plain-after-334', 'login', 'login-initial'] as const;

/** One AUTH variant; `account` is set for a success, otherwise the password is random. */
function makeVariant(account?: [string, string]): Variant {
	const user = account?.[0] ?? pick(['alice', 'bob', 'mallory', `u${Math.floor(random() * 999)}`]);
	const password = account?.[1] ?? newPassword();
	const auth = () => `${leading()}${anyCase('AUTH')}${gap()}`;
	const kind = pick(account ? SUCCESS_KINDS : KINDS);
	const blob = plainBlob(user, password);
	const userLine = sloppy(b64(user));
	const passwordLine = sloppy(b64(password));
	const trailing = chance(0.2) ? ' ' : '';
	let groups: string[][];
	let carriers: string[];
	switch (kind) {
		case 'plain-initial':
			carriers = [blob];
			groups = [[`${auth()}${anyCase('PLAIN')}${gap()}${blob}${trailing}`]];
			break;
		case 'plain-after-334':
			carriers = [blob];
			groups = [[`${auth()}${anyCase('PLAIN')}`], [blob + trailing]];
			break;
		case 'login':
			carriers = [passwordLine];
			groups = [[`${auth()}${anyCase('LOGIN')}`], [userLine], [passwordLine]];
			break;
		case 'login-initial':
			carriers = [passwordLine];
			groups = [[`${auth()}${anyCase('LOGIN')}${gap()}${userLine}`], [passwordLine]];
			break;
		case 'login-password-in-clear':
			carriers = [password];
			groups = [[`${auth()}${anyCase('LOGIN')}`], [userLine], [password]];
			break;
		case 'plain-extra-argument':
			carriers = [blob];
			groups = [[`${auth()}${anyCase('PLAIN')}${gap()}${blob} ${blob}`]];
			break;
		case 'unknown-mechanism':
			carriers = [blob];
			groups = [[`${auth()}${pick(['CRAM-MD5', 'XOAUTH2', 'NTLM', 'PLAN'])}${gap()}${blob}`]];
			break;
		case 'refused-then-base64':
			// RFC 4954 §4: "=" is an empty initial response; the learner then types the real one.
			carriers = [blob];
			groups = [[`${auth()}${anyCase('PLAIN')}${gap()}=`], [blob]];
			break;
		case 'empty-answer-then-base64':
			carriers = [blob];
			groups = [[`${auth()}${anyCase('PLAIN')}`], ['='], [blob]];
			break;
		case 'cancel-plain':
			carriers = [];
			groups = [[`${auth()}${anyCase('PLAIN')}`], ['*']];
			break;
		case 'cancel-login':
			carriers = [];
			groups = [[`${auth()}${anyCase('LOGIN')}`], [userLine], ['*']];
			break;
		default: // pipelined-command-after
			carriers = [blob];
			groups = [[`${auth()}${anyCase('PLAIN')}${gap()}${blob}`, 'NOOP']];
	}
	// Pipelining (RFC 2920): sometimes a whole exchange goes out at once, before any 334.
	if (groups.length > 1 && chance(0.3)) groups = [groups.flat()];
	return {
		kind,
		groups,
		secrets: secretsOf(password, ...carriers),
		carriers,
		split: chance(0.35),
		succeeds: account !== undefined
	};
}

interface Plan {
	via: 'tcp' | 'bridge';
	/** Submission before STARTTLS: every AUTH is refused (RFC 3207 §4), no 334 ever comes. */
	plaintext: boolean;
	variants: Variant[];
}

function makePlan(index: number): Plan {
	const via = index % 8 === 0 ? 'bridge' : 'tcp';
	const plaintext = via === 'tcp' && index % 8 === 3;
	const successAt = chance(0.6) ? Math.floor(random() * VARIANTS_PER_CONNECTION) : -1;
	let budget = COSTLY_LINES_PER_CONNECTION - 1; // EHLO
	const variants: Variant[] = [];
	while (variants.length < VARIANTS_PER_CONNECTION) {
		const variant = makeVariant(
			variants.length === successAt && !plaintext ? pick(ACCOUNTS) : undefined
		);
		if (cost(variant) > budget) continue;
		budget -= cost(variant);
		variants.push(variant);
	}
	return { via, plaintext, variants };
}

const plans = Array.from({ length: CONNECTIONS }, (_, i) => makePlan(i));

/** Writes `data` in a few pieces, each its own write (and TLS record), a tick apart. */
async function writeSplit(write: (piece: string) => void, data: string): Promise<void> {
	const cuts = new Set<number>();
	const pieces = 2 + Math.floor(random() * 3);
	while (cuts.size < Math.min(pieces - 1, data.length - 1))
		cuts.add(1 + Math.floor(random() * (data.length - 1)));
	let from = 0;
	for (const cut of [...cuts].sort((a, b) => a - b).concat(data.length)) {
		write(data.slice(from, cut));
		from = cut;
		await new Promise((resolve) => setTimeout(resolve, 1));
	}
}

let lab: Lab;
let web: Awaited<ReturnType<typeof startWebServer>>;
let watcher: BridgeClient;
const sessions: { id: string; plan: Plan; ownerSaw?: string }[] = [];

/** open() takes the newest session as its own: connections open one at a time, then run together. */
let opening: Promise<unknown> = Promise.resolve();

async function runTcp(plan: Plan): Promise<void> {
	const listener = plan.plaintext ? 'submission' : 'submissions';
	const opened = opening.then(() => open(lab, listener));
	opening = opened;
	const { c, id } = await opened;
	watcher.send({ type: 'watch', sessionId: id, since: 0 });
	sessions.push({ id, plan });
	await ehlo(c);
	for (const variant of plan.variants)
		for (const group of variant.groups) await sendGroup(c, group, variant.split);
	await c.command('QUIT');
	c.close();
}

async function sendGroup(c: RawSmtp, group: string[], split: boolean): Promise<void> {
	const data = group.map((line) => line + '\r\n').join('');
	if (split) await writeSplit((piece) => c.send(piece), data);
	else c.send(data);
	for (let i = 0; i < group.length; i++) await c.reply();
}

async function runBridge(plan: Plan): Promise<void> {
	const owner = await BridgeClient.connect(web.wsUrl);
	const opened = opening.then(() => {
		owner.send({ type: 'open', listener: 'submissions' });
		return owner.next(isType('opened'));
	});
	opening = opened;
	const { session } = await opened;
	watcher.send({ type: 'watch', sessionId: session.id, since: 0 });
	const finalReplies = () =>
		owner.received.filter(
			(m) => m.type === 'event' && m.event.dir === 'server' && isFinalReplyLine(m.event.text)
		).length;
	let expected = 1; // the greeting
	const send = async (lines: string[], split: boolean) => {
		const data = lines.map((line) => line + '\r\n').join('');
		const input = (piece: string) => owner.send({ type: 'input', data: piece });
		if (split) await writeSplit(input, data);
		else input(data);
		expected += lines.length;
		await until(() => finalReplies() >= expected);
	};
	await until(() => finalReplies() >= expected);
	await send(['EHLO learner.test'], false);
	for (const variant of plan.variants)
		for (const group of variant.groups) await send(group, variant.split);
	await send(['QUIT'], false);
	await owner.next(isType('closed'));
	const ownerSaw = owner.received
		.filter((m) => m.type === 'event' && m.sessionId === session.id)
		.map((m) => JSON.stringify(m))
		.join('\n');
	sessions.push({ id: session.id, plan, ownerSaw });
	owner.close();
}

beforeAll(async () => {
	lab = await startQuickLab({ wsMessagesPerSecond: 100_000, maxSessionsPerAddress: 50 });
	web = await startWebServer(lab);
	watcher = await BridgeClient.connect(web.wsUrl);
	const queue = [...plans];
	await Promise.all(
		Array.from({ length: PARALLEL }, async () => {
			for (let plan = queue.shift(); plan; plan = queue.shift())
				await (plan.via === 'bridge' ? runBridge(plan) : runTcp(plan));
		})
	);
}, 120_000);

afterAll(async () => {
	watcher?.close();
	await lab?.close();
	await web?.close();
});

/** As the operator sees it: credentials stay masked for the operator too. */
const call = async <E>(handler: (event: E) => Response | Promise<Response>, id: string) =>
	(await callRoute(handler, { id })).text();

function leaked(shown: string, plan: Plan): string[] {
	return plan.variants.flatMap((v) =>
		v.secrets.filter((s) => shown.includes(s)).map((s) => `${v.kind}: ${s}`)
	);
}

it(`runs more than 1,000 generated AUTH variants (seed ${SEED})`, () => {
	const variants = plans.flatMap((p) => p.variants);
	expect(variants.length).toBeGreaterThanOrEqual(1000);
	expect(sessions).toHaveLength(CONNECTIONS);
	// The generator reaches every kind, and some sessions really authenticate.
	expect(new Set(variants.map((v) => v.kind))).toEqual(new Set(KINDS));
	const authenticated = sessions.filter((s) => lab.store.sessions.get(s.id)?.summary.authUser);
	expect(authenticated.length).toBeGreaterThan(CONNECTIONS / 4);
});

it('keeps every credential line aside for its owner, as it was sent', async () => {
	await until(() => sessions.every((s) => lab.store.sessions.get(s.id)?.summary.endedAt != null));
	for (const { id, plan, ownerSaw } of sessions) {
		const stored = lab.store.sessions.get(id)!;
		const kept = [...stored.secrets.values()].map((s) => s.text).join('\n');
		for (const carrier of plan.variants.flatMap((v) => v.carriers)) {
			expect(kept, `session ${id}`).toContain(carrier);
			if (ownerSaw !== undefined) expect(ownerSaw).toContain(carrier);
		}
	}
});

it('shows no password to anyone else: store, API, transcript.txt, another watcher', async () => {
	await until(() => sessions.every((s) => lab.store.sessions.get(s.id)?.summary.endedAt != null));
	// The watcher has every event of every session before it is searched.
	const seen = (id: string) =>
		watcher.received.filter(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' && m.sessionId === id
		);
	await until(() =>
		sessions.every((s) => seen(s.id).length === lab.store.sessions.get(s.id)!.events.length)
	);
	const found: string[] = [];
	for (const { id, plan } of sessions) {
		const events: SessionEvent[] = lab.store.sessions.get(id)!.events;
		const views = {
			store: JSON.stringify(events),
			api: await call(sessionDetail, id),
			transcript: await call(sessionTranscript, id),
			watcher: JSON.stringify(seen(id)),
			list: JSON.stringify(lab.store.listSessions())
		};
		for (const [where, shown] of Object.entries(views))
			found.push(...leaked(shown, plan).map((leak) => `${where} ${id} ${leak}`));
	}
	expect(found, `seed ${SEED}`).toEqual([]);
});
