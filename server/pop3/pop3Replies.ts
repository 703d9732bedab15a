/**
 * Every response the sandbox's POP3 server sends, with the RFC section that defines it, and its
 * capability list: the server looks its words up here (like server/sandbox/replies.ts for SMTP).
 * "+OK" and "-ERR" in upper case (RFC 1939 §3); a response code in brackets right after the
 * status indicator (RFC 2449 §8). No greeting carries an APOP timestamp (RFC 1939 §7): APOP
 * sends an MD5 digest of that timestamp and a secret the server must hold in plaintext, and
 * what the lab teaches instead is TLS first, then USER/PASS or AUTH PLAIN inside it.
 */
import type { RfcRef } from '../../src/lib/messages';
import { ref } from '../../src/lib/smtp/rfc';

/** RFC 2449 §8.1, RFC 3206 §4–5. */
export type Pop3ResponseCode = 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH';

export interface Pop3Reply {
	status: '+OK' | '-ERR';
	code?: Pop3ResponseCode;
	/** With {placeholders} filled by pop3Reply(). */
	text: string;
	rfc: RfcRef[];
}

export const POP3_REPLIES = {
	greeting: {
		status: '+OK',
		text: '{server} POP3 ready: STLS first, then USER and PASS or AUTH PLAIN',
		rfc: [ref(1939, '4'), ref(2595, '4')]
	},
	greetingTls: {
		status: '+OK',
		text: '{server} POP3 ready over TLS: USER and PASS or AUTH PLAIN',
		rfc: [ref(1939, '4'), ref(8314, '3.1')]
	},
	capa: { status: '+OK', text: 'Capability list follows', rfc: [ref(2449, '5')] },
	stls: { status: '+OK', text: 'Begin TLS negotiation', rfc: [ref(2595, '4')] },
	stlsActive: {
		status: '-ERR',
		text: 'Command not permitted when TLS active',
		rfc: [ref(2595, '4')]
	},
	stlsAfterLogin: {
		status: '-ERR',
		text: 'STLS is permitted only in the AUTHORIZATION state, before logging in',
		rfc: [ref(2595, '4')]
	},
	// RFC 2595 §2.3: a server with STLS must be able to refuse clear-text logins before TLS.
	tlsFirst: {
		status: '-ERR',
		code: 'AUTH',
		text: '{verb} refused before TLS: anyone on the path could read the password. Send STLS first, then log in',
		rfc: [ref(2595, '2.3'), ref(3206, '5')]
	},
	user: {
		status: '+OK',
		text: '{user}: now send PASS with the password',
		rfc: [ref(1939, '7')]
	},
	passWithoutUser: {
		status: '-ERR',
		text: 'Send USER first: PASS must come right after an accepted USER',
		rfc: [ref(1939, '7')]
	},
	loggedIn: {
		status: '+OK',
		text: "{user}'s maildrop has {count} messages ({size} octets)",
		rfc: [ref(1939, '7')]
	},
	badCredentials: {
		status: '-ERR',
		code: 'AUTH',
		text: 'Invalid user name or password',
		rfc: [ref(3206, '5')]
	},
	sharedAccountInBrowserOnly: {
		status: '-ERR',
		code: 'AUTH',
		text: 'Shared accounts log in only in the lab in your browser on this server: use your personal login from the Connect page',
		rfc: [ref(3206, '5')]
	},
	tooManyFailedLogins: {
		status: '-ERR',
		code: 'AUTH',
		text: 'Invalid user name or password; {count} failed log-ins in this session (POP3_MAX_FAILED_LOGINS), so the server closes the connection',
		rfc: [ref(3206, '5')]
	},
	inUse: {
		status: '-ERR',
		code: 'IN-USE',
		text: 'The log-in is right, but this maildrop is open in another POP3 session; try again once that session ends',
		rfc: [ref(2449, '8.1.2'), ref(1939, '4')]
	},
	loginDelay: {
		status: '-ERR',
		code: 'LOGIN-DELAY',
		text: 'The log-in is right, but this maildrop logged in {seconds} s ago and may log in again only {delay} s after its last log-in (POP3_LOGIN_DELAY_SECONDS, announced in CAPA); try again in {wait} s',
		rfc: [ref(2449, '8.1.1'), ref(2449, '6.5')]
	},
	authNeedsMechanism: {
		status: '-ERR',
		text: 'AUTH needs a SASL mechanism: AUTH PLAIN (with or without an initial response)',
		rfc: [ref(5034, '4')]
	},
	authUnknownMechanism: {
		status: '-ERR',
		text: 'Unsupported SASL mechanism {mechanism}: this server offers PLAIN (see CAPA)',
		rfc: [ref(5034, '4')]
	},
	authCancelled: {
		status: '-ERR',
		text: 'Authentication cancelled by the client ("*")',
		rfc: [ref(5034, '4')]
	},
	authMalformed: {
		status: '-ERR',
		text: 'Not a PLAIN response: it is base64 of [authorization id] NUL user NUL password',
		rfc: [ref(4616, '2'), ref(5034, '4')]
	},
	authzidRefused: {
		status: '-ERR',
		code: 'AUTH',
		text: 'Acting as another user is not allowed here: leave the authorization identity empty or make it the user name',
		rfc: [ref(4616, '2'), ref(3206, '5')]
	},
	needLogin: {
		status: '-ERR',
		text: '{verb} needs a logged-in session (TRANSACTION state): log in with USER and PASS or AUTH first',
		rfc: [ref(1939, '3'), ref(1939, '4')]
	},
	notAfterLogin: {
		status: '-ERR',
		text: '{verb} is permitted only in the AUTHORIZATION state, and this session is logged in',
		rfc: [ref(1939, '3')]
	},
	unknownCommand: {
		status: '-ERR',
		text: 'Unknown command {verb}: this server knows CAPA, STLS, USER, PASS, AUTH, STAT, LIST, UIDL, TOP, RETR, DELE, RSET, NOOP and QUIT',
		rfc: [ref(1939, '3')]
	},
	lineTooLong: {
		status: '-ERR',
		// Response text is ASCII (RFC 1939 §3: printable ASCII), so no section sign.
		text: 'Command line too long: at most {max} octets with its CRLF (RFC 2449 section 4); the line was ignored',
		rfc: [ref(2449, '4')]
	},
	syntax: { status: '-ERR', text: 'Syntax: {syntax}', rfc: [ref(1939, '5')] },
	noSuchMessage: {
		status: '-ERR',
		text: 'No such message: the maildrop has {count} messages, numbered from 1',
		rfc: [ref(1939, '5')]
	},
	alreadyDeleted: {
		status: '-ERR',
		text: 'Message {n} is already marked as deleted (RSET unmarks it)',
		rfc: [ref(1939, '5')]
	},
	messageGone: {
		status: '-ERR',
		code: 'SYS/PERM',
		text: 'Message {n} is no longer stored (removed by the lab since this session began)',
		rfc: [ref(3206, '4')]
	},
	stat: { status: '+OK', text: '{count} {size}', rfc: [ref(1939, '5')] },
	list: {
		status: '+OK',
		text: '{count} messages ({size} octets)',
		rfc: [ref(1939, '5')]
	},
	scanListing: { status: '+OK', text: '{n} {size}', rfc: [ref(1939, '5')] },
	uidl: { status: '+OK', text: 'unique-id listing follows', rfc: [ref(1939, '7')] },
	uidlOne: { status: '+OK', text: '{n} {uid}', rfc: [ref(1939, '7')] },
	retr: { status: '+OK', text: '{size} octets', rfc: [ref(1939, '5')] },
	top: { status: '+OK', text: 'top of message follows', rfc: [ref(1939, '7')] },
	dele: {
		status: '+OK',
		text: 'message {n} deleted: it is removed when QUIT ends the session (RSET unmarks it)',
		rfc: [ref(1939, '5'), ref(1939, '6')]
	},
	rset: {
		status: '+OK',
		text: 'maildrop has {count} messages ({size} octets)',
		rfc: [ref(1939, '5')]
	},
	noop: { status: '+OK', text: '', rfc: [ref(1939, '5')] },
	quit: {
		status: '+OK',
		text: '{server} POP3 server signing off (nothing removed: not logged in)',
		rfc: [ref(1939, '4')]
	},
	quitUpdate: {
		status: '+OK',
		text: '{server} POP3 server signing off ({removed} messages removed, {left} left)',
		rfc: [ref(1939, '6')]
	},
	quitUpdateFailed: {
		status: '-ERR',
		code: 'SYS/TEMP',
		text: 'some deleted messages not removed: {reason}',
		rfc: [ref(1939, '6'), ref(3206, '4')]
	},
	// The session limits of server/sandbox/listeners.ts and sessions.ts, in POP3's words.
	closing: {
		status: '-ERR',
		code: 'SYS/TEMP',
		text: '{reason}',
		rfc: [ref(3206, '4')]
	}
} as const satisfies Record<string, Pop3Reply>;

