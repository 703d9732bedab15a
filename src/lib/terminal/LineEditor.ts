import { printableOnly } from './sanitize';

/** What the owner of the terminal should do after a key. */
export type EditorEffect =
	| { type: 'submit'; line: string }
	/** Several complete lines arrived at once (a paste): the owner may pipeline them. */
	| { type: 'paste'; lines: string[] }
	/** Ctrl-C: the line was dropped. */
	| { type: 'cancel'; line: string }
	| { type: 'clear-screen' }
	/** Tab found several candidates and could not extend the line further. */
	| { type: 'candidates'; list: string[] }
	| { type: 'bell' };

/**
 * Given the text before the cursor, returns full replacements for it, e.g. "ma" →
 * ["MAIL FROM:<"]. Matching is the completer's business; the editor only picks among them.
 */
export type Completer = (before: string) => string[];

const HISTORY_LIMIT = 200;
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/** Key sequences as xterm.js reports them through `onData` (normal and application mode). */
const KEYS: Record<string, string> = {
	'\r': 'enter',
	'\n': 'enter',
	'\x7f': 'backspace',
	'\b': 'backspace',
	'\x1b[3~': 'delete',
	'\x04': 'delete',
	'\x1b[D': 'left',
	'\x1bOD': 'left',
	'\x02': 'left',
	'\x1b[C': 'right',
	'\x1bOC': 'right',
	'\x06': 'right',
	'\x1b[A': 'up',
	'\x1bOA': 'up',
	'\x10': 'up',
	'\x1b[B': 'down',
	'\x1bOB': 'down',
	'\x0e': 'down',
	'\x1b[H': 'home',
	'\x1bOH': 'home',
	'\x1b[1~': 'home',
	'\x1b[7~': 'home',
	'\x01': 'home',
	'\x1b[F': 'end',
	'\x1bOF': 'end',
	'\x1b[4~': 'end',
	'\x1b[8~': 'end',
	'\x05': 'end',
	'\x03': 'interrupt',
	'\x0c': 'clear-screen',
	'\x15': 'kill-before',
	'\x0b': 'kill-after',
	'\t': 'tab'
};

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ESCAPE_SEQUENCE = /^\x1b(?:\[[0-9;]*[~A-Za-z]|O[A-Za-z]|.)?/;

function commonPrefix(words: string[]): string {
	if (words.length === 0) return '';
	let prefix = words[0];
	for (const word of words.slice(1)) {
		let i = 0;
		while (
			i < prefix.length &&
			i < word.length &&
			prefix[i].toLowerCase() === word[i].toLowerCase()
		)
			i++;
		prefix = prefix.slice(0, i);
	}
	return prefix;
}

/**
 * A one-line editor for a terminal prompt, with no DOM or xterm dependency: it takes the data
 * xterm reports for keys and pastes, keeps the line, cursor and history, and produces the escape
 * sequences that redraw the prompt (including when the line wraps past the terminal's width).
 */
export class LineEditor {
	#buffer = '';
	#cursor = 0;
	#history: string[] = [];
	/** Index into history while browsing with ↑/↓; equals history.length when not browsing. */
	#historyIndex = 0;
	#draft = '';
	/** Row of the cursor, counted from the prompt's first row, as last drawn. */
	#drawnRow = 0;

	prompt = '> ';
	/** SGR sequence the prompt is drawn with (trusted: set by the program, never by the server). */
	promptStyle = '';
	columns = 80;
	/** Body lines in DATA mode are not worth recalling: the owner can switch history off. */
	recordHistory = true;
	completer: Completer | null = null;

	get line(): string {
		return this.#buffer;
	}

	get cursor(): number {
		return this.#cursor;
	}

	get history(): readonly string[] {
		return this.#history;
	}

	/** Feeds what xterm's `onData` reported; returns what the owner must act on. */
	feed(data: string): EditorEffect[] {
		const effects: EditorEffect[] = [];
		let rest = data;
		while (rest.length > 0) {
			if (rest.startsWith(PASTE_START)) {
				const end = rest.indexOf(PASTE_END);
				const body = end < 0 ? rest.slice(PASTE_START.length) : rest.slice(PASTE_START.length, end);
				this.#paste(body, effects);
				rest = end < 0 ? '' : rest.slice(end + PASTE_END.length);
				continue;
			}
			// Without bracketed paste a paste is one chunk holding line breaks among other text.
			if (rest.length > 1 && /[\r\n]/.test(rest) && !rest.startsWith('\x1b')) {
				this.#paste(rest, effects);
				break;
			}
			const key = this.#nextKey(rest);
			rest = rest.slice(key.length);
			this.#key(key, effects);
		}
		return effects;
	}

	#nextKey(data: string): string {
		if (data[0] === '\x1b') return ESCAPE_SEQUENCE.exec(data)?.[0] ?? data[0];
		if (KEYS[data[0]] !== undefined || data.charCodeAt(0) < 0x20) return data[0];
		// eslint-disable-next-line no-control-regex -- a run of typed text ends at a control key
		const run = /^[^\x00-\x1f\x7f]+/.exec(data);
		return run ? run[0] : data[0];
	}

	#key(key: string, effects: EditorEffect[]): void {
		const action = KEYS[key];
		switch (action) {
			case 'enter':
				effects.push({ type: 'submit', line: this.#take() });
				return;
			case 'backspace':
				if (this.#cursor === 0) return void effects.push({ type: 'bell' });
				this.#buffer = this.#buffer.slice(0, this.#cursor - 1) + this.#buffer.slice(this.#cursor);
				this.#cursor--;
				return;
			case 'delete':
				if (this.#cursor === this.#buffer.length) return;
				this.#buffer = this.#buffer.slice(0, this.#cursor) + this.#buffer.slice(this.#cursor + 1);
				return;
			case 'left':
				if (this.#cursor > 0) this.#cursor--;
				return;
			case 'right':
				if (this.#cursor < this.#buffer.length) this.#cursor++;
				return;
			case 'home':
				this.#cursor = 0;
				return;
			case 'end':
				this.#cursor = this.#buffer.length;
				return;
			case 'up':
				return this.#browse(-1, effects);
			case 'down':
				return this.#browse(1, effects);
			case 'interrupt': {
				const line = this.#buffer;
				this.#reset();
				effects.push({ type: 'cancel', line });
				return;
			}
			case 'clear-screen':
				effects.push({ type: 'clear-screen' });
				return;
			case 'kill-before':
				this.#buffer = this.#buffer.slice(this.#cursor);
				this.#cursor = 0;
				return;
			case 'kill-after':
				this.#buffer = this.#buffer.slice(0, this.#cursor);
				return;
			case 'tab':
				return this.#complete(effects);
		}
		const text = printableOnly(key);
		if (text) this.insert(text);
	}

	/** Inserts text at the cursor (used for typing and by helpers such as the AUTH form). */
	insert(text: string): void {
		const clean = printableOnly(text);
		this.#buffer = this.#buffer.slice(0, this.#cursor) + clean + this.#buffer.slice(this.#cursor);
		this.#cursor += clean.length;
	}

	/** Replaces the whole line, cursor at its end. */
	setLine(text: string): void {
		this.#buffer = printableOnly(text);
		this.#cursor = this.#buffer.length;
	}

	#paste(text: string, effects: EditorEffect[]): void {
		const pieces = text.split(/\r\n|\r|\n/);
		const last = pieces.pop() ?? '';
		if (pieces.length === 0) return this.insert(last);
		const first = this.#buffer.slice(0, this.#cursor) + printableOnly(pieces[0]);
		const after = this.#buffer.slice(this.#cursor);
		const lines = [first, ...pieces.slice(1).map(printableOnly)];
		this.#reset();
		for (const line of lines) this.#remember(line);
		// Text after the last line break stays on the prompt, as in a shell.
		this.setLine(printableOnly(last) + after);
		this.#cursor = printableOnly(last).length;
		effects.push(
			lines.length === 1 ? { type: 'submit', line: lines[0] } : { type: 'paste', lines }
		);
	}

	#take(): string {
		const line = this.#buffer;
		this.#reset();
		this.#remember(line);
		return line;
	}

	#remember(line: string): void {
		if (!this.recordHistory || line.trim() === '') return;
		if (this.#history.at(-1) !== line) this.#history.push(line);
		if (this.#history.length > HISTORY_LIMIT) this.#history.shift();
		this.#historyIndex = this.#history.length;
	}

	#reset(): void {
		this.#buffer = '';
		this.#cursor = 0;
		this.#historyIndex = this.#history.length;
		this.#draft = '';
	}

	#browse(step: number, effects: EditorEffect[]): void {
		const next = this.#historyIndex + step;
		if (next < 0 || next > this.#history.length) return void effects.push({ type: 'bell' });
		if (this.#historyIndex === this.#history.length) this.#draft = this.#buffer;
		this.#historyIndex = next;
		this.#buffer = next === this.#history.length ? this.#draft : this.#history[next];
		this.#cursor = this.#buffer.length;
	}

	#complete(effects: EditorEffect[]): void {
		const before = this.#buffer.slice(0, this.#cursor);
		const lower = before.toLowerCase();
		const candidates = (this.completer?.(before) ?? []).filter((c) =>
			c.toLowerCase().startsWith(lower)
		);
		if (candidates.length === 0) return void effects.push({ type: 'bell' });
		const target = candidates.length === 1 ? candidates[0] : commonPrefix(candidates);
		if (target.length > before.length) {
			this.#buffer = target + this.#buffer.slice(this.#cursor);
			this.#cursor = target.length;
		} else if (candidates.length > 1) {
			effects.push({ type: 'candidates', list: candidates });
		}
	}

	/** Moves to the prompt's first row and clears it and everything below. */
	erase(): string {
		const up = this.#drawnRow > 0 ? `\x1b[${this.#drawnRow}A` : '';
		this.#drawnRow = 0;
		return `${up}\r\x1b[J`;
	}

	/** Erases the previous drawing and draws prompt, line and cursor position again. */
	redraw(): string {
		const cols = Math.max(1, this.columns);
		const length = this.prompt.length + this.#buffer.length;
		let out = this.erase();
		out += `${this.promptStyle}${this.prompt}${this.promptStyle ? '\x1b[0m' : ''}${this.#buffer}`;
		// A line that exactly fills the last row leaves the cursor in a "pending wrap" state:
		// a CRLF puts it where the arithmetic below expects it.
		if (length > 0 && length % cols === 0) out += '\r\n';
		const endRow = Math.floor(length / cols);
		const target = this.prompt.length + this.#cursor;
		const row = Math.floor(target / cols);
		const col = target % cols;
		if (endRow > row) out += `\x1b[${endRow - row}A`;
		out += '\r';
		if (col > 0) out += `\x1b[${col}C`;
		this.#drawnRow = row;
		return out;
	}
}
