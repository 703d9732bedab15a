import type { Anomaly } from '../../src/lib/messages';

export interface TappedLine {
	/** The line without its ending. */
	bytes: Buffer;
	anomalies: Anomaly[];
}

export interface TappedData {
	/** The message content as sent (still dot-stuffed), without the final <CRLF>.<CRLF>. */
	bytes: Buffer;
	anomalies: Anomaly[];
	stuffedLines: number;
}

export interface TapSink {
	line(line: TappedLine): void;
	data(data: TappedData): void;
	/** Bytes sent in plaintext after STARTTLS and before the 220: the server discards them. */
	discarded(bytes: Buffer): void;
	/** The server answered STARTTLS with 220: the TLS handshake starts now. */
	handshake(): void;
}

const CRLF_DOT_CRLF = Buffer.from('\r\n.\r\n');
/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF. */
const COMMAND_LINE_LIMIT = 512;
/** RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets including CRLF. */
const TEXT_LINE_LIMIT = 1000;
/** A line longer than this is cut in the transcript (smtp-server closes at 16 KiB itself). */
const MAX_RECORDED_LINE = 16 * 1024;

type Mode = 'command' | 'await-data-reply' | 'await-tls-reply' | 'data' | 'tls-handshake';

/**
 * Splits the client's bytes into what the recorder shows: command lines (with bare LF and
 * 8-bit bytes detected from the bytes themselves, which smtp-server hides) and, after a 354,
 * the message content up to <CRLF>.<CRLF> — the only end-of-data marker smtp-server honours.
 * Whether DATA or STARTTLS took effect is only known from the server's reply, so bytes after
 * those commands wait for it.
 */
export class ClientStreamTap {
	#mode: Mode = 'command';
	#pending: Buffer[] = [];
	#pendingBytes = 0;
	#buffer: Buffer = Buffer.alloc(0);
	#outstanding = 0;
	/** The start of DATA content that outgrew maxBufferedBytes (so over any message limit). */
	#dataHead: Buffer | null = null;
	/** Where the next search for <CRLF>.<CRLF> starts: the bytes before it were searched. */
	#scanFrom = 0;

	constructor(
		readonly sink: TapSink,
		/** Cap on what the tap holds while it waits for a reply (bytes past it are still counted). */
		readonly maxBufferedBytes: number
	) {}

