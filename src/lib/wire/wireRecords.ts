/**
 * What the sandbox's tap saw on one session's wire (server/sandbox/wireTap.ts), as
 * GET /api/sessions/<id>/wire sends it, and the teaching text for each kind of row.
 */
import { TLS_CONTENT_TYPES, type TlsContentType } from './tlsRecords';

export interface WireRecord {
	/** When it passed the tap (ms since the epoch, the transcript's clock). */
	at: number;
	/** Who sent it: the client (the bridge, a mail program, the outgoing queue) or the server. */
	dir: 'client' | 'server';
	/** Bytes: of one read or write in plaintext; of the fragment after the header for a TLS record. */
	bytes: number;
	kind: 'plaintext' | 'tls';
	/** A TLS record's content type as the header names it (RFC 8446 §5.1). */
	tlsType?: TlsContentType | 'unknown';
}

/** Why a session has no tap records (UNTAPPED_MEANINGS says it to a learner). */
export type UntappedReason = 'forgotten' | 'restart' | 'off' | 'elsewhere';

export interface WireView {
	/** Null when tapped; else why not. Every session is tapped when it opens, unless turned off. */
	untapped: UntappedReason | null;
	records: WireRecord[];
	/** Records that passed after the tap's limit (MAX_WIRE_RECORDS_PER_SESSION) was reached. */
	dropped: number;
}

const TLS_TYPES = new Set<string>([...Object.values(TLS_CONTENT_TYPES), 'unknown']);

function isWireRecord(value: unknown): value is WireRecord {
	if (typeof value !== 'object' || value === null) return false;
	const record = value as Record<string, unknown>;
	return (
		Number.isFinite(record.at) &&
		(record.dir === 'client' || record.dir === 'server') &&
		Number.isInteger(record.bytes) &&
		(record.bytes as number) >= 0 &&
		((record.kind === 'plaintext' && record.tlsType === undefined) ||
			(record.kind === 'tls' && TLS_TYPES.has(record.tlsType as string)))
	);
}

/** The API's answer checked; null when it is not a WireView. */
export function parseWireView(value: unknown): WireView | null {
	if (typeof value !== 'object' || value === null) return null;
	const view = value as Record<string, unknown>;
	const untapped = view.untapped;
	if (untapped !== null && !Object.hasOwn(UNTAPPED_MEANINGS, untapped as string)) return null;
	if (!Array.isArray(view.records)) return null;
	if (!Number.isInteger(view.dropped) || (view.dropped as number) < 0) return null;
	if (!view.records.every(isWireRecord)) return null;
	return {
		untapped: untapped as UntappedReason | null,
		records: view.records,
		dropped: view.dropped as number
	};
}

/**
 * Why the session page shows no wire, by reason. About the lab's own settings, not the
 * protocol: each names the setting (README's configuration table), no RFC.
 */
export const UNTAPPED_MEANINGS: Record<UntappedReason, { meaning: string; setting: string }> = {
	forgotten: {
		meaning:
			'The tap keeps what it counted in memory for the newest sessions only; this session is older than those, so its records were let go.',
		setting: 'WIRE_TAPS_KEPT'
	},
	restart: {
		meaning:
			'The tap keeps what it counted in memory only; this session was recorded before the server last restarted, so its records were lost with it.',
		setting: 'WIRE_TAPS_KEPT'
	},
	off: {
		meaning:
			'The operator turned the tap off, so nothing counted this session’s bytes on the wire (and TLS ran on the socket itself).',
		setting: 'MAX_WIRE_RECORDS_PER_SESSION=0'
	},
	elsewhere: {
		meaning:
			'Another instance of the lab served this connection (several share one database); the tap keeps what it counted in that instance’s memory only, and this page was served by another.',
		setting: 'DATABASE_URL'
	}
};

export type WireRowKey = 'plaintext' | TlsContentType | 'unknown';

/** What each kind of row means, to a learner; the session page looks it up by key. */
export const WIRE_ROW_MEANINGS: Record<
	WireRowKey,
	{ label: string; meaning: string; rfc: string }
> = {
	plaintext: {
		label: 'plaintext',
		meaning:
			'Before STARTTLS every command and reply crosses the network as it is typed: anyone on the path reads it, as the endpoints do.',
		rfc: 'RFC 3207 §4'
	},
	handshake: {
		label: 'handshake',
		meaning:
			'A handshake record in the clear (under TLS 1.3 only the ClientHello and the ServerHello, which agree on the keys): an observer sees that TLS starts, and the size of each message.',
		rfc: 'RFC 8446 §5.1'
	},
	change_cipher_spec: {
		label: 'change_cipher_spec',
		meaning:
			'One byte sent only so that old middleboxes see a familiar TLS 1.2 pattern; TLS 1.3 ignores it.',
		rfc: 'RFC 8446 §5, Appendix D.4'
	},
	alert: {
		label: 'alert',
		meaning:
			'An alert in the clear: the connection failed before the keys were agreed, so the observer can read why.',
		rfc: 'RFC 8446 §6'
	},
	application_data: {
		label: 'encrypted',
		meaning:
			'Protected data: the header always says application_data, whatever is inside (the rest of the handshake, SMTP commands and replies, the message). The observer learns only its length and when it passed.',
		rfc: 'RFC 8446 §5.2'
	},
	unknown: {
		label: 'unknown type',
		meaning:
			'A content type RFC 8446 does not define: a TLS endpoint receiving it must end the connection with an unexpected_message alert.',
		rfc: 'RFC 8446 §5'
	}
};

/** How the connection became encrypted, for the section's opening sentence. */
export const TLS_START_MEANINGS = {
	starttls: {
		meaning:
			'This session began in plaintext; after the server answered STARTTLS with 220, both sides started TLS on the same connection and everything after it is encrypted.',
		rfc: 'RFC 3207 §4'
	},
	implicit: {
		meaning:
			'This session used implicit TLS: the handshake is the first thing on the connection, so not even the greeting crosses the network readable.',
		rfc: 'RFC 8314 §3.3'
	},
	none: {
		meaning:
			'This session never started TLS: every line below crossed the network readable by anyone on the path.',
		rfc: 'RFC 3207 §4'
	}
} as const;
