/*
 * Frames the client's byte stream into whole commands (RFC 3501 §2.2.1, §4.3, §7.5).
 *
 * A command is a line, unless the line ends with a literal announcement "{n}": then the client
 * waits for a command continuation request ("+ ...", §7.5) before sending n octets, after which
 * the command goes on with another line (which may announce another literal). The reader says
 * when a "+" is due, and refuses an announcement over its limits before a single octet of it
 * is buffered: the client has not sent them yet, and a tagged BAD/NO "prevent[s] the client from
 * sending any more of the command" (§2.2.1 Note, §7.5 example "A044 BLURDYBLOOP {102856}").
 *
 * Pull-based: push() stores bytes, next() hands out one event at a time, so that the server can
 * switch the reader to raw lines (an AUTHENTICATE response, IDLE's "DONE") between two
 * pipelined lines.
 */
import { latin1, tagOf, type Framed } from './grammar';

export interface ReaderLimits {
	/** Octets of one line, CRLF excluded. */
	maxLineOctets: number;
	/** Octets one literal may announce (APPEND's message is one). */
	maxLiteralOctets: number;
	/** Octets of a whole command: its lines and literals together. */
	maxCommandOctets: number;
}

/**
 * RFC 3501 sets no line limit; 8192 octets is far more than any command in this subset needs
 * (a SEARCH or a UID set of a few hundred numbers). The literal limit is the server's message
 * size limit; these are the defaults the server overrides from its configuration.
 */
export const DEFAULT_READER_LIMITS: ReaderLimits = {
	maxLineOctets: 8192,
	maxLiteralOctets: 1024 * 1024,
	maxCommandOctets: 1024 * 1024 + 8192
};

export type RefusalReason =
	'line-too-long' | 'literal-too-large' | 'command-too-large' | 'non-synchronizing-literal';

export type ReaderEvent =
	/** A complete command, for the parser. */
	| { kind: 'command'; command: Framed }
	/**
	 * The line before a synchronizing literal is in (`command` so far): send "+ ..." now (§7.5),
	 * or refuse the command and call abandon().
	 */
	| { kind: 'continue'; tag?: string; octets: number; command: Framed }
	/** A line read in raw mode (expectLine). */
	| { kind: 'line'; text: string }
	/** The command was dropped; the client must get a tagged BAD/NO (or "* BAD" without a tag). */
	| {
			kind: 'refused';
			reason: RefusalReason;
			tag?: string;
			octets?: number;
			limit: number;
			message: string;
			/** The refused line as read: the one announcing the literal, or a long line's start. */
			text: string;
	  };

const LF = 0x0a;
const CR = 0x0d;
/** "{" number ["+"] "}" at the end of a line: a literal announcement (§9 literal; RFC 7888). */
const ANNOUNCEMENT = /\{(\d+)(\+?)\}$/;

type Mode =
	| { kind: 'line' }
	| { kind: 'literal'; octets: Uint8Array; filled: number }
	/** Dropping the rest of a refused command: `octets` of a literal, then lines. */
	| { kind: 'discard'; octets: number };

export class CommandReader {
	readonly limits: ReaderLimits;
	#buffer = new Uint8Array(0);
	#mode: Mode = { kind: 'line' };
	#segments: string[] = [];
	#literals: Uint8Array[] = [];
	#commandOctets = 0;
	#rawLine = false;
	/** While discarding an over-long line, the only thing kept is whether it ended. */
	#discardingLine = false;

	constructor(limits: Partial<ReaderLimits> = {}) {
		this.limits = { ...DEFAULT_READER_LIMITS, ...limits };
	}

