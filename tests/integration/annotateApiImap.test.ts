/**
 * POST /api/annotate with IMAP transcripts (issue 19): the route's handler behind a real HTTP
 * server, a real lab registered for its configuration. A transcript whose server greets with
 * "* OK" is read as IMAP and says so; JSON may name the protocol.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandAnnotateAnswer, type AnnotateAnswer } from '../../src/lib/annotateAnswer';
import type { Lab } from '../../server/lab';
import { POST } from '../../src/routes/api/annotate/+server';
import { startTestLab } from './harness';

type Handler = (event: { request: Request; getClientAddress: () => string }) => Promise<Response>;
const route = POST as unknown as Handler;

let lab: Lab;
let server: http.Server;
let base: string;

beforeAll(async () => {
	lab = await startTestLab({});
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

/** Each request from its own loopback address: the limits are per address. */
let next = 0;
async function post(body: string, contentType: string): Promise<Response> {
	const localAddress = `127.0.9.${2 + next++}`;
	return new Promise((resolve, reject) => {
		const req = http.request(
			base,
			{ method: 'POST', headers: { 'content-type': contentType }, localAddress },
			(res) => {
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
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

// A session as telnet shows it (no prefixes): a tagged command, untagged data, a FETCH whose
// BODY[] literal is announced {n} and crosses as lines, a NO with a response code.
const BARE = `* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE] lab ready
a1 LOGIN alice tanstaaf-9Qx!
a1 OK LOGIN completed
a2 SELECT INBOX
* FLAGS (\\Seen \\Deleted)
* 1 EXISTS
* OK [UIDVALIDITY 1700000000] UIDs valid
a2 OK [READ-WRITE] SELECT completed
a3 FETCH 1 BODY.PEEK[]
* 1 FETCH (BODY[] {22}
Subject: hi

hello
)
a3 OK FETCH completed
a4 COPY 1 Archive
a4 NO [TRYCREATE] no such mailbox
a5 LOGOUT
* BYE logging out
a5 OK LOGOUT completed`;

describe('POST /api/annotate with IMAP', () => {
	it('recognises a bare IMAP transcript and explains it line by line', async () => {
		const response = await post(BARE, 'text/plain');
		expect(response.status).toBe(200);
		const answer = (await response.json()) as AnnotateAnswer;
		expect(answer.protocol).toBe('imap');
		const events = expandAnnotateAnswer(answer);
		expect(events.map((e) => e.dir).join(' ')).toBe(
			'server client server client server server server server ' +
				'client server server server server server server client server client server server'
		);
		expect(events.map((e) => e.annotation.title)).toEqual([
			'Greeting',
			'LOGIN — user name and password',
			'OK to LOGIN',
			'SELECT — open a mailbox',
			'FLAGS — the flags this mailbox knows',
			'1 EXISTS — 1 message(s)',
			'Untagged OK [UIDVALIDITY]',
			'OK to SELECT',
			'FETCH — read message data',
			'FETCH of message 1',
			'Line of BODY[]',
			'Line of BODY[]',
			'Content of BODY[]',
			'End of FETCH of message 1',
			'OK to FETCH',
			'COPY — copy messages to another mailbox',
			'NO to COPY',
			'LOGOUT — end the session',
			'BYE',
			'OK to LOGOUT'
		]);
		expect(events[2].annotation.stateAfter).toBe('imap-authenticated');
		expect(events[7].annotation.stateAfter).toBe('imap-selected');
		expect(events[18].annotation.stateAfter).toBe('imap-logout');
		expect(events[16].annotation.ref).toBe('imap/codes/trycreate');
		// The FETCH line, its literal's lines and its ")" are one response.
		expect(new Set(events.slice(9, 14).map((e) => e.replyId)).size).toBe(1);
		expect(events[14].replyId).not.toBe(events[9].replyId);
		// The password is the client's line, never the explanation's.
		expect(JSON.stringify(answer.teaching) + JSON.stringify(answer.notes)).not.toContain(
			'tanstaaf'
		);
	});

	it('reads RFC 3501 §8 when IMAP is asked for, and the same text as SMTP when SMTP is', async () => {
		const text =
			'S: * OK IMAP4rev1 Service Ready\nC: a001 login mrc secret\nS: a001 OK LOGIN completed';
		const asImap = await post(JSON.stringify({ text, protocol: 'imap' }), 'application/json');
		expect(asImap.status).toBe(200);
		const answer = (await asImap.json()) as AnnotateAnswer;
		expect(answer.protocol).toBe('imap');
		expect(expandAnnotateAnswer(answer)[2].annotation.stateAfter).toBe('imap-authenticated');
		const asSmtp = await post(JSON.stringify({ text, protocol: 'smtp' }), 'application/json');
		expect(((await asSmtp.json()) as AnnotateAnswer).protocol).toBe('smtp');
	});

	it('reads a transcript of the imap listener as IMAP', async () => {
		const response = await post(
			JSON.stringify({ text: 'C: a1 NOOP\nS: a1 OK', listener: 'imap' }),
			'application/json'
		);
		const answer = (await response.json()) as AnnotateAnswer;
		expect(answer.protocol).toBe('imap');
		expect(expandAnnotateAnswer(answer)[1].annotation.title).toBe('OK to NOOP');
	});
});
