/*
 * The terminals of IMAP4rev1's formal syntax (RFC 3501 §9), shared by the command parser and
 * the response parser: one cursor over a framed command or response, reading atoms, numbers,
 * quoted strings and literals exactly as the ABNF defines them.
 *
 *   atom            = 1*ATOM-CHAR
 *   ATOM-CHAR       = <any CHAR except atom-specials>
 *   atom-specials   = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
 *   list-wildcards  = "%" / "*"
 *   quoted-specials = DQUOTE / "\"
 *   resp-specials   = "]"
 *   astring         = 1*ASTRING-CHAR / string
 *   ASTRING-CHAR    = ATOM-CHAR / resp-specials
 *   string          = quoted / literal
 *   quoted          = DQUOTE *QUOTED-CHAR DQUOTE
 *   QUOTED-CHAR     = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials
 *   literal         = "{" number "}" CRLF *CHAR8
 *   nstring         = string / nil
 *   number          = 1*DIGIT            ; unsigned 32-bit
 *   nz-number       = digit-nz *DIGIT
 *   tag             = 1*<any ASTRING-CHAR except "+">
 *
 * A line's text holds one character per octet (Latin-1), so that a position is an octet
 * offset and an 8-bit octet outside a literal can be named; literals stay bytes.
 */

/**
 * A command or response as the reader framed it: its lines without CRLF, and the octets of the
 * literal announced at the end of each line but the last (§4.3), so
 * `segments.length === literals.length + 1`.
 */
export interface Framed {
	segments: string[];
	literals: Uint8Array[];
}

/** The largest number the grammar allows: "Unsigned 32-bit integer" (§9 number). */
export const MAX_NUMBER = 4294967295;

const utf8 = new TextDecoder('utf-8');

/** CTL = %x00-1F / %x7F (RFC 5234 B.1); CHAR = %x01-7F. */
function isCtl(c: number): boolean {
	return c < 0x20 || c === 0x7f;
}

const ATOM_SPECIALS = new Set(['(', ')', '{', ' ', '%', '*', '"', '\\', ']']);

export function isAtomChar(ch: string): boolean {
	const c = ch.charCodeAt(0);
	return c < 0x80 && !isCtl(c) && !ATOM_SPECIALS.has(ch);
}

export function isAstringChar(ch: string): boolean {
	return ch === ']' || isAtomChar(ch);
}

/** list-char = ATOM-CHAR / list-wildcards / resp-specials (§9). */
export function isListChar(ch: string): boolean {
	return ch === '%' || ch === '*' || isAstringChar(ch);
}

/** Can this text be sent as an atom, unquoted? */
export function isAtom(text: string): boolean {
	return text.length > 0 && [...text].every(isAtomChar);
}

/** The tag at the start of a line, if it has one (§9 tag); the reader and parser both need it. */
export function tagOf(line: string): string | undefined {
	let end = 0;
	while (end < line.length && isAstringChar(line[end]) && line[end] !== '+') end++;
	return end > 0 && (end === line.length || line[end] === ' ') ? line.slice(0, end) : undefined;
}

/** Text as bytes, one octet per character (the reader decodes lines this way). */
export function latin1(bytes: Uint8Array): string {
	let text = '';
	for (let i = 0; i < bytes.length; i += 8192)
		text += String.fromCharCode(...bytes.subarray(i, i + 8192));
	return text;
}

/** A literal's octets as text: UTF-8, the charset IMAP clients and servers send (§4.3.1). */
export function literalText(bytes: Uint8Array): string {
	return utf8.decode(bytes);
}

/** What went wrong, where, and what the grammar wanted there. */
export class SyntaxFailure extends Error {
	constructor(
		message: string,
		/** Octet offset in the command's lines joined (literal octets left out). */
		readonly position: number,
		/** The text found there, or 'end of line'. */
		readonly found: string,
		/** What the grammar allows at this point, in its own terms. */
		readonly expected: string
	) {
		super(message);
	}
}

/**
 * Reads a framed command or response from left to right. Every method either consumes what the
 * grammar wants or throws a SyntaxFailure naming the position and what was expected.
 */
export class Cursor {
	#segment = 0;
	#pos = 0;
	/** Offset of the current segment's first octet in the joined lines. */
	#base = 0;

	constructor(readonly framed: Framed) {}

	get #line(): string {
		return this.framed.segments[this.#segment];
	}

	get position(): number {
		return this.#base + this.#pos;
	}

	/** The next character, or '' at the end of the current line. */
	peek(ahead = 0): string {
		return this.#line.charAt(this.#pos + ahead);
	}

	/** At the end of the whole command (no more lines after this one). */
	atEnd(): boolean {
		return this.#pos >= this.#line.length && this.#segment === this.framed.segments.length - 1;
	}

	/** The rest of the current line, unconsumed. */
	rest(): string {
		return this.#line.slice(this.#pos);
	}

	skip(n: number): void {
		this.#pos += n;
	}

