import type {
	Annotation,
	Anomaly,
	Direction,
	ListenerName,
	SessionEvent,
	SessionOrigin,
	SessionSummary
} from '../../src/lib/messages';
import { listenerRow, type Protocol } from '../../src/lib/listeners';
import { commandsByVerb } from '../../src/lib/smtp/tables/commands';
import { parseReply } from '../../src/lib/smtp/protocol/replyParser';
import type { LabStore } from '../store/labStore';
import { ClientStreamTap, type TappedData, type TappedLine } from './clientStreamTap';
import { byteStuffed } from '../pop3/byteStuffing';
import { wireText } from './wireText';

export interface AnnotatorInput {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
	isData?: boolean;
}

/** The annotation engine's per-session interface (src/lib/smtp's SessionAnnotator). */
export interface Annotator {
	annotate(input: AnnotatorInput): Annotation;
}

export interface RecorderOptions {
	id: string;
	listener: ListenerName;
	standsFor: number;
	origin: SessionOrigin;
	clientAddress: string;
	/** Owner ids it belongs to from the start (the browser that opened it, a hop's message). */
	owners?: string[];
	/** The sandbox mail host that answers (server/hosts), and the journey a hop belongs to. */
	host?: string;
	journeyId?: string;
	store: LabStore;
	annotator: Annotator;
	maxBufferedBytes: number;
	/** How much of a message's content its DATA event shows (MAX_DATA_EVENT_BYTES). */
	maxDataEventBytes: number;
}

const MASK = '•••••• (hidden: credentials are shown only in the browser that typed them)';

/**
 * Records one session as ordered events. SMTP: client lines from the bytes themselves (through
 * ClientStreamTap), server replies as they are written; POP3: the lines and responses its
 * server (server/pop3/) hands over (clientLine, serverResponse); both: system events (connect,
 * TLS, AUTH, disconnect). Credentials are stored masked, with the real text kept aside for the
 * session's owner.
 */
export class SessionRecorder {
	readonly id: string;
	readonly tap: ClientStreamTap;
	#store: LabStore;
	#annotator: Annotator;
	#replyId = 0;
	#inMultiline = false;
	/**
	 * Which reply answers which line: every client line (and each message content) gets exactly
	 * one final reply, in order (RFC 5321 §4.2; pipelined too, RFC 2920 §3), AUTH answers
	 * included (RFC 4954 §4: 334 or a final reply). The greeting answers nothing (-1).
	 */
	#linesSent = 0;
	#linesAnswered = -1;
	/**
	 * An AUTH exchange may be pending: from an AUTH line (or any 334) until a final reply other
	 * than 334 answers the latest AUTH line or a line after it. Every client line meanwhile may be
	 * a credential (an answer typed or pipelined before its 334), so it is masked.
	 */
	#authOpen = false;
	#lastAuthLine = 0;
	/**
	 * Right after a refused AUTH exchange, lines that look like answers are masked (a learner
	 * typing them anyway, e.g. username then password after a 530) until another line comes.
	 */
	#afterRefusedAuth = false;
	/** The masked-away text of this session, kept out of every other line's teaching text. */
	#secrets: string[] = [];
	/**
	 * The annotator has read every line as it is stored: a masked line is read with its
	 * credential, so from then on annotating the stored lines again would not give the same.
	 */
	#annotatorInStep = true;
	#pendingMessageId: string | null = null;
	/**
	 * Lines recorded but not yet annotated, oldest first from `#unreadFrom`: annotating is a
	 * third of what recording a message costs (bench/profileSandbox.ts), and a line nobody reads
	 * (a session no one watches, a /live page that shows only the lists) never needs it. The
	 * first read of an event's annotation annotates every line before it, in order, once.
	 */
	#unread: UnreadLine[] = [];
	#unreadFrom = 0;
	#ended = false;
	/** Recording work in wire order, done once this turn's replies are written (see #later). */
	#jobs: (() => void)[] = [];

