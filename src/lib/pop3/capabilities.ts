import { ref } from '../smtp/rfc';
import { pop3RowId, type Pop3Row } from './reference';

export interface Pop3CapabilityRow extends Pop3Row {
	tag: string;
	/** What follows the tag on its line. */
	arguments: string;
	/** What the client gains from it. */
	clientUse: string;
}

const capa = (
	tag: string,
	row: Omit<Pop3CapabilityRow, 'tag' | 'key' | 'slug' | 'ref'>
): Pop3CapabilityRow => ({ ...pop3RowId('capabilities', tag), tag, ...row });

// RFC 2449 §6 defines the initial capabilities, one subsection each; STLS is RFC 2595 §4's,
// AUTH-RESP-CODE RFC 3206 §6's. There is no APOP tag: the greeting's timestamp says it (§6).
export const pop3CapabilityTable: readonly Pop3CapabilityRow[] = [
	capa('TOP', {
		title: 'TOP — the TOP command is available',
		arguments: 'none',
		summary: 'The server supports TOP: a message’s header and first body lines.',
		clientUse: 'A client may preview messages without downloading them whole.',
		rfc: [ref(2449, '6.1')]
	}),
	capa('USER', {
		title: 'USER — USER and PASS are available',
		arguments: 'none',
		summary:
			'The server accepts USER and PASS, the plain-password login. A server that refuses passwords before TLS does not list it until STLS.',
		clientUse: 'A client may log in with USER/PASS; without it, it uses AUTH.',
		rfc: [ref(2449, '6.2')]
	}),
	capa('SASL', {
		title: 'SASL — the AUTH command and its mechanisms',
		arguments: 'the SASL mechanisms supported, separated by spaces',
		summary:
			'The server supports AUTH with the mechanisms listed (PLAIN here), including a base64 initial response on the AUTH line.',
		clientUse: 'A client picks one of the listed mechanisms for AUTH.',
		rfc: [ref(2449, '6.3'), ref(5034, '4')]
	}),
	capa('RESP-CODES', {
		title: 'RESP-CODES — bracketed response codes',
		arguments: 'none',
		summary:
			'Any response text beginning with "[" is an extended response code such as [IN-USE] or [SYS/TEMP].',
		clientUse: 'A client may act on the code rather than guess from the text.',
		rfc: [ref(2449, '6.4'), ref(2449, '8')]
	}),
	capa('LOGIN-DELAY', {
		title: 'LOGIN-DELAY — minimum time between logins',
		arguments: 'seconds, optionally followed by USER before login',
		summary: 'How many seconds must pass after a successful login before the next one is accepted.',
		clientUse: 'A client should check for mail no more often than this.',
		rfc: [ref(2449, '6.5')]
	}),
	capa('PIPELINING', {
		title: 'PIPELINING — several commands at once',
		arguments: 'none',
		summary:
			'The client may send commands without waiting for each response; the server answers them in order.',
		clientUse: 'A client may, for example, send all its RETR and DELE commands at once.',
		rfc: [ref(2449, '6.6')]
	}),
	capa('EXPIRE', {
		title: 'EXPIRE — how long the server keeps mail',
		arguments: 'minimum retention in days, or NEVER; optionally USER before login',
		summary:
			'How many days the server keeps a message left on it. EXPIRE 0 means the client may not leave mail on the server; NEVER, that the server deletes nothing by itself.',
		clientUse: 'A "leave mail on server" setting must respect it.',
		rfc: [ref(2449, '6.7')]
	}),
	capa('UIDL', {
		title: 'UIDL — unique ids are available',
		arguments: 'none',
		summary: 'The server supports UIDL: ids that identify a message across sessions.',
		clientUse: 'A client that leaves mail on the server uses them to skip what it already has.',
		rfc: [ref(2449, '6.8')]
	}),
	capa('IMPLEMENTATION', {
		title: 'IMPLEMENTATION — which server software',
		arguments: 'free text naming the server',
		summary:
			'Names the server software, for people troubleshooting. A client must not change its behaviour because of it.',
		clientUse: 'None: informational only.',
		rfc: [ref(2449, '6.9')]
	}),
	capa('STLS', {
		title: 'STLS — TLS can be started',
		arguments: 'none',
		summary:
			'The STLS command is available and allowed now: the client can encrypt the connection before logging in.',
		clientUse: 'A client should send STLS before USER/PASS or AUTH, then CAPA again.',
		rfc: [ref(2595, '4')]
	}),
	capa('AUTH-RESP-CODE', {
		title: 'AUTH-RESP-CODE — [AUTH] on credential failures',
		arguments: 'none',
		summary:
			'The server sends the [AUTH] response code whenever a login fails because of the credentials.',
		clientUse: 'A client may ask for a new password only on [AUTH].',
		rfc: [ref(3206, '6')]
	})
];

export const pop3CapabilitiesByTag: ReadonlyMap<string, Pop3CapabilityRow> = new Map(
	pop3CapabilityTable.map((r) => [r.tag, r])
);