	/** What is at the cursor, for an error message: up to the next space, at most 40 octets. */
	found(): string {
		if (this.#pos >= this.#line.length) return 'end of line';
		const m = /^[^ ]{1,40}|^ /.exec(this.rest());
		return m ? m[0] : '';
	}

	fail(expected: string, why?: string): never {
		const found = this.found();
		const shown = found === 'end of line' ? found : `"${found}"`;
		const message = why ?? `expected ${expected}, found ${shown}`;
		throw new SyntaxFailure(message, this.position, found, expected);
	}

	/** Consumes `text` case-insensitively (§9 note 1) if it is next; says whether it was. */
	accept(text: string): boolean {
		if (this.#line.substr(this.#pos, text.length).toUpperCase() !== text.toUpperCase())
			return false;
		this.#pos += text.length;
		return true;
	}

	/** Consumes the word `text` if it is next and not the start of a longer atom. */
	acceptWord(text: string): boolean {
		if (!this.accept(text)) return false;
		if (this.peek() && isAtomChar(this.peek())) {
			this.skip(-text.length);
			return false;
		}
		return true;
	}

	expect(text: string, expected = `"${text}"`): void {
		if (!this.accept(text)) this.fail(expected);
	}

	/** SP: exactly one space (§9 note 2). */
	sp(): void {
		if (this.peek() !== ' ') this.fail('SP (one space)');
		this.#pos++;
		if (this.peek() === ' ')
			this.fail('one space', 'two spaces where the grammar allows exactly one (RFC 3501 §9)');
	}

	/** Consumes the longest run of characters satisfying `ok`. */
	run(ok: (ch: string) => boolean): string {
		const start = this.#pos;
		while (this.#pos < this.#line.length && ok(this.#line[this.#pos])) this.#pos++;
		return this.#line.slice(start, this.#pos);
	}

	#checkEightBit(expected: string): void {
		const ch = this.peek();
		if (ch && ch.charCodeAt(0) >= 0x80)
			this.fail(
				expected,
				`8-bit octet 0x${ch.charCodeAt(0).toString(16)} outside a literal: IMAP4rev1 sends 8-bit text only as a literal (RFC 3501 §4.3.1, §9 CHAR)`
			);
	}

	atom(expected = 'an atom'): string {
		const text = this.run(isAtomChar);
		if (!text) {
			this.#checkEightBit(expected);
			this.fail(expected);
		}
		return text;
	}

	number(expected = 'a number'): number {
		const digits = this.run((ch) => ch >= '0' && ch <= '9');
		if (!digits) this.fail(expected);
		const n = Number(digits);
		if (n > MAX_NUMBER) {
			this.skip(-digits.length);
			this.fail(expected, `${digits} is larger than a 32-bit number (RFC 3501 §9 number)`);
		}
		return n;
	}

	nzNumber(expected = 'a non-zero number'): number {
		if (this.peek() === '0') this.fail(expected);
		return this.number(expected);
	}

	/** quoted = DQUOTE *QUOTED-CHAR DQUOTE */
	quoted(): string {
		const start = this.#pos;
		this.expect('"', 'a quoted string');
		let text = '';
		for (;;) {
			const ch = this.peek();
			if (ch === '') {
				this.#pos = start;
				this.fail(
					'a closing DQUOTE',
					'unterminated quoted string: a quoted string cannot contain CR or LF; send such text as a literal (RFC 3501 §4.3)'
				);
			}
			if (ch === '"') break;
			if (ch === '\\') {
				const next = this.peek(1);
				if (next !== '"' && next !== '\\') {
					this.skip(1);
					this.fail('\\" or \\\\', 'in a quoted string "\\" may only escape " or \\ (RFC 3501 §9)');
				}
				text += next;
				this.skip(2);
				continue;
			}
			const c = ch.charCodeAt(0);
			this.#checkEightBit('a 7-bit character');
			if (isCtl(c))
				this.fail('a TEXT-CHAR', `control character 0x${c.toString(16)} in a quoted string`);
			text += ch;
			this.skip(1);
		}
		this.skip(1);
		return text;
	}

	/**
	 * literal = "{" number "}" CRLF *CHAR8: the announcement ends the line (§4.3) and the octets
	 * are the literal the reader kept for it; the command continues on the next line.
	 */
	literal(): Uint8Array {
		this.expect('{', 'a literal');
		const digits = this.run((ch) => ch >= '0' && ch <= '9');
		if (this.peek() === '+' && digits)
			this.fail(
				'"}"',
				'"{n+}" is a non-synchronizing literal (LITERAL+, RFC 7888), which this server does not offer: send "{n}" and wait for "+"'
			);
		if (!digits || this.peek() !== '}')
			this.fail(
				'a number of octets and "}"',
				'a literal\'s octet count must be a number: "{" number "}" (RFC 3501 §9 literal)'
			);
		this.skip(1);
		if (this.#pos !== this.#line.length || this.#segment >= this.framed.literals.length)
			this.fail(
				'CRLF after the literal\'s "}"',
				'a literal announcement "{n}" must end the line (RFC 3501 §4.3)'
			);
		const octets = this.framed.literals[this.#segment];
		if (octets.length !== Number(digits)) {
			this.#pos = this.#line.lastIndexOf('{');
			this.fail(
				`${digits} octets`,
				`the literal announced ${digits} octets but carries ${octets.length}`
			);
		}
		this.#base += this.#line.length;
		this.#segment++;
		this.#pos = 0;
		return octets;
	}

	/** string = quoted / literal; a literal's octets read as UTF-8 text. */
	string(expected = 'a string (quoted or literal)'): string {
		if (this.peek() === '"') return this.quoted();
		if (this.peek() === '{') return literalText(this.literal());
		this.fail(expected);
	}

	/** astring = 1*ASTRING-CHAR / string */
	astring(expected = 'an astring (atom, quoted string or literal)'): string {
		if (this.peek() === '"' || this.peek() === '{') return this.string();
		const text = this.run(isAstringChar);
		if (!text) {
			this.#checkEightBit(expected);
			this.fail(expected);
		}
		return text;
	}

	/** nstring = string / nil */
	nstring(): string | null {
		if (this.acceptWord('NIL')) return null;
		return this.string('a string or NIL');
	}

	/** An nstring whose literal octets are kept as bytes (message content in FETCH responses). */
	nbytes(): Uint8Array | string | null {
		if (this.peek() === '{') return this.literal();
		return this.nstring();
	}
}