export type Pop3ReplyName = keyof typeof POP3_REPLIES;

/** The response line (without CRLF), its {placeholders} filled. */
export function pop3Reply(
	name: Pop3ReplyName,
	values: Record<string, string | number> = {}
): string {
	const row: Pop3Reply = POP3_REPLIES[name];
	const text = row.text.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
	const code = row.code ? ` [${row.code}]` : '';
	return `${row.status}${code}${text ? ` ${text}` : ''}`;
}

/** The SASL continuation (RFC 5034 §4): "+ " and the challenge, which PLAIN leaves empty. */
export const SASL_CONTINUATION = '+ ';

/**
 * The capability list (RFC 2449 §5), line by line ({placeholders} filled from the settings), and
 * when each is listed: STLS only before TLS; USER and SASL only in AUTHORIZATION and, unless
 * READ_ALLOW_PLAINTEXT, only inside TLS.
 */
export const POP3_CAPABILITIES: readonly {
	line: string;
	when: 'always' | 'beforeTls' | 'login' | 'loginDelay';
	rfc: RfcRef[];
}[] = [
	{ line: 'TOP', when: 'always', rfc: [ref(2449, '6.1')] },
	{ line: 'UIDL', when: 'always', rfc: [ref(2449, '6.8')] },
	{ line: 'RESP-CODES', when: 'always', rfc: [ref(2449, '6.4')] },
	// Each command is read and answered in turn, whatever arrived with it (pop3Connection.ts).
	{ line: 'PIPELINING', when: 'always', rfc: [ref(2449, '6.6')] },
	{ line: 'AUTH-RESP-CODE', when: 'always', rfc: [ref(3206, '6')] },
	// RFC 2449 §6.7: a site that deletes mail by itself SHOULD say so; RETENTION_HOURS and a
	// class's CLASS_RETENTION_DAYS do, so the days a message is sure to be kept are announced.
	{ line: 'EXPIRE {days}', when: 'always', rfc: [ref(2449, '6.7')] },
	// Only when POP3_LOGIN_DELAY_SECONDS sets one: a server that announces it SHOULD enforce it.
	{ line: 'LOGIN-DELAY {delay}', when: 'loginDelay', rfc: [ref(2449, '6.5')] },
	{ line: 'STLS', when: 'beforeTls', rfc: [ref(2595, '4')] },
	{ line: 'USER', when: 'login', rfc: [ref(2449, '6.2')] },
	{ line: 'SASL PLAIN', when: 'login', rfc: [ref(2449, '6.3'), ref(5034, '4')] },
	{ line: 'IMPLEMENTATION SMTP-Lab-sandbox', when: 'always', rfc: [ref(2449, '6.9')] }
];