	constructor(readonly options: RecorderOptions) {
		this.id = options.id;
		this.#store = options.store;
		this.#annotator = options.annotator;
		const summary: SessionSummary = {
			id: options.id,
			listener: options.listener,
			protocol: listenerRow(options.listener).protocol,
			standsFor: options.standsFor,
			origin: options.origin,
			clientAddress: options.clientAddress,
			startedAt: Date.now(),
			endedAt: null,
			endReason: null,
			tls: null,
			authUser: null,
			messageIds: [],
			eventCount: 0,
			truncated: false,
			...(options.host ? { host: options.host } : {}),
			...(options.journeyId ? { journeyId: options.journeyId } : {})
		};
		this.#store.addSession(summary, options.owners ?? []);
		this.tap = new ClientStreamTap(
			{
				line: (line) => this.#clientLine(line),
				data: (data) => this.#clientData(data),
				discarded: (bytes) =>
					this.system(
						'note',
						`${bytes.length} bytes sent in plaintext after STARTTLS were discarded by the server: ${wireText(bytes).slice(0, 200)}`
					),
				handshake: () =>
					this.system(
						'starttls',
						'The server agreed (220): the TLS handshake starts now, and everything after it is encrypted on the wire (RFC 3207 §4).'
					)
			},
			options.maxBufferedBytes
		);
	}

	/**
	 * Queues recording work (decoding, annotating, storing, telling watchers) for the end of this
	 * turn of the event loop. The tap and the reply bookkeeping stay synchronous, so the order of
	 * lines is fixed now; the work runs after smtp-server has written its reply, off the path
	 * between a client's command and the answer it waits for (see bench/). Work queued while a
	 * socket was read (nearly all of it) runs before the next socket is read.
	 */
	#later(job: (at: number) => void): void {
		// Stamped now: the time the line crossed the wire, not the time the work runs.
		const at = Date.now();
		this.#jobs.push(() => job(at));
		if (this.#jobs.length === 1) setImmediate(() => this.#runJobs());
	}

