/**
 * POST /api/annotate (issue 3 §6, issue 11 §2): the route module's handler behind a real HTTP
 * server, with a real lab registered for its configuration. Validation (400), the size cap (413,
 * also for a chunked body that never says its length), the line cap (413), requests per address
 * at once and per minute (429 with Retry-After), and the compact answer: teaching text once,
 * expanding to exactly the recorder's event shape.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandAnnotateAnswer, type AnnotateAnswer } from '../../src/lib/annotateAnswer';
import type { SessionEvent } from '../../src/lib/messages';
import { DEFAULTS } from '../../server/config';
import type { Lab } from '../../server/lab';
import { parseTranscript } from '../../src/lib/smtp';
import { POST } from '../../src/routes/api/annotate/+server';
import { startTestLab } from './harness';

const LIMIT = DEFAULTS.maxAnnotateBytes;
const MAX_LINES = DEFAULTS.maxAnnotateLines;
const PER_MINUTE = 20;
const AT_ONCE = 2;
type Handler = (event: { request: Request; getClientAddress: () => string }) => Promise<Response>;
const route = POST as unknown as Handler;
const handle = ({ request }: { request: Request }) =>
	route({ request, getClientAddress: () => '127.0.0.99' });

let lab: Lab;
let server: http.Server;
let base: string;

beforeAll(async () => {
	lab = await startTestLab({
		annotateRequestsPerMinute: PER_MINUTE,
		annotateConcurrentPerAddress: AT_ONCE
	});
	// Node's request → a web Request with a streaming body, as adapter-node does.
	server = http.createServer(async (req, res) => {
		const headers = new Headers();
		for (let i = 0; i < req.rawHeaders.length; i += 2)
			headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
		const request = new Request(`http://127.0.0.1${req.url}`, {
			method: req.method,
			headers,
			body: req.method === 'POST' ? (Readable.toWeb(req) as ReadableStream) : undefined,
			duplex: 'half'
		} as RequestInit);
		const response = await route({
			request,
			getClientAddress: () => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
		});
		res.writeHead(response.status, Object.fromEntries(response.headers));
		res.end(Buffer.from(await response.arrayBuffer()));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/annotate`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
	await lab.close();
});

const SWAKS = `=== Trying lab.example:587...
=== Connected to lab.example.
<-  220 lab.example ESMTP
 -> EHLO me.example
<-  250-lab.example
<-  250-PIPELINING
<-  250 STARTTLS
 -> MAIL FROM:<a@me.example>
<-  250 2.1.0 OK
 -> RCPT TO:<nobody@lab.example>
<** 550 5.1.1 No such user
 -> QUIT
<-  221 2.0.0 Bye`;

/** Each request from its own loopback address, unless one is given: the limits are per address. */
let nextAddress = 0;
const freshAddress = () =>
	`127.0.${1 + Math.floor(nextAddress / 250)}.${2 + (nextAddress++ % 250)}`;

async function post(
	body: BodyInit,
	contentType?: string,
	localAddress = freshAddress()
): Promise<Response> {
	const request = new Request(base, {
		method: 'POST',
		headers: contentType ? { 'content-type': contentType } : {},
		body
	});
	const bytes = Buffer.from(await request.arrayBuffer());
	const headers = Object.fromEntries(request.headers);
	return new Promise((resolve, reject) => {
		const req = http.request(base, { method: 'POST', headers, localAddress }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () =>
				resolve(
					new Response(Buffer.concat(chunks), {
						status: res.statusCode,
						headers: res.headers as Record<string, string>
					})
				)
			);
		});
		req.on('error', reject);
		req.end(bytes);
	});
}

/** The answer, expanded to the recorder's event shape. */
async function eventsOf(response: Response): Promise<SessionEvent[]> {
	return expandAnnotateAnswer((await response.json()) as AnnotateAnswer);
}

