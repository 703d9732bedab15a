import type { Anomaly, Direction, SessionEvent } from '../messages';
import { PREFIXED, PREFIX_DIR, systemKind, TELNET_CHATTER } from '../readTranscriptLines';
import { Pop3Annotator } from './annotate';
import { opensMultiLine, pop3CommandsByVerb } from './commands';

/*
 * POP3 transcripts, in the formats /annotate reads for SMTP: "C: " / "S: " (RFC 1939's own
 * examples), "->" / "<-" (swaks-like), ">>>" / "<<<", or bare (a telnet, nc or openssl s_client
 * session). In a bare transcript a line is the server's when it begins with +OK, -ERR or "+ ",
 * or when it belongs to a multi-line response the last command opened (until its ".").
 */

interface Classified {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
}

/** "<open connection>", "<the POP3 server sends message 1>": RFC 1939's stage directions. */
const STAGE_DIRECTION = /^<[^<>@]*>$/;
const STATUS = /^(\+OK|-ERR)\b|^\+ |^\+$/i;

/** True when a transcript's first status line is POP3's (+OK/-ERR) rather than a reply code. */
export function looksLikePop3(text: string): boolean {
	for (const raw of text.split('\n')) {
		const m = PREFIXED.exec(raw);
		const line = (m ? m[2] : raw).trim();
		if (/^(\+OK|-ERR)\b/i.test(line)) return true;
		if (/^[2-5]\d\d(?:[ -]|$)/.test(line)) return false;
	}
	return false;
}

/** Follows which command awaits a response, so that a bare transcript's listing lines are the server's. */
class MultiLineTracker {
	#commands: { verb: string; args: string[] }[] = [];
	#inside = false;

	get inside(): boolean {
		return this.#inside;
	}

	client(text: string): void {
		const [verb, ...args] = text.split(' ');
		this.#commands.push({ verb: verb.toUpperCase(), args: args.filter(Boolean) });
	}

	server(text: string): void {
		if (this.#inside) {
			if (text === '.') this.#inside = false;
			return;
		}
		// A "+ " is the server's turn in AUTH; the client's answer comes as a line of its own.
		const command = this.#commands.shift();
		const row = command && pop3CommandsByVerb.get(command.verb);
		if (row && /^\+OK\b/i.test(text) && opensMultiLine(row, command.args)) this.#inside = true;
	}
}

function* classify(lines: string[]): Generator<Classified> {
	const prefixed = lines.some((l) => PREFIXED.test(l));
	const tracker = new MultiLineTracker();
	let greeted = false;
	for (const raw of lines) {
		const line = raw.replace(/\r$/, '');
		let c: Classified;
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
			if (dir === 'system') {
				yield { dir, kind: m[1] === '***' ? 'note' : systemKind(m[2]), text: m[2] };
				continue;
			}
			if (STAGE_DIRECTION.test(m[2].trim())) {
				yield { dir: 'system', kind: systemKind(m[2]), text: m[2].trim() };
				continue;
			}
			c = { dir, text: m[2] };
		} else {
			if (!tracker.inside && TELNET_CHATTER.test(line)) {
				yield { dir: 'system', kind: systemKind(line), text: line };
				continue;
			}
			if (!tracker.inside && !line.trim()) continue;
			c = { dir: tracker.inside || STATUS.test(line) ? 'server' : 'client', text: line };
		}
		if (c.dir === 'client') tracker.client(c.text);
		else if (greeted) tracker.server(c.text);
		greeted ||= c.dir === 'server';
		yield c;
	}
}

const NON_ASCII = /[\u0080-\uffff]/;
// RFC 2449 §4: a command line is at most 255 octets with its CRLF.
const MAX_COMMAND = 253;

function anomaliesOf(c: Classified): Anomaly[] {
	const a: Anomaly[] = [];
	if (c.text.includes('\0')) a.push('nul-byte');
	if (c.text.includes('\r')) a.push('bare-cr');
	if (c.dir === 'client') {
		if (NON_ASCII.test(c.text)) a.push('8bit-in-command');
		if (c.text.length > MAX_COMMAND) a.push('line-too-long');
	}
	return a;
}

/**
 * A pasted POP3 transcript as annotated events in the recorder's shape (`at` is 0), one at a
 * time. Never throws; a line it cannot place becomes a system note. Lines of one response
 * (status line, listing or message lines, ".") share a replyId.
 */
export function* pop3TranscriptEvents(
	text: string,
	options: { listener?: string } = {}
): Generator<SessionEvent> {
	const annotator = new Pop3Annotator(options);
	let seq = 0;
	let replyId = 0;
	for (const c of classify(text.split('\n'))) {
		const continuing = c.dir === 'server' && annotator.inMultiLine;
		const annotation = annotator.annotate(c);
		const event: SessionEvent = {
			seq: ++seq,
			at: 0,
			dir: c.dir,
			text: c.text,
			anomalies: anomaliesOf(c),
			annotation
		};
		if (c.kind) event.kind = c.kind;
		if (c.dir === 'server') event.replyId = continuing ? replyId : ++replyId;
		yield event;
	}
}