	feed(chunk: Buffer): void {
		if (this.#mode === 'tls-handshake') return;
		if (this.#mode === 'await-data-reply' || this.#mode === 'await-tls-reply') {
			if (this.#pendingBytes < this.maxBufferedBytes) {
				this.#pending.push(chunk);
				this.#pendingBytes += chunk.length;
			}
			return;
		}
		this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
		this.#drain();
	}

	/** A final reply line (code followed by a space) went out. */
	reply(code: number): void {
		if (this.#outstanding > 0) this.#outstanding--;
		if (this.#outstanding > 0) return;
		if (this.#mode === 'await-data-reply') {
			this.#mode = code === 354 ? 'data' : 'command';
			this.#release();
		} else if (this.#mode === 'await-tls-reply') {
			if (code === 220) {
				// Bytes of the same packet as STARTTLS wait in the buffer, later ones in pending.
				const injected = Buffer.concat([this.#buffer, ...this.#pending]);
				this.#buffer = Buffer.alloc(0);
				this.#pending = [];
				this.#pendingBytes = 0;
				if (injected.length) this.sink.discarded(injected);
				this.#mode = 'tls-handshake';
				this.sink.handshake();
			} else {
				this.#mode = 'command';
				this.#release();
			}
		}
	}

	/** The TLS socket took over: its decrypted bytes are fed from now on. */
	tlsStarted(): void {
		this.#mode = 'command';
		this.#buffer = Buffer.alloc(0);
		this.#outstanding = 0;
	}

	/** Whatever is still buffered when the connection ends (a partial line or partial DATA). */
	flushPartial(): Buffer {
		const rest = Buffer.concat([
			...(this.#dataHead ? [this.#dataHead] : []),
			this.#buffer,
			...this.#pending
		]);
		this.#buffer = Buffer.alloc(0);
		this.#dataHead = null;
		this.#pending = [];
		return rest;
	}

	get inData(): boolean {
		return this.#mode === 'data';
	}

	#release(): void {
		const held = Buffer.concat(this.#pending);
		this.#pending = [];
		this.#pendingBytes = 0;
		this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, held]) : held;
		this.#drain();
	}

	#drain(): void {
		while (this.#buffer.length) {
			if (this.#mode === 'data') {
				if (!this.#takeData()) return;
				continue;
			}
			if (this.#mode !== 'command') return;
			const lf = this.#buffer.indexOf(0x0a);
			if (lf < 0) {
				if (this.#buffer.length > MAX_RECORDED_LINE) {
					this.#emitLine(this.#buffer.subarray(0, MAX_RECORDED_LINE), false, true);
					this.#buffer = Buffer.alloc(0);
				}
				return;
			}
			const crlf = lf > 0 && this.#buffer[lf - 1] === 0x0d;
			const line = this.#buffer.subarray(0, crlf ? lf - 1 : lf);
			this.#buffer = this.#buffer.subarray(lf + 1);
			this.#emitLine(line, !crlf, false);
		}
	}

	#emitLine(line: Buffer, bareLf: boolean, cut: boolean): void {
		const anomalies: Anomaly[] = [];
		if (bareLf) anomalies.push('bare-lf');
		if (line.includes(0x00)) anomalies.push('nul-byte');
		if (line.some((b) => b > 0x7f)) anomalies.push('8bit-in-command');
		if (cut || line.length + 2 > COMMAND_LINE_LIMIT) anomalies.push('line-too-long');
		const shown = line.length > MAX_RECORDED_LINE ? line.subarray(0, MAX_RECORDED_LINE) : line;
		this.#outstanding++;
		const verb = shown.subarray(0, 9).toString('latin1').trim().toUpperCase();
		if (verb === 'DATA') this.#mode = 'await-data-reply';
		else if (verb === 'STARTTLS') this.#mode = 'await-tls-reply';
		this.sink.line({ bytes: Buffer.from(shown), anomalies });
	}

	/** Consumes message content up to <CRLF>.<CRLF>; returns false while more bytes are needed. */
	#takeData(): boolean {
		// "." alone right after 354 ends an empty message: the CRLF before it is DATA's own.
		let end: number;
		let contentEnd: number;
		if (!this.#dataHead && this.#buffer.subarray(0, 3).equals(Buffer.from('.\r\n'))) {
			end = 3;
			contentEnd = 0;
		} else {
			const at = this.#buffer.indexOf(CRLF_DOT_CRLF, this.#scanFrom);
			if (at < 0) {
				this.#holdData();
				return false;
			}
			contentEnd = at + 2;
			end = at + CRLF_DOT_CRLF.length;
		}
		// A view, not a copy: the recorder reads it once, soon, and keeps only the text it makes.
		const content = this.#dataHead ?? this.#buffer.subarray(0, contentEnd);
		this.#dataHead = null;
		this.#scanFrom = 0;
		this.#buffer = this.#buffer.subarray(end);
		this.#mode = 'command';
		this.#outstanding = 1; // the one reply to the end of data
		this.sink.data(inspectData(content));
		return true;
	}

	/**
	 * More DATA content is needed. The search resumes where it stopped (a terminator may begin in
	 * the last 4 bytes), and past maxBufferedBytes only the start is kept: smtp-server drops an
	 * over-limit message, and the tap must not hold what the sandbox refuses to (BAD-INPUTS S5).
	 */
	#holdData(): void {
		const overlap = CRLF_DOT_CRLF.length - 1;
		this.#scanFrom = Math.max(0, this.#buffer.length - overlap);
		if (this.#buffer.length <= this.maxBufferedBytes) return;
		this.#dataHead ??= Buffer.from(this.#buffer.subarray(0, this.maxBufferedBytes));
		this.#buffer = Buffer.from(this.#buffer.subarray(this.#buffer.length - overlap));
		this.#scanFrom = 0;
	}
}

/**
 * Finds what a learner should see in message content: stuffed dots, bare LF/CR, NUL, long lines,
 * smuggling patterns. Scans with Buffer.indexOf (native) rather than byte by byte: this runs on
 * every message and must not cost ingest (see bench/).
 */
export function inspectData(content: Buffer): TappedData {
	const anomalies = new Set<Anomaly>();
	let stuffedLines = content[0] === 0x2e ? 1 : 0;
	let lineStart = 0;
	for (let lf = content.indexOf(0x0a); lf >= 0; lf = content.indexOf(0x0a, lf + 1)) {
		if (lf === 0 || content[lf - 1] !== 0x0d) anomalies.add('bare-lf');
		if (lf - lineStart > TEXT_LINE_LIMIT) anomalies.add('line-too-long');
		lineStart = lf + 1;
		if (content[lineStart] === 0x2e) stuffedLines++;
	}
	if (content.length - lineStart > TEXT_LINE_LIMIT) anomalies.add('line-too-long');
	for (let cr = content.indexOf(0x0d); cr >= 0; cr = content.indexOf(0x0d, cr + 1))
		if (content[cr + 1] !== 0x0a) {
			anomalies.add('bare-cr');
			break;
		}
	if (content.includes(0x00)) anomalies.add('nul-byte');
	if (stuffedLines > 0) anomalies.add('dot-stuffed');
	if (anomalies.has('bare-lf') || anomalies.has('bare-cr')) {
		const text = content.toString('latin1');
		if (/(^|[^\r])\n\.\r?\n|\r\n\.\n/.test(text)) anomalies.add('smuggling-pattern');
	}
	return { bytes: content, anomalies: [...anomalies], stuffedLines };
}