describe('POST /api/annotate', () => {
	it('annotates a text/plain swaks transcript into events of the recorder’s shape', async () => {
		const response = await post(SWAKS, 'text/plain; charset=utf-8');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/application\/json/);
		const events = await eventsOf(response);
		expect(events).toHaveLength(13);
		expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
		for (const e of events) {
			expect(e.at).toBe(0);
			expect(Array.isArray(e.anomalies)).toBe(true);
			expect(typeof e.annotation.title).toBe('string');
		}
		const refused = events.find((e) => e.text.startsWith('550'))!;
		expect(refused).toMatchObject({
			dir: 'server',
			annotation: { code: 550, enhanced: '5.1.1', class: 5, ref: 'replies/550' }
		});
		const ehlo = events.filter((e) => e.replyId === events[4].replyId);
		expect(ehlo.map((e) => e.text)).toEqual(['250-lab.example', '250-PIPELINING', '250 STARTTLS']);
		expect(events[5].annotation.ref).toBe('extensions/pipelining');
	});

	it('accepts JSON { text, listener }', async () => {
		const response = await post(
			JSON.stringify({ text: 'S: 220 hi\nC: EHLO me\nS: 250 ok', listener: 'submissions' }),
			'application/json'
		);
		expect(response.status).toBe(200);
		const events = await eventsOf(response);
		expect(events.map((e) => [e.dir, e.text])).toEqual([
			['server', '220 hi'],
			['client', 'EHLO me'],
			['server', '250 ok']
		]);
		expect(events[2].annotation.stateAfter).toBe('identified');
	});

	it('garbage in: 200, a note for each line it could not place, never an error', async () => {
		const response = await post('-> EHLO me\n%%% nonsense\n\u0000\u0001 binary', 'text/plain');
		expect(response.status).toBe(200);
		const events = await eventsOf(response);
		const notes = events.filter((e) => e.dir === 'system');
		expect(notes).toHaveLength(2);
		for (const n of notes) expect(n.text).toMatch(/^Unrecognised line, skipped/);
	});

	it('an empty body gives no events', async () => {
		const response = await post('', 'text/plain');
		expect(response.status).toBe(200);
		// Nothing to recognise a protocol by: read as SMTP.
		expect(await response.json()).toEqual({
			protocol: 'smtp',
			events: [],
			teaching: {},
			notes: []
		});
	});

	it.each([
		// [body, content type, error matches]; fetch gives a string body text/plain by itself
		[new TextEncoder().encode('S: 220 hi'), undefined, /text\/plain or as JSON/],
		['S: 220 hi', 'application/x-www-form-urlencoded', /text\/plain or as JSON/],
		['text=1', 'multipart/form-data; boundary=x', /text\/plain or as JSON/],
		['{"text": ', 'application/json', /not valid JSON/],
		['["S: 220 hi"]', 'application/json', /JSON object/],
		['null', 'application/json', /JSON object/],
		['{}', 'application/json', /"text" must be a string/],
		['{"text": 42}', 'application/json', /"text" must be a string/],
		['{"text": "", "listener": "nonesuch"}', 'application/json', /"listener" must be one of/]
	] as [BodyInit, string | undefined, RegExp][])(
		'400 for %j as %s',
		async (body, type, message) => {
			const response = await post(body, type);
			expect(response.status).toBe(400);
			expect(response.headers.get('content-type')).toMatch(/application\/json/);
			expect(((await response.json()) as { error: string }).error).toMatch(message);
		}
	);

	it('accepts exactly the limit and refuses one byte more with 413 JSON', async () => {
		const exact = `C: NOOP${' '.repeat(24)}\n`.repeat(LIMIT / 32);
		expect(Buffer.byteLength(exact)).toBe(LIMIT);
		expect((await post(exact, 'text/plain')).status).toBe(200);
		const response = await post(exact + 'x', 'text/plain');
		expect(response.status).toBe(413);
		expect(((await response.json()) as { error: string }).error).toMatch(
			new RegExp(`larger than ${LIMIT} bytes.*MAX_ANNOTATE_BYTES`)
		);
	});

	it('counts bytes, not characters', async () => {
		const response = await post('é'.repeat(LIMIT / 2 + 1), 'text/plain');
		expect(response.status).toBe(413);
	});

	it('413 for a chunked body without a content-length, over a real socket', async () => {
		const status = await new Promise<number>((resolve, reject) => {
			const req = http.request(base, {
				method: 'POST',
				headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }
			});
			req.on('response', (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on('error', reject);
			for (let i = 0; i <= LIMIT / 1024; i++) req.write('C: NOOP\n'.repeat(128));
			req.end();
		});
		expect(status).toBe(413);
	});

	it('stops reading an endless body at the limit', async () => {
		let pulled = 0;
		const chunk = new TextEncoder().encode('C: NOOP\n'.repeat(64));
		const endless = new ReadableStream<Uint8Array>({
			pull(controller) {
				pulled += chunk.byteLength;
				controller.enqueue(chunk);
			}
		});
		const request = new Request(base, {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: endless,
			duplex: 'half'
		} as RequestInit);
		const response = await handle({ request });
		expect(response.status).toBe(413);
		expect(pulled).toBeLessThanOrEqual(LIMIT + 2 * chunk.byteLength);
	});

	it('a declared content-length over the limit is refused before reading', async () => {
		let pulled = 0;
		const request = new Request(base, {
			method: 'POST',
			headers: { 'content-type': 'text/plain', 'content-length': String(LIMIT + 1) },
			body: new ReadableStream({
				pull(controller) {
					pulled++;
					controller.enqueue(new Uint8Array(16));
				}
			}),
			duplex: 'half'
		} as RequestInit);
		const response = await handle({ request });
		expect(response.status).toBe(413);
		expect(pulled).toBeLessThanOrEqual(1);
	});

	it('accepts MAX_ANNOTATE_LINES lines and refuses one more with 413 naming the limit', async () => {
		const exact = 'C: NOOP\n'.repeat(MAX_LINES);
		const ok = await post(exact, 'text/plain');
		expect(ok.status).toBe(200);
		expect((await eventsOf(ok)).length).toBe(MAX_LINES);
		// Without a final line ending the last line counts all the same.
		expect((await post(exact.slice(0, -1), 'text/plain')).status).toBe(200);
		const response = await post(exact + 'C: NOOP', 'text/plain');
		expect(response.status).toBe(413);
		expect(((await response.json()) as { error: string }).error).toMatch(
			new RegExp(`more than ${MAX_LINES} lines.*MAX_ANNOTATE_LINES`)
		);
	});

	it('sends the teaching text once: the answer expands to exactly the engine’s events', async () => {
		const text = 'S: 220 hi\n' + 'C: NOOP\nS: 250 2.0.0 OK\n'.repeat(2000);
		const response = await post(text, 'text/plain');
		const raw = await response.text();
		const answer = JSON.parse(raw) as AnnotateAnswer;
		expect(expandAnnotateAnswer(answer)).toEqual(parseTranscript(text));
		// The NOOP lines and their replies share their explanations.
		expect(Object.keys(answer.teaching).length).toBeLessThan(10);
		const noop = answer.events.filter((e) => e.text === 'NOOP');
		expect(new Set(noop.map((e) => e.annotation.teaching)).size).toBe(1);
		const summary = answer.teaching[noop[0].annotation.teaching].summary;
		expect(raw.split(summary).length - 1).toBe(1);
		// So do the replies' notes (the enhanced code 2.0.0 explained).
		const replies = answer.events.filter((e) => e.text.startsWith('250'));
		expect(new Set(replies.map((e) => JSON.stringify(e.annotation.notes))).size).toBe(1);
		const note = answer.notes[replies[0].annotation.notes![0]];
		expect(raw.split(note.replace(/"/g, '\\"')).length - 1).toBe(1);
	});

	it(`429 with Retry-After past ${PER_MINUTE} requests a minute from one address`, async () => {
		const address = '127.0.0.2';
		for (let i = 0; i < PER_MINUTE; i++)
			expect((await post('C: NOOP', 'text/plain', address)).status).toBe(200);
		const refused = await post('C: NOOP', 'text/plain', address);
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(((await refused.json()) as { error: string }).error).toMatch(
			/ANNOTATE_REQUESTS_PER_MINUTE/
		);
		// Another address is not affected.
		expect((await post('C: NOOP', 'text/plain')).status).toBe(200);
	});

	it(`429 past ${AT_ONCE} requests at once from one address; a finished one frees its place`, async () => {
		const address = '127.0.0.3';
		// Requests whose bodies are still arriving hold their place.
		const open = Array.from({ length: AT_ONCE }, () => {
			const req = http.request(base, {
				method: 'POST',
				headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
				localAddress: address
			});
			const status = new Promise<number>((resolve, reject) => {
				req.on('response', (res) => {
					res.resume();
					resolve(res.statusCode ?? 0);
				});
				req.on('error', reject);
			});
			req.write('S: 220 hi\n');
			return { req, status };
		});
		// The server has started both handlers once a third request is refused.
		let refused: Response | undefined;
		for (let i = 0; i < 100 && refused?.status !== 429; i++)
			refused = await post('C: NOOP', 'text/plain', address);
		expect(refused?.status).toBe(429);
		expect(refused?.headers.get('retry-after')).toBe('1');
		expect(((await refused!.json()) as { error: string }).error).toMatch(
			/ANNOTATE_CONCURRENT_PER_ADDRESS/
		);
		for (const { req } of open) req.end('C: QUIT\n');
		expect(await Promise.all(open.map((o) => o.status))).toEqual([200, 200]);
		expect((await post('C: NOOP', 'text/plain', address)).status).toBe(200);
	});
});
