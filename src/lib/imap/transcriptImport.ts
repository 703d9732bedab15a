import type { Anomaly, Direction, SessionEvent } from '../messages';
import { PREFIXED, PREFIX_DIR, systemKind, TELNET_CHATTER } from '../readTranscriptLines';
import { ImapAnnotator } from './annotate';
import { tagOf } from './protocol/grammar';

/*
 * IMAP transcripts, in the formats /annotate reads for SMTP and POP3: "C: " / "S: " (RFC 3501's
 * own examples, whose long lines go on indented, "broken for editorial clarity", §8), "->" /
 * "<-", ">>>" / "<<<", or bare (telnet, nc, openssl s_client). In a bare transcript a line is
 * the server's when it begins with "*" or "+", completes a tag the client sent, or belongs to a
 * literal the server announced.
 */

interface Classified {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
}

const STAGE_DIRECTION = /^<[^<>@]*>$|^\.\.\..*\.\.\.$/;
const UNTAGGED_STATUS = /^\* (OK|PREAUTH|BYE|CAPABILITY)\b/i;

/**
 * True when a transcript's first server-looking line is IMAP's untagged greeting or status
 * ("* OK", "* PREAUTH", "* BYE", "* CAPABILITY") rather than a reply code or +OK.
 */
export function looksLikeImap(text: string): boolean {
	for (const raw of text.split('\n')) {
		const m = PREFIXED.exec(raw);
		const line = (m ? m[2] : raw).trim();
		if (UNTAGGED_STATUS.test(line)) return true;
		if (/^(\+OK|-ERR)\b/i.test(line) || /^[2-5]\d\d(?:[ -]|$)/.test(line)) return false;
	}
	return false;
}

/** Prefixed lines, with RFC 3501's indented continuation lines joined to the line they continue. */
function* prefixedLines(lines: string[]): Generator<Classified> {
	let held: Classified | undefined;
	for (const raw of lines) {
		const line = raw.replace(/\r$/, '');
		const m = PREFIXED.exec(line);
		if (!m && held && /^\s+\S/.test(line)) {
			// The break stood for a space, except between two addresses of one list: "…)" then "(…"
			// (RFC 3501 §8 breaks the Cc list there; §9 address lists have no SP).
			const next = line.trim();
			const betweenAddresses = /[^)]\)$/.test(held.text) && /^\([^(]/.test(next);
			held.text += betweenAddresses ? next : ` ${next}`;
			continue;
		}
		if (held) yield held;
		held = undefined;
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
		held = { dir, text: m[2].replace(/\s+$/, '') };
	}
	if (held) yield held;
}

const NON_ASCII = /[\u0080-\uffff]/;

function anomaliesOf(c: Classified): Anomaly[] {
	const a: Anomaly[] = [];
	if (c.text.includes('\0')) a.push('nul-byte');
	if (c.text.includes('\r')) a.push('bare-cr');
	if (c.dir === 'client' && NON_ASCII.test(c.text)) a.push('8bit-in-command');
	return a;
}

/**
 * A pasted IMAP transcript as annotated events in the recorder's shape (`at` is 0), one at a
 * time. Never throws; a line it cannot place becomes a system note. A response's lines (a line
 * announcing a literal, the literal's lines, the rest) share a replyId.
 */
export function* imapTranscriptEvents(
	text: string,
	options: { listener?: string } = {}
): Generator<SessionEvent> {
	const annotator = new ImapAnnotator(options);
	const lines = text.split('\n');
	const prefixed = lines.some((l) => PREFIXED.test(l));
	const tags = new Set<string>();
	let seq = 0;
	let replyId = 0;
	const source: Iterable<Classified> = prefixed ? prefixedLines(lines) : bareLines();
	function* bareLines(): Generator<Classified> {
		for (const raw of lines) {
			const line = raw.replace(/\r$/, '');
			if (!annotator.inLiteral && TELNET_CHATTER.test(line)) {
				yield { dir: 'system', kind: systemKind(line), text: line };
				continue;
			}
			if (!annotator.inLiteral && !line.trim()) continue;
			const tag = tagOf(line);
			const completes = tag !== undefined && tags.has(tag) && /^\S+ (OK|NO|BAD)\b/i.test(line);
			const server =
				annotator.inLiteral ||
				line.startsWith('* ') ||
				line === '+' ||
				line.startsWith('+ ') ||
				completes;
			yield { dir: server ? 'server' : 'client', text: line };
		}
	}
	for (const c of source) {
		const continuing = c.dir === 'server' && annotator.inLiteral;
		if (c.dir === 'client') {
			const tag = tagOf(c.text);
			if (tag) tags.add(tag);
		}
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
