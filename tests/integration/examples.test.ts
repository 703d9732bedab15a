/**
 * Every example of /examples runs end to end against a real sandbox through the real bridge,
 * driven by the same driver the browser player uses; each step's reply code and enhanced code
 * are asserted from the example's own expectations.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServerMessage } from '../../src/lib/messages';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { EXAMPLES, findExample } from '../../src/lib/examples/catalogue';
import { ExampleDriver, type StepRecord } from '../../src/lib/examples/driver';
import { formatExpected } from '../../src/lib/examples/runner';
import type { Example, RunContext } from '../../src/lib/examples/types';
import { composeExample } from '../../server/examples/compose';
import type { Lab } from '../../server/lab';
import { createJourneyApi } from '../../server/queue/journeyAccess';
import { startTestLab, until } from './harness';
import { startWebServer } from './webServer';
import { BridgeClient } from './wsClient';

let lab: Lab;
let web: Awaited<ReturnType<typeof startWebServer>>;

beforeAll(async () => {
	lab = await startTestLab({ greylistSeconds: 1 });
	web = await startWebServer(lab);
});

afterAll(async () => {
	await web?.close();
	await lab?.close();
});

async function play(example: Example): Promise<{ records: StepRecord[]; driver: ExampleDriver }> {
	// One browser: its pages (a side step's second connection too) share its owner cookie.
	const { cookie } = lab.owners.signer.issueOwner();
	const browser = { headers: { cookie: `${OWNER_COOKIE}=${cookie}` } };
	const client = await BridgeClient.connect(web.wsUrl, browser);
	// The fast-forward the journey page's button calls (POST …/fast-forward), as the operator.
	const journeys = createJourneyApi(
		{ queue: lab.queue, queueClock: lab.queueClock },
		(_viewer, id) => lab.store.messages.get(id)
	);
	const driver = new ExampleDriver(
		(message) => {
			client.send(message);
			return true;
		},
		{
			fastForward: async (id) => {
				journeys.fastForward({ ownerId: 'operator', operator: true }, id);
			},
			// A side step's second connection: a bridge client of its own, as another tab is.
			openSide: async () => {
				const side = await BridgeClient.connect(web.wsUrl, browser);
				const sideDriver = new ExampleDriver((message) => {
					side.send(message);
					return true;
				});
				side.ws.on('message', (data) =>
					sideDriver.receive(JSON.parse(data.toString()) as ServerMessage)
				);
				return { driver: sideDriver, close: () => side.close() };
			},
			// What GET /api/messages gives this browser: every message (VISIBILITY=open), newest first.
			messages: async () => [...lab.store.messages.values()].map((m) => m.summary).reverse()
		}
	);
	client.ws.on('message', (data) => driver.receive(JSON.parse(data.toString()) as ServerMessage));
	const composed = await composeExample(example);
	const ctx: RunContext = {
		run: Math.random().toString(36).slice(2, 8),
		greylistSeconds: lab.config.greylistSeconds,
		maxMessageBytes: lab.config.maxMessageBytes,
		...composed
	};
	const records: StepRecord[] = [];
	try {
		for (const [index, step] of example.steps.entries())
			records.push(await driver.run(step, index, ctx));
	} finally {
		client.close();
	}
	return { records, driver };
}

function messagesOf(sessionId: string) {
	return [...lab.store.messages.values()].filter((m) => m.summary.sessionId === sessionId);
}

describe('every example, live', () => {
	test('the catalogue has 28 examples with unique slugs and step ids', () => {
		expect(EXAMPLES).toHaveLength(28);
		expect(new Set(EXAMPLES.map((e) => e.slug)).size).toBe(28);
		for (const example of EXAMPLES) {
			const ids = example.steps.map((s) => s.id);
			expect(new Set(ids).size, example.slug).toBe(ids.length);
			expect(example.steps[0].kind, example.slug).toBe('open');
		}
		expect(findExample('../etc')).toBeUndefined();
	});

	for (const example of EXAMPLES) {
		test(`${example.order}. ${example.title}`, { timeout: 30_000 }, async () => {
			const { records, driver } = await play(example);
			for (const [index, step] of example.steps.entries()) {
				const record = records[index];
				const label = `${example.slug} step ${index + 1} (${step.id})`;
				expect(record.error, label).toBeNull();
				// A side step's replies are its own steps'.
				const expected = step.kind === 'side' ? step.steps.flatMap((s) => s.expect) : step.expect;
				expect(
					record.replies.map(formatExpected),
					`${label}: expected ${expected.map(formatExpected).join(', ')}`
				).toEqual(expected.map(formatExpected));
				// A journey step: each leg of the message's journey did what the script says.
				for (const check of record.legs)
					expect(
						check.ok,
						`${label}: leg ${check.expected?.domain ?? check.observed?.domain}: ${JSON.stringify(check.observed?.attempts.map((a) => [a.host, a.outcome, a.reply]))} (${check.observed?.state})`
					).toBe(true);
				if (step.kind === 'journey') expect(record.legs, label).toHaveLength(step.legs.length);
				// An auth step: the receiving MX's verdict on the copy it checked, result by result.
				if (step.kind === 'auth')
					expect(
						record.verdict.map((c) => `${c.what}=${c.observed}`),
						`${label}: the verdict on ${record.verdictMessageId}`
					).toEqual(
						(['spf', 'dkim', 'dmarc', 'action'] as const).map((w) => `${w}=${step.verdict[w]}`)
					);
			}
			// Every session the example opened ended with its QUIT.
			await until(() => driver.sessions.every((s) => s.closed), 10_000);

			const session = driver.sessions[0];
			const stored = messagesOf(session.id);
			switch (example.slug) {
				case 'many-recipients':
					expect(stored[0].summary.envelope.rcptTo.map((r) => r.address)).toContain(
						'dave@example.com'
					);
					expect(stored[0].raw.toString()).not.toMatch(/dave@/i);
					break;
				case 'imap-read': {
					// IDLE heard the message the other connection sent (RFC 2177 §3, RFC 3501 §7.3.1),
					// and the EXPUNGE of the first one is Bob's reader deleting it over IMAP.
					const step = (id: string) => records[example.steps.findIndex((s) => s.id === id)];
					const done = step('done');
					const heard = done.replies.flatMap((r) => r.lines);
					expect(heard.some((line) => /^\* \d+ EXISTS$/.test(line))).toBe(true);
					const acts = lab.store.messages.get(stored[0].summary.id)!.summary.readerActs ?? [];
					expect(acts.map((a) => [a.act, a.protocol, a.command])).toContainEqual([
						'removed',
						'imap',
						'EXPUNGE'
					]);
					const sideSession = step('send-while-idle').sessionId!;
					expect(messagesOf(sideSession)).toHaveLength(1);
					break;
				}
				case 'pop3-read': {
					// Download and keep, then download and delete (RFC 1939 §6): the copy in bob's
					// maildrop was read, kept by the first session and removed by the second's QUIT.
					const id = stored[0].summary.id;
					const pop3Sessions = driver.sessions.slice(1).map((s) => s.id);
					const acts = lab.store.messages.get(id)!.summary.readerActs ?? [];
					expect(acts.filter((a) => a.act === 'read').map((a) => a.sessionId)).toContain(
						pop3Sessions[0]
					);
					expect(
						acts.filter((a) => a.act === 'removed').map((a) => [a.mailbox, a.sessionId])
					).toEqual([['bob', pop3Sessions[1]]]);
					const listed = (stepId: string) =>
						records[example.steps.findIndex((s) => s.id === stepId)].replies
							.flatMap((r) => r.lines)
							.some((line) => line.endsWith(` ${id}`));
					expect(listed('uidl')).toBe(true);
					expect(listed('uidl-again')).toBe(true);
					expect(listed('uidl-check')).toBe(false);
					break;
				}
				case 'unknown-recipient':
					expect(
						stored[0].summary.recipients
							.filter((r) => r.outcome === 'delivered')
							.map((r) => r.address)
							.sort()
					).toEqual(['bob@example.com', 'carol@example.net']);
					break;
				case 'bounce': {
					const id = stored[0].summary.id;
					await until(() =>
						[...lab.store.messages.values()].some(
							(m) => m.summary.reportsOn === id && m.summary.kind === 'bounce'
						)
					);
					await until(() =>
						[...lab.store.messages.values()].some(
							(m) => m.summary.reportsOn === id && m.summary.kind === 'delivery-report'
						)
					);
					const report = [...lab.store.messages.values()].find((m) => m.summary.reportsOn === id);
					expect(report?.summary.envelope.mailFrom.address).toBe('');
					expect(report?.raw.toString()).toMatch(/multipart\/report/i);
					break;
				}
				case 'attachments':
					expect(stored[0].raw.toString()).toMatch(/Content-Type: image\/png/i);
					expect(stored[0].raw.toString()).toMatch(/multipart\/mixed/i);
					break;
				case 'dot-stuffing': {
					const raw = stored[0].raw.toString();
					expect(raw).toContain('\r\n.\r\n...and so on.\r\n.hidden files');
					expect(session.events.some((e) => e.anomalies.includes('dot-stuffed'))).toBe(true);
					break;
				}
				case 'bulk-mail':
					expect(stored[0].raw.toString()).toMatch(
						/List-Unsubscribe-Post: List-Unsubscribe=One-Click/
					);
					break;
				case 'too-large':
				case 'spam-refused':
				case 'dmarc-reject-spoof':
					expect(
						stored.filter(
							(m) =>
								m.summary.kind === 'mail' &&
								m.summary.recipients.some((r) => r.outcome === 'delivered')
						)
					).toHaveLength(0);
					break;
				case 'smuggling': {
					expect(stored).toHaveLength(1);
					expect(stored[0].raw.toString()).toContain('Urgent: wire the money');
					expect(session.events.some((e) => e.anomalies.includes('smuggling-pattern'))).toBe(true);
					break;
				}
				case 'split-delivery': {
					// Three destination hosts each stored their own copy, for their own recipient only.
					const copies = [...lab.store.messages.values()].filter(
						(m) =>
							m.summary.journeyId === stored[0].summary.id &&
							m.summary.id !== stored[0].summary.id &&
							m.summary.kind === 'mail'
					);
					expect(
						copies.map((m) => m.summary.recipients.map((r) => r.address).join()).sort()
					).toEqual(['carol@north.test', 'dan@south.test', 'erin@nomx.test']);
					break;
				}
				case 'mx-down': {
					const bounce = [...lab.store.messages.values()].find(
						(m) => m.summary.reportsOn === stored[0].summary.id && m.summary.kind === 'bounce'
					);
					expect(bounce?.summary.envelope.mailFrom.address).toBe('');
					expect(bounce?.raw.toString()).toMatch(/Status: 4\.4\.1/);
					// NOTIFY=DELAY: a delay notice came on the way.
					expect(
						[...lab.store.messages.values()].some(
							(m) =>
								m.summary.reportsOn === stored[0].summary.id && m.summary.kind === 'delivery-report'
						)
					).toBe(true);
					break;
				}
				case 'spf-pass-fail': {
					// The spoofer's message: stored, refused for its only recipient, with the MX's report.
					const spoofed = messagesOf(driver.sessions[1].id);
					expect(spoofed.map((m) => m.summary.recipients.map((r) => r.outcome))).toEqual([
						['refused']
					]);
					expect(spoofed[0].summary.authentication?.decision.reply).toMatch(/^550 5\.7\.23 /);
					break;
				}
				case 'dkim-mailing-list': {
					// The members' copy at mx.north.test is the list's new message: its fields, its footer.
					const copy = [...lab.store.messages.values()].find(
						(m) =>
							m.summary.journeyId === stored[0].summary.id &&
							m.summary.authentication?.authservId === 'mx.north.test'
					)!;
					expect(copy.summary.recipients.map((r) => r.address).sort()).toEqual([
						'ann@north.test',
						'ben@north.test'
					]);
					expect(copy.summary.envelope.mailFrom.address).toBe('learners-bounces@list.test');
					const raw = copy.raw.toString();
					expect(raw).toContain('List-Id: <learners.list.test>');
					expect(raw).toContain('This footer was added by the list');
					break;
				}
				case 'dmarc-alignment': {
					// The strict message's bounce goes from <> to its envelope sender (RFC 5321 §6.1).
					const strict = stored.find((m) => m.summary.from.includes('news.strict.test'))!;
					const bounce = [...lab.store.messages.values()].find(
						(m) => m.summary.reportsOn === strict.summary.id && m.summary.kind === 'bounce'
					);
					expect(bounce?.summary.envelope.mailFrom.address).toBe('');
					expect(bounce?.summary.envelope.rcptTo.map((r) => r.address)).toEqual([
						'bounces@strict.test'
					]);
					expect(bounce?.raw.toString()).toMatch(/Status: 5\.7\.1/);
					break;
				}
				case 'ports':
					expect(driver.sessions.map((s) => s.listener)).toEqual([
						'mx',
						'submission',
						'submissions'
					]);
					for (const s of driver.sessions) expect(messagesOf(s.id)).toHaveLength(1);
					break;
			}
		});
	}
});
