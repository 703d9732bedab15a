import type { Anomaly, Direction, ListenerName, SessionEvent } from '../../messages';
import { SessionAnnotator } from './annotate';
import { isFinalReplyLine, parseReply } from '../protocol/replyParser';

/*
 * Transcript formats recognised, line by line:
 *   swaks:      " -> " sent, "<-  " received, " ~> " / "<~  " inside TLS, "<** " / "<~* " error
 *               replies, "=== " information, "*** " errors (the last two become system events)
 *   RFC style:  "C: " client, "S: " server ("C: <opens connection>" is a stage direction)
 *   arrows:     ">>> " client, "<<< " server
 *   bare:       a telnet/nc session: lines starting with a reply code ("250 ", "250-") are the
 *               server's, the rest the client's; telnet's own chatter becomes system notes.
 */

interface Classified {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
}

const PREFIXED = /^\s*(->|<-|~>|<~\*|<~|<\*\*|\*\*>|===|\*\*\*|[CS]:|>>>|<<<)(?: ?)(.*)$/;
const PREFIX_DIR: Record<string, Direction> = {
	'->': 'client',
	'~>': 'client',
	'**>': 'client',
	'C:': 'client',
	'>>>': 'client',
	'<-': 'server',
	'<~': 'server',
	'<**': 'server',
	'<~*': 'server',
	'S:': 'server',
	'<<<': 'server',
	'===': 'system',
	'***': 'system'
};
/** swaks pads a reply after its arrow with up to two spaces. */
const SWAKS_REPLY_PAD = /^ {1,2}/;
const STAGE_DIRECTION = /^<[^<>@]*>$/;
const TELNET_CHATTER =
	/^(Trying \S+|Connected to \S+|Escape character is|Connection closed by foreign host|telnet>|openssl s_client|CONNECTED\(|---$|depth=|verify return:)/;

/** What a system line says happened. */
const SYSTEM_KINDS: [RegExp, SessionEvent['kind']][] = [
	[/TLS started|TLS negotiat|negotiate a TLS|handshake (?:done|complete)/i, 'tls'],
	[/^Connected to|connection established|^<?opens? connection/i, 'connect'],
	[/Connection closed|closed by foreign host|disconnect/i, 'disconnect'],
	[/timed? ?out/i, 'timeout']
];

function systemKind(text: string): SessionEvent['kind'] {
	for (const [re, kind] of SYSTEM_KINDS) if (re.test(text)) return kind;
	return 'note';
}

/** Classifies line by line, lazily: a server yields to its event loop between lines. */
function* classify(lines: string[]): Generator<Classified> {
	const prefixed = lines.some((l) => PREFIXED.test(l));
	let inData = false;
	for (const raw of lines) {
		const line = raw.replace(/\r$/, '');
		if (prefixed) {
			const m = PREFIXED.exec(line);
			if (!m) {
				const t = line.trim();
				if (!t) continue;
				const kind = systemKind(t);
				yield {
					dir: 'system',
					kind,
					text: kind === 'note' ? `Unrecognised line, skipped: ${t.slice(0, 200)}` : t
				};
				continue;
			}
			const dir = PREFIX_DIR[m[1]];
			let text = m[2];
			if (dir === 'server') {
				const unpadded = text.replace(SWAKS_REPLY_PAD, '');
				if (parseReply(unpadded)) text = unpadded;
			}
			if (dir === 'system') {
				yield { dir, kind: m[1] === '***' ? 'note' : systemKind(text), text };
				continue;
			}
			if (!inData && STAGE_DIRECTION.test(text.trim())) {
				yield { dir: 'system', kind: systemKind(text), text: text.trim() };
				continue;
			}
			if (dir === 'server' && !parseReply(text)) {
				yield {
					dir: 'system',
					kind: 'note',
					text: `Server line without a reply code: ${text.slice(0, 200)}`
				};
				continue;
			}
			if (dir === 'server' && text.startsWith('354')) inData = true;
			if (dir === 'client' && inData && text === '.') inData = false;
			yield { dir, text };
			continue;
		}
		// Bare transcript.
		if (!inData && parseReply(line)) {
			yield { dir: 'server', text: line };
			if (line.startsWith('354')) inData = true;
			continue;
		}
		if (!inData && TELNET_CHATTER.test(line)) {
			yield { dir: 'system', kind: systemKind(line), text: line };
			continue;
		}
		if (!inData && !line.trim()) continue;
		if (inData && line === '.') inData = false;
		yield { dir: 'client', text: line };
	}
}

const NON_ASCII = /[\u0080-\uffff]/;

function anomaliesOf(c: Classified, inData: boolean): Anomaly[] {
	const a: Anomaly[] = [];
	if (c.text.includes('\0')) a.push('nul-byte');
	if (c.text.includes('\r')) a.push('bare-cr');
	if (c.dir !== 'client') return a;
	if (inData) {
		if (c.text.length > 1 && c.text[0] === '.') a.push('dot-stuffed');
		if (c.text.length > 998) a.push('line-too-long');
	} else {
		if (NON_ASCII.test(c.text)) a.push('8bit-in-command');
		if (c.text.length > 510) a.push('line-too-long');
	}
	return a;
}

/**
 * Parses a pasted transcript into annotated events in the recorder's shape (`at` is 0: pasted
 * text has no timestamps). Never throws; a line it cannot place becomes a system note.
 */
export function parseTranscript(
	text: string,
	options: { listener?: ListenerName } = {}
): SessionEvent[] {
	return [...transcriptEvents(text, options)];
}

/** parseTranscript one event at a time, so a server can yield to its event loop between them. */
export function* transcriptEvents(
	text: string,
	options: { listener?: ListenerName } = {}
): Generator<SessionEvent> {
	const classified = classify(text.split('\n'));
	const annotator = new SessionAnnotator(options);
	let seq = 0;
	let replyId = 0;
	let openReply: number | undefined;
	for (const c of classified) {
		const inData = annotator.state === 'data';
		const annotation = annotator.annotate(c);
		const event: SessionEvent = {
			seq: ++seq,
			at: 0,
			dir: c.dir,
			text: c.text,
			anomalies: anomaliesOf(c, inData),
			annotation
		};
		if (c.kind) event.kind = c.kind;
		if (c.dir === 'server') {
			openReply ??= ++replyId;
			event.replyId = openReply;
			if (isFinalReplyLine(c.text)) openReply = undefined;
		}
		yield event;
	}
}
