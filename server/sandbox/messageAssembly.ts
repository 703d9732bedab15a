/**
 * The message as the sandbox builds it: the bytes of DATA within the size limit, the envelope
 * and session facts it travels with, and what the store keeps of it (the trace fields added at
 * delivery, RFC 5321 §4.4, and the summary the lists show).
 */
import type { SMTPServerSession } from 'smtp-server';
import type { AuthenticationReport } from '../../src/lib/auth/report';
import type { Envelope, ListenerName, MessageKind, RecipientResult } from '../../src/lib/messages';
import type { StoredMessage } from '../store/labStore';
import { rfc5322Date } from './rfc5322Date';
import type { LiveSession } from './sessions';

export interface ReceivedMessage {
	id: string;
	sessionId: string | null;
	listener: ListenerName | null;
	raw: Buffer;
	envelope: Envelope;
	/** Every RCPT TO of the transaction with the reply it got, accepted or not. */
	recipients: RecipientResult[];
	tls: boolean;
	tlsProtocol: string | null;
	authUser: string | null;
	clientAddress: string;
	helo: string;
	ret: 'FULL' | 'HDRS' | null;
	envid: string | null;
	/** The owners of the sending side: the browser that typed it, the owner its AUTH names. */
	senderOwners: string[];
	/** Received on a hop of the outgoing queue: the journey it belongs to. */
	journeyId?: string;
	/**
	 * An MX's checks of its SPF, DKIM and DMARC (issue 20), and the trace fields they wrote
	 * (Authentication-Results, RFC 8601 §2.2; Received-SPF, RFC 7208 §9.1), CRLF-ended.
	 */
	authentication?: { report: AuthenticationReport; traceFields: string };
}

/**
 * Reads the DATA stream and calls back with its bytes, or with null when it went over `limit`:
 * buffering stops at the limit, the rest is read and dropped, nothing partial is kept.
 */
export function readData(
	stream: NodeJS.ReadableStream & { sizeExceeded?: boolean },
	limit: number,
	done: (raw: Buffer | null) => void
): void {
	const chunks: Buffer[] = [];
	let size = 0;
	stream.on('data', (chunk: Buffer) => {
		size += chunk.length;
		if (size <= limit) chunks.push(chunk);
	});
	stream.on('end', () =>
		done(size > limit || stream.sizeExceeded ? null : sharedConcat(chunks, size))
	);
}

/**
 * The bytes in shared memory: the database thread (server/store/sqlite/) reads them where they
 * are, where an ordinary buffer is copied to it (16 µs per 100 KB on the SMTP thread).
 */
function sharedConcat(chunks: Buffer[], size: number): Buffer {
	const raw = Buffer.from(new SharedArrayBuffer(size));
	let at = 0;
	for (const chunk of chunks) at += chunk.copy(raw, at);
	return raw;
}

/** The message of the session's current transaction, with its DATA bytes. */
export function assembleMessage(
	id: string,
	listener: ListenerName,
	raw: Buffer,
	session: SMTPServerSession,
	live: LiveSession | undefined,
	tlsProtocol: string | null
): ReceivedMessage {
	const mailFrom = session.envelope.mailFrom || { address: '', args: {} };
	const dsn = session.envelope.dsn;
	return {
		id,
		sessionId: live?.recorder.id ?? null,
		listener,
		raw,
		envelope: {
			mailFrom: { address: mailFrom.address || '', params: paramsOf(mailFrom.args) },
			rcptTo: session.envelope.rcptTo.map((r) => ({
				address: r.address,
				params: paramsOf(r.args)
			}))
		},
		recipients: live?.recipients ?? [],
		tls: Boolean(session.secure),
		tlsProtocol,
		authUser: typeof session.user === 'string' ? session.user : null,
		clientAddress: live?.clientAddress ?? session.remoteAddress,
		helo: session.hostNameAppearsAs || '',
		ret: dsn?.ret === 'FULL' || dsn?.ret === 'HDRS' ? dsn.ret : null,
		envid: dsn?.envid ?? null,
		senderOwners: live ? [...live.senderOwners] : [],
		...(live?.journeyId ? { journeyId: live.journeyId } : {})
	};
}