	#runJobs(): void {
		const jobs = this.#jobs;
		this.#jobs = [];
		for (const job of jobs) job();
	}

	get ended(): boolean {
		return this.#ended;
	}

	/** The id the next stored message of this session will get (known from the 354 on). */
	setPendingMessageId(id: string): void {
		this.#pendingMessageId = id;
	}

	serverReply(payload: string): void {
		for (const line of payload.split('\r\n')) {
			if (!line) continue;
			const reply = parseReply(line);
			// A line that is no reply ends the open one rather than leaving it open for good.
			const code = reply?.code ?? 0;
			const final = reply?.last ?? true;
			if (!this.#inMultiline) this.#replyId++;
			this.#inMultiline = !final;
			if (final) this.#answered(code);
			const replyId = this.#replyId;
			this.#later((at) =>
				this.#append(at, 'server', wireText(Buffer.from(line, 'utf8')), [], { replyId })
			);
			if (final) this.tap.reply(code);
		}
	}

	/**
	 * A client line framed by a server that reads its own input (POP3: server/pop3/): `text` is
	 * the line without its CRLF. With `maskFrom`, everyone but the owner sees the line up to there
	 * and the mask (PASS's argument, AUTH PLAIN's initial response, a SASL answer at 0); the
	 * annotator reads the whole line, and the rest is kept out of every other line's teaching text.
	 */
	clientLine(text: string, anomalies: Anomaly[], maskFrom?: number): void {
		const secret = maskFrom === undefined ? '' : text.slice(maskFrom).trim();
		if (maskFrom === undefined || !secret) {
			this.#later((at) => this.#append(at, 'client', text, anomalies, {}));
			return;
		}
		this.#keepSecret(secret);
		const masked = text.slice(0, maskFrom) + MASK;
		const marked: Anomaly[] = [...anomalies, 'credentials-masked'];
		this.#later((at) => this.#append(at, 'client', masked, marked, {}, text));
	}

	/**
	 * One response of such a server, all under one replyId: its status line and any listing lines
	 * as given (a listing's terminating "." among them); with `content` (a message RETR or TOP
	 * sends, as the mailbox gives it) the content follows as one event, cut like DATA's at
	 * MAX_DATA_EVENT_BYTES and shown byte-stuffed as it crossed the wire (RFC 1939 §3), then
	 * the terminating ".". IMAP's content is a literal inside a response line (RFC 3501 §4.3):
	 * with `closing`, it is shown as sent, unstuffed, and `closing` (the rest of the line after
	 * the literal) takes the place of the ".".
	 */
	serverResponse(
		lines: string[],
		content?: { bytes: Buffer; messageId?: string; closing?: string }
	): void {
		const replyId = ++this.#replyId;
		this.#later((at) => {
			for (const line of lines) this.#append(at, 'server', line, [], { replyId });
			if (!content) return;
			const { bytes, messageId, closing } = content;
			const limit = this.options.maxDataEventBytes;
			const cut = bytes.length > limit;
			const end = cut ? bytes.lastIndexOf(0x0a, limit - 1) + 1 || limit : bytes.length;
			const note = cut
				? `This transcript shows the first ${end.toLocaleString('en')} of ${bytes.length.toLocaleString('en')} bytes of the message (MAX_DATA_EVENT_BYTES); the reader received all of it.`
				: undefined;
			const extra = { replyId, ...(messageId ? { messageId } : {}) };
			const sent =
				closing === undefined ? byteStuffed(bytes.subarray(0, end)) : bytes.subarray(0, end);
			const shown = wireText(sent, true);
			this.#append(at, 'server', shown, cut ? ['truncated'] : [], extra, undefined, true, note);
			this.#append(at, 'server', closing ?? '.', [], { replyId });
		});
	}

	/** A final reply answered the oldest unanswered line: the AUTH bookkeeping moves on. */
	#answered(code: number): void {
		const line = ++this.#linesAnswered;
		if (line < 1) return;
		if (code === 334) {
			this.#authOpen = true;
			return;
		}
		if (!this.#authOpen || line < this.#lastAuthLine) return;
		// The exchange ended (235, 535, 501 for a bad answer or a cancel, or AUTH refused outright).
		this.#authOpen = false;
		if (Math.floor(code / 100) !== 2) this.#afterRefusedAuth = true;
	}

	system(kind: NonNullable<SessionEvent['kind']>, text: string): void {
		this.#later((at) => this.#append(at, 'system', text, [], { kind }));
	}

	tlsStarted(protocol: string, cipher: string): void {
		this.tap.tlsStarted();
		this.#later(() => this.#store.updateSession(this.id, { tls: { protocol, cipher } }));
		this.system('tls', `TLS started (${protocol}, ${cipher}); the lines below travel encrypted`);
	}

	authenticated(user: string): void {
		this.#later(() => this.#store.updateSession(this.id, { authUser: user }));
		this.system('auth', `Authenticated as ${user}`);
	}

	end(reason: string, kind: 'disconnect' | 'timeout' = 'disconnect'): void {
		if (this.#ended) return;
		this.#ended = true;
		const rest = this.tap.flushPartial();
		if (rest.length && this.tap.inData)
			this.system(
				'note',
				`Connection closed in the middle of DATA after ${rest.length} bytes: the partial message was not delivered.`
			);
		else if (rest.length)
			this.system(
				'note',
				`Unfinished line when the connection closed: ${wireText(rest).slice(0, 200)}`
			);
		this.system(kind, reason);
		this.#later((endedAt) => this.#store.updateSession(this.id, { endedAt, endReason: reason }));
	}

	#clientLine(line: TappedLine): void {
		// Decoded now (cheap, and AUTH bookkeeping needs it); annotated and stored later.
		const text = wireText(line.bytes);
		const n = ++this.#linesSent;
		const masked = this.#maskedText(text);
		if (AUTH_LINE.test(text)) {
			this.#authOpen = true;
			this.#lastAuthLine = n;
		}
		if (masked === null) {
			this.#later((at) => this.#append(at, 'client', text, line.anomalies, {}));
			return;
		}
		// The annotation sees the real line (to decode it); stored text and teaching text are masked.
		const anomalies: Anomaly[] = [...line.anomalies, 'credentials-masked'];
		this.#later((at) => this.#append(at, 'client', masked, anomalies, {}, text));
	}

	/** What others may see of a client line: null when it can carry no credential. */
	#maskedText(text: string): string | null {
		const lateAnswer = this.#afterRefusedAuth && looksLikeAuthAnswer(text);
		this.#afterRefusedAuth = lateAnswer;
		if (this.#authOpen || lateAnswer) {
			if (!text.trim()) return null;
			this.#keepSecret(text.trim());
			return MASK;
		}
		const command = AUTH_WITH_PAYLOAD.exec(text);
		if (!command) return null;
		this.#keepSecret(command[2].trim());
		return command[1] + MASK;
	}

	#keepSecret(secret: string): void {
		// Shorter strings (a cancelling "*", an empty "=") carry no credential.
		if (secret.length >= MIN_SECRET_LENGTH) this.#secrets.push(secret);
	}

	#clientData(data: TappedData): void {
		const messageId = this.#pendingMessageId;
		this.#pendingMessageId = null;
		this.#later((at) => this.#recordContent(at, data, messageId));
	}

	#recordContent(at: number, data: TappedData, messageId: string | null): void {
		// A transcript shows the start of a long message (whole lines); the anomalies above were
		// found in all of it, and the mailbox keeps every byte.
		const limit = this.options.maxDataEventBytes;
		const cut = data.bytes.length > limit;
		const end = cut ? data.bytes.lastIndexOf(0x0a, limit - 1) + 1 || limit : data.bytes.length;
		const text = wireText(data.bytes.subarray(0, end), true);
		const extra = messageId ? { messageId } : {};
		const anomalies: Anomaly[] = cut ? [...data.anomalies, 'truncated'] : data.anomalies;
		const note = cut
			? `This transcript shows the first ${end.toLocaleString('en')} of ${data.bytes.length.toLocaleString('en')} bytes (MAX_DATA_EVENT_BYTES); the counts above describe that part, and the mailbox has the whole message.`
			: undefined;
		this.#append(at, 'client', text, anomalies, extra, undefined, true, note);
		this.#append(at, 'client', '.', [], {});
	}

	#append(
		at: number,
		dir: Direction,
		text: string,
		anomalies: Anomaly[],
		extra: Pick<SessionEvent, 'replyId' | 'messageId' | 'kind'>,
		secret?: string,
		isData = false,
		note?: string
	): void {
		// Past the event budget nothing more is kept: spare the annotation work (a flood pays it).
		if (this.#store.sessions.get(this.id)?.summary.truncated !== false) return;
		// With nothing masked in the session yet, the line's annotation is what the annotator says
		// (withoutSecrets changes nothing), so it can wait until someone reads it.
		if (secret === undefined && !this.#secrets.length)
			return this.#appendUnread(at, dir, text, anomalies, extra, isData, note);
		this.#readAll();
		const annotation = this.#annotator.annotate({
			dir,
			text: secret ?? text,
			kind: extra.kind,
			isData
		});
		if (note) annotation.notes = [...(annotation.notes ?? []), note];
		const shown =
			secret === undefined
				? withoutSecrets(annotation, this.#secrets)
				: maskedAnnotation(annotation, listenerRow(this.options.listener).protocol);
		// What the database may leave out: an annotation the stored lines give back (persistedEvent.ts).
		if (secret !== undefined) this.#annotatorInStep = false;
		const reading = { isData, exact: this.#annotatorInStep && shown === annotation, note };
		// One object of one shape per event (absent fields are undefined, which JSON leaves out).
		const event: SessionEvent = {
			seq: 0,
			at,
			dir,
			text,
			anomalies,
			annotation: shown,
			replyId: extra.replyId,
			messageId: extra.messageId,
			kind: extra.kind
		};
		this.#store.appendEvent(
			this.id,
			event,
			secret === undefined ? undefined : { text: secret, annotation },
			reading
		);
	}

	/** Appends an event whose annotation is made when it is first read (see #unread). */
	#appendUnread(
		at: number,
		dir: Direction,
		text: string,
		anomalies: Anomaly[],
		extra: Pick<SessionEvent, 'replyId' | 'messageId' | 'kind'>,
		isData: boolean,
		note: string | undefined
	): void {
		// The shape #append gives an event, the annotation an own property (JSON.stringify reads
		// it) whose getter all unread events share: a getter per event (an object literal's)
		// turns every event into a slow dictionary-mode object.
		const event = { seq: 0, at, dir, text, anomalies } as SessionEvent;
		Object.defineProperty(event, 'annotation', UNREAD_ANNOTATION);
		event.replyId = extra.replyId;
		event.messageId = extra.messageId;
		event.kind = extra.kind;
		readers.set(event, this.#readUpTo);
		this.#unread.push({ event, isData, note });
		// Exact unless the annotator read a masked line before (persistedEvent.ts).
		const reading = { isData, exact: this.#annotatorInStep, note };
		this.#store.appendEvent(this.id, event, undefined, reading);
	}

	/** Annotates the unread lines in order up to `event`; returns its annotation. */
	#readUpTo = (event: SessionEvent): Annotation => {
		while (this.#unreadFrom < this.#unread.length) {
			const line = this.#unread[this.#unreadFrom++];
			this.#annotate(line);
			if (line.event === event) break;
		}
		if (this.#unreadFrom === this.#unread.length) {
			this.#unread = [];
			this.#unreadFrom = 0;
		}
		const own = Object.getOwnPropertyDescriptor(event, 'annotation');
		if (!own || own.get)
			throw new Error(`event ${event.seq} of session ${this.id} was never queued`);
		return own.value as Annotation;
	};

	/** Annotates every unread line: the annotator must read them before a line annotated now. */
	#readAll(): void {
		const last = this.#unread.at(-1);
		if (last) this.#readUpTo(last.event);
	}

	#annotate({ event, isData, note }: UnreadLine): void {
		const annotation = this.#annotator.annotate({
			dir: event.dir,
			text: event.text,
			kind: event.kind,
			isData
		});
		if (note) annotation.notes = [...(annotation.notes ?? []), note];
		// From here on a plain property, in the place the getter held.
		Object.defineProperty(event, 'annotation', {
			value: annotation,
			writable: true,
			enumerable: true,
			configurable: true
		});
		readers.delete(event);
	}
}

