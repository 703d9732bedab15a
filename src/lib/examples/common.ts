/**
 * Steps that recur in many examples (connect, EHLO, QUIT) and the replies the sandbox gives to
 * ordinary commands. Still data: each returns a plain step object.
 */
import { listenerRow } from '../listeners';
import type { ListenerName, RfcRef } from '../messages';
import type { ExpectedLeg, ExpectedReply, Step } from './types';

export const rfc = (number: number, section = ''): RfcRef => ({ rfc: number, section });

/** The sandbox's replies to commands that go well (checked by tests/integration/examples.test.ts). */
export const REPLY = {
	greeting: { code: 220, enhanced: null },
	ehlo: { code: 250, enhanced: null },
	mail: { code: 250, enhanced: '2.1.0' },
	rcpt: { code: 250, enhanced: '2.1.5' },
	data: { code: 354, enhanced: null },
	queued: { code: 250, enhanced: '2.6.0' },
	rset: { code: 250, enhanced: '2.0.0' },
	quit: { code: 221, enhanced: '2.0.0' },
	startTls: { code: 220, enhanced: '2.0.0' },
	authOk: { code: 235, enhanced: '2.7.0' }
} as const satisfies Record<string, ExpectedReply>;

export function connect(listener: ListenerName, narration?: string, id = 'connect'): Step {
	return {
		kind: 'open',
		id,
		listener,
		title: `Connect to ${listener}`,
		narration:
			narration ??
			`We open a TCP connection to the ${listener} listener, which stands for port ${listenerRow(listener).standsFor}. ${listenerRow(listener).role} In SMTP the server speaks first: its 220 greeting says it is ready and names itself.`,
		rfc: [rfc(5321, '3.1'), rfc(5321, '4.2')],
		expect: [REPLY.greeting]
	};
}

export function ehlo(narration?: string, id = 'ehlo', name = 'client.example.org'): Step {
	return {
		kind: 'send',
		id,
		lines: [`EHLO ${name}`],
		// After STARTTLS the client must ask again (RFC 3207 §4.2).
		title: /tls|again/.test(id) ? 'EHLO again, inside TLS' : 'EHLO: say who we are',
		narration:
			narration ??
			'EHLO introduces the client by its host name and asks what the server can do. The reply is a multi-line 250: every line after the first names an extension (PIPELINING, SIZE, DSN …) the client may now use.',
		rfc: [rfc(5321, '4.1.1.1')],
		expect: [REPLY.ehlo]
	};
}

/** MAIL FROM; an example that teaches something about the envelope sender names it in `title` and cites more in `rfc`. */
export function mailFrom(
	address: string,
	narration: string,
	id = 'mail-from',
	{
		title = 'MAIL FROM: start a transaction',
		rfc: cites = [rfc(5321, '4.1.1.2')]
	}: { title?: string; rfc?: RfcRef[] } = {}
): Step {
	return {
		kind: 'send',
		id,
		lines: [`MAIL FROM:<${address}>`],
		title,
		narration,
		rfc: cites,
		expect: [REPLY.mail]
	};
}

export function rcptTo(
	address: string,
	narration: string,
	expect: ExpectedReply = REPLY.rcpt,
	id = `rcpt-${address.split('@')[0]}`
): Step {
	return {
		kind: 'send',
		id,
		lines: [`RCPT TO:<${address}>`],
		title: `RCPT TO: ${address}`,
		narration,
		rfc: [rfc(5321, '4.1.1.3')],
		expect: [expect]
	};
}

export function data(narration?: string, id = 'data'): Step {
	return {
		kind: 'send',
		id,
		lines: ['DATA'],
		title: 'DATA: ready to send the message',
		narration:
			narration ??
			'DATA asks to send the message itself. The 354 reply means "go ahead": from now on every line is content, until a line with a single dot.',
		rfc: [rfc(5321, '4.1.1.4')],
		expect: [REPLY.data]
	};
}

export function quit(narration?: string, id = 'quit'): Step {
	return {
		kind: 'send',
		id,
		lines: ['QUIT'],
		title: 'QUIT: say goodbye',
		narration:
			narration ??
			'QUIT ends the session politely: the server answers 221 and closes the connection.',
		rfc: [rfc(5321, '4.1.1.10')],
		expect: [REPLY.quit]
	};
}

/** A journey's leg for `domain` delivered at the first try, to `host`, which answered 250 2.6.0. */
export function deliveredLeg(domain: string, host: string): ExpectedLeg {
	return {
		domain,
		tries: [{ host, outcome: 'delivered', reply: { code: 250, enhanced: '2.6.0' } }],
		state: 'delivered'
	};
}

/**
 * Alice's mail program on the submission port: EHLO, STARTTLS, EHLO again, AUTH PLAIN (the
 * "Submission on port 587" example explains each). The examples of the outgoing queue start here.
 */
export function logIn(): Step[] {
	return [
		connect(
			'submission',
			'Alice’s mail program connects to her provider’s submission server (port 587), which takes mail from its own users for any domain.'
		),
		ehlo('EHLO: the list offers STARTTLS, and no AUTH yet on a plain connection (RFC 4954 §4).'),
		{
			kind: 'send',
			id: 'starttls',
			lines: ['STARTTLS'],
			title: 'STARTTLS',
			narration: 'The connection is encrypted before the password goes over it.',
			rfc: [rfc(3207, '4')],
			expect: [REPLY.startTls]
		},
		ehlo(
			'EHLO again inside TLS (RFC 3207 §4.2 says the client SHOULD): now the list offers AUTH.',
			'ehlo-tls'
		),
		{
			kind: 'send',
			id: 'auth',
			lines: ['AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='],
			title: 'AUTH PLAIN as alice',
			narration:
				'Alice logs in (alice / wonderland, in base64). Authenticated, she may send to any domain: the server takes responsibility for delivering it (RFC 6409 §4.3).',
			rfc: [rfc(4954, '4'), rfc(6409, '4.3')],
			expect: [REPLY.authOk]
		}
	];
}