	push(bytes: Uint8Array): void {
		if (this.#mode.kind === 'literal' && this.#buffer.length === 0) {
			// Straight into the literal's own array: no copy of a large APPEND through the buffer.
			const mode = this.#mode;
			const take = Math.min(bytes.length, mode.octets.length - mode.filled);
			mode.octets.set(bytes.subarray(0, take), mode.filled);
			mode.filled += take;
			bytes = bytes.subarray(take);
		}
		if (bytes.length === 0) return;
		const joined = new Uint8Array(this.#buffer.length + bytes.length);
		joined.set(this.#buffer);
		joined.set(bytes, this.#buffer.length);
		this.#buffer = joined;
	}

	/** The next line is not a command: return it whole as a 'line' event (RFC 3501 §6.2.2, RFC 2177 §3). */
	expectLine(): void {
		this.#rawLine = true;
	}

	/**
	 * Drop the command being read after refusing it at a 'continue': the client, answered with a
	 * tagged BAD/NO instead of "+", sends no literal and no rest of the command (§2.2.1 Note).
	 */
	abandon(): void {
		this.#reset();
		this.#mode = { kind: 'line' };
	}

	/** Octets received and not yet handed out (for the server's own accounting). */
	get buffered(): number {
		return this.#buffer.length;
	}

	next(): ReaderEvent | undefined {
		for (;;) {
			const mode = this.#mode;
			if (mode.kind === 'literal') {
				const take = Math.min(this.#buffer.length, mode.octets.length - mode.filled);
				mode.octets.set(this.#buffer.subarray(0, take), mode.filled);
				mode.filled += take;
				this.#buffer = this.#buffer.subarray(take);
				if (mode.filled < mode.octets.length) return undefined;
				this.#literals.push(mode.octets);
				this.#mode = { kind: 'line' };
				continue;
			}
			if (mode.kind === 'discard' && mode.octets > 0) {
				const take = Math.min(this.#buffer.length, mode.octets);
				this.#buffer = this.#buffer.subarray(take);
				mode.octets -= take;
				if (mode.octets > 0) return undefined;
			}
			const lf = this.#buffer.indexOf(LF);
			if (lf < 0) {
				if (this.#buffer.length <= this.limits.maxLineOctets) return undefined;
				// Once per line: later chunks of a line already refused are dropped silently.
				if (mode.kind === 'line' && !this.#discardingLine) return this.#lineTooLong();
				this.#buffer = new Uint8Array(0);
				this.#discardingLine = true;
				return undefined;
			}
			const end = lf > 0 && this.#buffer[lf - 1] === CR ? lf - 1 : lf;
			const line = latin1(this.#buffer.subarray(0, end));
			this.#buffer = this.#buffer.subarray(lf + 1);
			if (this.#discardingLine) {
				this.#discardingLine = false;
				this.#mode = { kind: 'line' };
				continue;
			}
			if (mode.kind === 'discard') {
				// A refused command's later lines may carry more non-synchronizing literals.
				const more = ANNOUNCEMENT.exec(line);
				this.#mode =
					more && more[2] ? { kind: 'discard', octets: Number(more[1]) } : { kind: 'line' };
				continue;
			}
			if (line.length > this.limits.maxLineOctets)
				return this.#refuse(
					'line-too-long',
					line.length,
					this.limits.maxLineOctets,
					this.#rawLine ? undefined : line
				);
			if (this.#rawLine) {
				this.#rawLine = false;
				return { kind: 'line', text: line };
			}
			return this.#line(line);
		}
	}

	#line(line: string): ReaderEvent | undefined {
		this.#segments.push(line);
		this.#commandOctets += line.length + 2;
		const announced = endsInQuotedString(line) ? null : ANNOUNCEMENT.exec(line);
		if (!announced) {
			if (this.#commandOctets > this.limits.maxCommandOctets)
				return this.#refuse('command-too-large', this.#commandOctets, this.limits.maxCommandOctets);
			const command = { segments: this.#segments, literals: this.#literals };
			this.#reset();
			return { kind: 'command', command };
		}
		const octets = Number(announced[1]);
		if (announced[2]) {
			const refusal = this.#refuse('non-synchronizing-literal', octets, 0);
			// The client sends these octets without waiting: skip them, unbuffered.
			this.#mode = { kind: 'discard', octets };
			return refusal;
		}
		if (octets > this.limits.maxLiteralOctets)
			return this.#refuse('literal-too-large', octets, this.limits.maxLiteralOctets);
		if (this.#commandOctets + octets > this.limits.maxCommandOctets)
			return this.#refuse(
				'command-too-large',
				this.#commandOctets + octets,
				this.limits.maxCommandOctets
			);
		this.#commandOctets += octets;
		this.#mode = { kind: 'literal', octets: new Uint8Array(octets), filled: 0 };
		const command = { segments: [...this.#segments], literals: [...this.#literals] };
		return { kind: 'continue', tag: tagOf(this.#segments[0]), octets, command };
	}

	#lineTooLong(): ReaderEvent {
		const octets = this.#buffer.length;
		const start = this.#rawLine ? undefined : latin1(this.#buffer.subarray(0, 64));
		const refusal = this.#refuse('line-too-long', octets, this.limits.maxLineOctets, start);
		this.#buffer = new Uint8Array(0);
		this.#discardingLine = true;
		return refusal;
	}

	#refuse(reason: RefusalReason, octets: number, limit: number, firstLine?: string): ReaderEvent {
		const tag = tagOf(this.#segments[0] ?? firstLine ?? '');
		const text = firstLine ?? this.#segments.at(-1) ?? '';
		this.#reset();
		this.#rawLine = false;
		return {
			kind: 'refused',
			reason,
			tag,
			octets,
			limit,
			message: REFUSALS[reason](octets, limit),
			text
		};
	}

	#reset(): void {
		this.#segments = [];
		this.#literals = [];
		this.#commandOctets = 0;
	}
}

/** Is the line's last character inside an unterminated quoted string? Then "{n}" is text. */
function endsInQuotedString(line: string): boolean {
	let inside = false;
	for (let i = 0; i < line.length; i++) {
		if (line[i] === '\\' && inside) i++;
		else if (line[i] === '"') inside = !inside;
	}
	return inside;
}

const REFUSALS: Record<RefusalReason, (octets: number, limit: number) => string> = {
	'line-too-long': (octets, limit) =>
		`command line of ${octets}+ octets is longer than this server's limit of ${limit}; send long arguments as literals (RFC 3501 §4.3)`,
	'literal-too-large': (octets, limit) =>
		`literal of ${octets} octets is larger than this server's limit of ${limit}; do not send it (RFC 3501 §7.5)`,
	'command-too-large': (octets, limit) =>
		`command of ${octets} octets is larger than this server's limit of ${limit}`,
	'non-synchronizing-literal': () =>
		'"{n+}" is a non-synchronizing literal (LITERAL+, RFC 7888), which this server does not advertise: send "{n}" and wait for "+" (RFC 3501 §7.5)'
};