/** Who annotates each unread event: its session's recorder. */
const readers = new WeakMap<SessionEvent, (event: SessionEvent) => Annotation>();
const UNREAD_ANNOTATION: PropertyDescriptor = {
	get(this: SessionEvent): Annotation {
		return readers.get(this)!(this);
	},
	enumerable: true,
	configurable: true
};

/** A recorded line waiting for its annotation. */
interface UnreadLine {
	event: SessionEvent;
	isData: boolean;
	note: string | undefined;
}

/** RFC 4954 §4: AUTH, in any case; smtp-server refuses leading blanks, but they carry a payload. */
const AUTH_LINE = /^\s*AUTH(?:\s|$)/i;
/** An AUTH line with an initial response: the verb and mechanism stay readable, the rest is masked. */
const AUTH_WITH_PAYLOAD = /^(\s*AUTH\s+\S+\s+)(\S.*)$/i;
/** One token on the line: base64 (RFC 4648 §4), or a password typed in clear. */
const ONE_TOKEN = /^\s*\S+\s*$/;
const MIN_SECRET_LENGTH = 4;

/**
 * After a refused AUTH, a line of one token that is no SMTP verb is an answer typed anyway:
 * every SMTP command with an argument has a blank in it (RFC 5321 §4.1.1).
 */
