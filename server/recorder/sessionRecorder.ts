import type {
	Annotation,
	Anomaly,
	Direction,
	ListenerName,
	SessionEvent,
	SessionOrigin,
	SessionSummary
} from '../../src/lib/messages';
import type { LabStore } from '../store/labStore';
import { ClientStreamTap, type TappedData, type TappedLine } from './clientStreamTap';
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
	store: LabStore;
	annotator: Annotator;
	maxBufferedBytes: number;
	/** How much of a message's content its DATA event shows (MAX_DATA_EVENT_BYTES). */
	maxDataEventBytes: number;
}

const MASK = '•••••• (hidden: credentials are shown only in the browser that typed them)';

/**
 * Records one SMTP session as ordered events: client lines from the bytes themselves (through
 * ClientStreamTap), server replies as they are written, and system events (connect, TLS, AUTH,
 * disconnect). Credentials typed during AUTH are stored masked, with the real text kept aside
 * for the session's owner.
 */
export class SessionRecorder {
	readonly id: string;
	readonly tap: ClientStreamTap;
	#store: LabStore;
	#annotator: Annotator;
	#replyId = 0;
	#inMultiline = false;
	/** True after a 334: the next client line is an AUTH response (credentials). */
	#authResponseNext = false;
	/** AUTH answers a client may pipeline before any 334 arrives (RFC 4954 allows it), still due. */
	#authLinesAhead = 0;
	#pendingMessageId: string | null = null;
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
			truncated: false
		};
		this.#store.addSession(summary);
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
			const match = /^(\d{3})([ -])?/.exec(line);
			const code = match ? Number(match[1]) : 0;
			const final = !match || match[2] !== '-';
			if (!this.#inMultiline) this.#replyId++;
			this.#inMultiline = !final;
			this.#authResponseNext = code === 334;
			// The exchange ended (235, 535, or AUTH refused outright): later lines are commands again.
			if (final && code !== 334) this.#authLinesAhead = 0;
			const replyId = this.#replyId;
			this.#later((at) =>
				this.#append(at, 'server', wireText(Buffer.from(line, 'utf8')), [], { replyId })
			);
			if (final) this.tap.reply(code);
		}
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
		const answer = this.#authResponseNext || this.#authLinesAhead > 0;
		const credential = answer || /^AUTH\s+\S+\s+\S/i.test(text);
		this.#authResponseNext = false;
		if (this.#authLinesAhead > 0) this.#authLinesAhead--;
		else if (!answer) this.#authLinesAhead = authAnswersDue(text);
		if (!credential) {
			this.#later((at) => this.#append(at, 'client', text, line.anomalies, {}));
			return;
		}
		// The annotation sees the real line (to decode it); stored text and teaching text are masked.
		const masked = /^AUTH\s/i.test(text) ? text.replace(/^(AUTH\s+\S+\s+).*$/i, `$1${MASK}`) : MASK;
		const anomalies: Anomaly[] = [...line.anomalies, 'credentials-masked'];
		this.#later((at) => this.#append(at, 'client', masked, anomalies, {}, text));
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
		const annotation = this.#annotator.annotate({
			dir,
			text: secret ?? text,
			kind: extra.kind,
			isData
		});
		if (note) annotation.notes = [...(annotation.notes ?? []), note];
		// One object of one shape per event (absent fields are undefined, which JSON leaves out).
		const event: SessionEvent = {
			seq: 0,
			at,
			dir,
			text,
			anomalies,
			annotation: secret === undefined ? annotation : maskedAnnotation(annotation),
			replyId: extra.replyId,
			messageId: extra.messageId,
			kind: extra.kind
		};
		this.#store.appendEvent(
			this.id,
			event,
			secret === undefined ? undefined : { text: secret, annotation }
		);
	}
}

/** How many answer lines follow an AUTH command line before the mechanism is done. */
const AUTH_ANSWERS: [RegExp, number][] = [
	[/^AUTH\s+PLAIN\s*$/i, 1], // RFC 4616: the credentials, after an empty 334
	[/^AUTH\s+LOGIN\s*$/i, 2], // the username, then the password
	[/^AUTH\s+LOGIN\s+\S+\s*$/i, 1] // the username came as initial response: the password
];

function authAnswersDue(line: string): number {
	return AUTH_ANSWERS.find(([pattern]) => pattern.test(line))?.[1] ?? 0;
}

/** What every viewer but the owner learns about a credential line: its role, not its content. */
function maskedAnnotation(real: Annotation): Annotation {
	return {
		title: real.title,
		summary:
			'AUTH credentials. Their decoded value is shown only in the browser that typed them. Base64 is an encoding, not encryption: anyone who sees these bytes can decode them, which is why TLS comes first.',
		rfc: real.rfc,
		ref: real.ref,
		stateBefore: real.stateBefore,
		stateAfter: real.stateAfter
	};
}