function paramsOf(args: unknown): Record<string, string | true> {
	const out: Record<string, string | true> = {};
	if (args && typeof args === 'object')
		for (const [key, value] of Object.entries(args))
			out[key.toUpperCase()] = value === true ? true : String(value);
	return out;
}

/** What the store keeps of a message: its bytes, the trace fields on top, its summary. */
export function storedMessage(
	message: ReceivedMessage,
	fate: {
		recipients: RecipientResult[];
		kind: MessageKind;
		finalDelivery: boolean;
		/** For a DSN: the id of the message it reports on. */
		reportsOn?: string;
		/** Who it is attributed to (server/owners/visibility.ts). */
		owners: string[];
	},
	serverName: string
): StoredMessage {
	const { recipients, kind, finalDelivery, reportsOn, owners } = fate;
	const date = new Date();
	const forClause = recipients.length === 1 ? `\r\n\tfor <${clean(recipients[0].address)}>` : '';
	const received =
		`Received: from ${clean(message.helo || 'unknown')} (${addressLiteral(clean(message.clientAddress))})\r\n` +
		`\tby ${serverName} (SMTP Lab sandbox${message.listener ? `, ${message.listener} listener` : ''})` +
		`${message.tlsProtocol ? ` (${message.tlsProtocol})` : ''}\r\n` +
		`\twith ${withProtocol(message.tls, Boolean(message.authUser))} id ${message.id}${forClause};\r\n` +
		`\t${rfc5322Date(date)}\r\n`;
	// RFC 5321 §4.4: Return-Path is added by the final delivery agent only, never in transit.
	const returnPath = finalDelivery
		? `Return-Path: <${clean(message.envelope.mailFrom.address)}>\r\n`
		: '';
	const headers = parseHeaderSummary(message.raw);
	// The checks' fields go above this host's Received: a host prepends what it adds, as it does
	// its Received (RFC 5321 §4.4); Return-Path, the final delivery's, stays on top.
	const authentication = message.authentication;
	return {
		raw: message.raw,
		trace: returnPath + (authentication?.traceFields ?? '') + received,
		owners,
		summary: {
			id: message.id,
			sessionId: message.sessionId,
			listener: message.listener,
			kind,
			receivedAt: date.getTime(),
			from: headers.from,
			subject: headers.subject,
			size: message.raw.length,
			envelope: message.envelope,
			recipients,
			tls: message.tls,
			authUser: message.authUser,
			...(reportsOn ? { reportsOn } : {}),
			...(message.journeyId ? { journeyId: message.journeyId } : {}),
			...(authentication ? { authentication: authentication.report } : {})
		}
	};
}

/** RFC 3848 protocol names for the Received field's "with" clause. */
function withProtocol(tls: boolean, auth: boolean): string {
	return `ESMTP${tls ? 'S' : ''}${auth ? 'A' : ''}`;
}

/** Header field values must not carry CR/LF from client-supplied text (HELO names, addresses). */
function clean(value: string): string {
	return value.replace(/\p{Cc}/gu, '?');
}

/**
 * RFC 5321 §4.4 TCP-info = address-literal / ( Domain FWS address-literal ): the address the
 * connection came from, as an address literal (§4.1.3), "[IPv6:…]" for IPv6. No Domain: that
 * part would come from a reverse lookup of the address (never the client's EHLO), and the
 * sandbox does none.
 */
function addressLiteral(address: string): string {
	return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}

/** From and Subject for lists, read cheaply from the header block (full parsing is lazy). */
const HEADER_END = Buffer.from('\r\n\r\n');
const FROM_FIELD = /^From:[ \t]*(.*)$/im;
const SUBJECT_FIELD = /^Subject:[ \t]*(.*)$/im;

export function parseHeaderSummary(raw: Buffer): { from: string; subject: string } {
	const end = raw.indexOf(HEADER_END);
	const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : end).toString('utf8');
	const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
	const field = (pattern: RegExp) => pattern.exec(unfolded)?.[1]?.trim().slice(0, 300) ?? '';
	return { from: field(FROM_FIELD), subject: field(SUBJECT_FIELD) };
}