function looksLikeAuthAnswer(text: string): boolean {
	return ONE_TOKEN.test(text) && !commandsByVerb.has(text.trim().toUpperCase());
}

/**
 * Teaching text of other lines may quote a credential line (a reply "answers AUTH PLAIN …"
 * when commands were pipelined): every masked-away string is replaced there too.
 */
function withoutSecrets(annotation: Annotation, secrets: string[]): Annotation {
	if (!secrets.length) return annotation;
	const clean = (value: string) =>
		secrets.reduce((text, secret) => text.split(secret).join(MASK), value);
	const texts = [
		annotation.title,
		annotation.summary,
		annotation.detail ?? '',
		...(annotation.notes ?? [])
	];
	if (!texts.some((text) => secrets.some((secret) => text.includes(secret)))) return annotation;
	return {
		...annotation,
		title: clean(annotation.title),
		summary: clean(annotation.summary),
		detail: annotation.detail === undefined ? undefined : clean(annotation.detail),
		notes: annotation.notes?.map(clean)
	};
}

const MASKED_SUMMARY: Record<Protocol, string> = {
	smtp: 'May carry AUTH credentials (an AUTH line, or a line sent during an AUTH exchange or right after a refused one), so its content is shown only in the browser that typed it. Base64 is an encoding, not encryption: anyone who sees these bytes can decode them, which is why TLS comes first.',
	pop3: 'Carries a password (PASS, or an AUTH PLAIN response), so its content is shown only in the browser that typed it. PASS sends it as typed and PLAIN in base64, an encoding, not encryption: anyone who sees these bytes can read it, which is why STLS comes first.',
	imap: 'Carries a password (LOGIN, or an AUTHENTICATE PLAIN response), so its content is shown only in the browser that typed it. LOGIN sends it as typed and PLAIN in base64, an encoding, not encryption: anyone who sees these bytes can read it, which is why STARTTLS comes first.'
};

/** What every viewer but the owner learns about a credential line: its role, not its content. */
function maskedAnnotation(real: Annotation, protocol: Protocol): Annotation {
	return {
		title: real.title,
		summary: MASKED_SUMMARY[protocol],
		rfc: real.rfc,
		ref: real.ref,
		stateBefore: real.stateBefore,
		stateAfter: real.stateAfter
	};
}
