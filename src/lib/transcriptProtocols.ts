import { LISTENER_TABLE, PROTOCOLS, type Protocol } from './listeners';
import { imapTranscriptEvents, looksLikeImap } from './imap/transcriptImport';
import type { ListenerName, SessionEvent } from './messages';
import { looksLikePop3, pop3TranscriptEvents } from './pop3/transcriptImport';
import { transcriptEvents } from './smtp/annotate/transcriptImport';

/**
 * Pasted transcripts, whatever the protocol: one row per protocol with how to recognise its
 * transcripts and how to annotate them.
 */
interface TranscriptProtocolRow {
	protocol: Protocol;
	label: string;
	/** True when the text is this protocol's (rows are tried in order; SMTP is the fallback). */
	recognises: (text: string) => boolean;
	events: (text: string, options: { listener?: ListenerName }) => Generator<SessionEvent>;
}

export const transcriptProtocolTable: readonly TranscriptProtocolRow[] = [
	{ protocol: 'imap', label: 'IMAP', recognises: looksLikeImap, events: imapTranscriptEvents },
	{ protocol: 'pop3', label: 'POP3', recognises: looksLikePop3, events: pop3TranscriptEvents },
	{ protocol: 'smtp', label: 'SMTP', recognises: () => true, events: transcriptEvents }
];

/** The protocols a transcript may be read as, in the listener table's order. */
export const TRANSCRIPT_PROTOCOLS: readonly Protocol[] = PROTOCOLS.filter((p) =>
	transcriptProtocolTable.some((row) => row.protocol === p)
);

/**
 * The protocol of a transcript: the one asked for, else the listener's, else the first whose
 * transcripts it looks like (an IMAP server greets with "* OK", a POP3 server's lines begin with
 * +OK/-ERR, an SMTP server's with a reply code).
 */
export function transcriptProtocol(
	text: string,
	options: { protocol?: Protocol; listener?: ListenerName } = {}
): Protocol {
	if (options.protocol && TRANSCRIPT_PROTOCOLS.includes(options.protocol)) return options.protocol;
	const row = LISTENER_TABLE.find((r) => r.name === options.listener);
	if (row && TRANSCRIPT_PROTOCOLS.includes(row.protocol)) return row.protocol;
	return transcriptProtocolTable.find((p) => p.recognises(text))!.protocol;
}

/** Annotated events of a transcript in its protocol (one of TRANSCRIPT_PROTOCOLS), one at a time. */
export function protocolTranscriptEvents(
	text: string,
	protocol: Protocol,
	options: { listener?: ListenerName } = {}
): Generator<SessionEvent> {
	return transcriptProtocolTable.find((p) => p.protocol === protocol)!.events(text, options);
}
