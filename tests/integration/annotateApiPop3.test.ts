/**
 * POST /api/annotate with POP3 transcripts (issue 18): the route's handler behind a real HTTP
 * server, a real lab registered for its configuration. A transcript whose server lines are
 * +OK/-ERR is read as POP3 and says so; JSON may name the protocol; an unknown protocol is a 400.
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
	const localAddress = `127.0.7.${2 + next++}`;
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

// RFC 1939 §7's UIDL example after a USER/PASS login, as a telnet session shows it (no prefixes).
const BARE = `+OK POP3 server ready
USER mrose
+OK mrose is a real hoopy frood
PASS secret
+OK mrose's maildrop has 2 messages (320 octets)
UIDL
+OK
1 whqtswO00WBw418f9t5JxYwZ
2 QhdPYR:00WBw1Ph7x7
.
RETR 1
+OK 120 octets
Subject: hello

..a line that began with a dot
.
QUIT
+OK dewey POP3 server signing off`;

describe('POST /api/annotate with POP3', () => {
	it('recognises a bare POP3 transcript and explains it line by line', async () => {
		const response = await post(BARE, 'text/plain');
		expect(response.status).toBe(200);
		const answer = (await response.json()) as AnnotateAnswer;
		expect(answer.protocol).toBe('pop3');
		const events = expandAnnotateAnswer(answer);
		expect(events.map((e) => e.dir).join(' ')).toBe(
			'server client server client server client server server server server ' +
				'client server server server server server client server'
		);
		expect(events.map((e) => e.annotation.title)).toEqual([
			'Greeting',
			'USER — name the mailbox',
			'+OK to USER',
			'PASS — the password',
			'+OK to PASS',
			'UIDL — unique ids',
			'+OK to UIDL',
			'UIDL listing line',
			'UIDL listing line',
			'End of the multi-line response',
			'RETR — download a message',
			'+OK to RETR',
			'Message line',
			'Message line',
			'Message line',
			'End of the multi-line response',
			'QUIT — end the session',
			'+OK to QUIT'
		]);
		expect(events[4].annotation.stateAfter).toBe('pop3-transaction');
		expect(events[16].annotation.stateAfter).toBe('pop3-update');
		// One response, one replyId: the +OK, its listing lines and the ".".
		expect(new Set(events.slice(6, 10).map((e) => e.replyId)).size).toBe(1);
		expect(events[11].replyId).not.toBe(events[6].replyId);
		expect(events[14].annotation.notes!.join(' ')).toContain('byte-stuffed');
		// The password is the client's line, never the explanation's.
		expect(JSON.stringify(answer.teaching) + JSON.stringify(answer.notes)).not.toContain('secret');
	});

	it('reads the same text as SMTP when asked, and as POP3 when asked', async () => {
		const asSmtp = await post(JSON.stringify({ text: BARE, protocol: 'smtp' }), 'application/json');
		expect(((await asSmtp.json()) as AnnotateAnswer).protocol).toBe('smtp');
		const asPop3 = await post(
			JSON.stringify({ text: 'S: +OK hi\nC: STAT\nS: -ERR [AUTH] log in first', protocol: 'pop3' }),
			'application/json'
		);
		const events = expandAnnotateAnswer((await asPop3.json()) as AnnotateAnswer);
		expect(events[2].annotation.ref).toBe('pop3/codes/auth');
	});

	it('still reads an SMTP transcript as SMTP', async () => {
		const response = await post('220 mx.example ESMTP\nEHLO me\n250 mx.example', 'text/plain');
		const answer = (await response.json()) as AnnotateAnswer;
		expect(answer.protocol).toBe('smtp');
		expect(expandAnnotateAnswer(answer)[2].annotation.stateAfter).toBe('identified');
	});

	it('refuses an unknown protocol with a JSON error', async () => {
		const response = await post(
			JSON.stringify({ text: '+OK', protocol: 'imap4' }),
			'application/json'
		);
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({
			error: '"protocol" must be one of smtp, pop3, imap'
		});
	});
});
