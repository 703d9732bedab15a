import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import { PresenceReporter } from '$lib/client/classPresence';
import type { CatchUpStep } from '$lib/client/protocolPoint';
import { LISTENER_TABLE, type Listener, type Protocol } from '$lib/listeners';
import {
	capabilitiesOf,
	isFinalReplyLine,
	pairExchanges,
	replyCode,
	transactionOf
} from '$lib/client/conversation';
import type { ListenerName, ServerMessage, SessionEvent, SessionSummary } from '$lib/messages';
import { formatEvent, formatNote } from '$lib/terminal/format';
import { dotStuff } from '$lib/terminal/dotStuff';
import type { PasteStep } from '$lib/terminal/pipeline';

/** A reading protocol's lab parts (pop3Lab.ts, imapLab.ts: the same exports). */
export type ReaderLab = typeof import('./pop3Lab') | typeof import('./imapLab');
type ReaderResponses = InstanceType<ReaderLab['Responses']>;
/** Each reading protocol's parts, a dynamic import(): none is in /lab's first load. */
const READER_LABS: Partial<Record<Protocol, () => Promise<ReaderLab>>> = {
	pop3: () => import('./pop3Lab'),
	imap: () => import('./imapLab')
};

export type Phase = 'idle' | 'opening' | 'open' | 'reconnecting' | 'ended';

/** "Try it from here": each catch-up command and how it went; `problem` says why it stopped. */
export interface CatchUp {
	steps: (CatchUpStep & { status: 'waiting' | 'sent' | 'done' | 'refused' })[];
	problem: string | null;
	done: boolean;
}

/** Where the session's lines go to be shown: the terminal component implements it. */
export interface TerminalSink {
	/** Writes complete, already styled lines above the prompt. */
	print(lines: string[]): void;
	/** Clears the screen (a new session starts). */
	reset(): void;
}

interface StoredSession {
	sessionId: string;
	resumeToken: string;
	listener: ListenerName;
}

const STORAGE_KEY = 'smtp-lab:session';
/** Stands in for the body of a message in the local echo queue (it is echoed line by line). */
const BODY = Symbol('body');

/** Each listener's row (label, role, hop), by name. */
export const LISTENER_INFO = Object.fromEntries(
	LISTENER_TABLE.map((row) => [row.name, row])
) as Record<ListenerName, Listener>;

/**
 * One learner's session in the lab (SMTP, POP3 or IMAP): the WebSocket to the bridge, its events,
 * what the learner types and pastes (pipelined per RFC 2920 when the server allows it), and
 * resuming the same session after the WebSocket drops or the page reloads.
 */
export class LabSession {
	listener = $state<ListenerName>('mx');
	phase = $state<Phase>('idle');
	socketStatus = $state<SocketStatus>('connecting');
	session = $state<SessionSummary | null>(null);
	events = $state.raw<SessionEvent[]>([]);
	/** Between the 354 reply to DATA and the learner's ".". */
	dataMode = $state(false);
	endReason = $state<string | null>(null);
	/** The sandbox refused the session in place of a greeting (a limit): it was never recorded. */
	refused = $state(false);
	error = $state<string | null>(null);
	/** A refused resume, its session watched since; asked: the watch not answered yet. */
	#following: Pick<StoredSession, 'sessionId' | 'resumeToken'> | null = null;
	#followAsked = false;
	/** The latest reply in words, for the polite live region. */
	announcement = $state('');
	/** Body lines the lab dot-stuffed, as typed → as sent. */
	stuffed = $state.raw<{ typed: string; sent: string }[]>([]);
	/** "Try it from here" in progress or done, or null. */
	catchUp = $state.raw<CatchUp | null>(null);
	/** The reading protocols' lab parts loaded so far, each once its listener is picked. */
	readers = $state.raw<Partial<Record<Protocol, ReaderLab>>>({});
	/** The session's listener, else the picked one: what the terminal speaks. */
	protocol = $derived(LISTENER_INFO[this.session?.listener ?? this.listener].protocol);
	/** The parts of the protocol spoken, when it is a reading one and they are loaded. */
	reader = $derived(this.readers[this.protocol] ?? null);

	exchanges = $derived(pairExchanges(this.events));
	capabilities = $derived(capabilitiesOf(this.exchanges));
	transaction = $derived(transactionOf(this.exchanges));
	/** The state machine's state after the last line that named one. */
	state = $derived(
		this.events.findLast((e) => e.annotation.stateAfter)?.annotation.stateAfter ?? null
	);
	messageIds = $derived(this.events.filter((e) => e.messageId).map((e) => e.messageId as string));

	#socket: LabSocket | null = null;
	#sink: TerminalSink | null = null;
	#echo: (string | typeof BODY)[] = [];
	#steps: PasteStep[] = [];
	/** Commands of the pasted group still waiting for their replies. */
	#pending: string[] = [];
	#groupSize = 0;
	/** Resolved with the code of the next complete reply (null: the session ended first). */
	#replyWaiter: ((code: number | null, line: string) => void) | null = null;
	/** Where each POP3 or IMAP response ends; null on an SMTP session. */
	#responses: ReaderResponses | null = null;

	/**
	 * Opens the WebSocket (browser only); returns the cleanup for an `$effect`. `resume: false`
	 * leaves this tab's last session to end on the server by itself (RESUME_GRACE_SECONDS).
	 */
	start({ resume = true }: { resume?: boolean } = {}): () => void {
		const socket = new LabSocket();
		this.#socket = socket;
		if (!resume) this.#clearStored();
		const stored = this.#stored();
		if (stored) {
			this.listener = stored.listener;
			this.phase = 'reconnecting';
		}
		const offMessage = socket.onMessage((message) => this.#onMessage(message));
		const offStatus = socket.onStatus((status) => this.#onStatus(status));
		// A class's teacher is followed, and a student shown on the roster, by the session on screen.
		const presence = new PresenceReporter(socket);
		const stopPresence = $effect.root(() => {
			$effect(() => presence.show(this.session?.id ?? null));
		});
		const hook = { dropSocket: () => socket.drop(), lab: this };
		(window as unknown as { __smtpLab?: typeof hook }).__smtpLab = hook;
		return () => {
			offMessage();
			offStatus();
			stopPresence();
			presence.stop();
			socket.close();
			this.#socket = null;
			delete (window as unknown as { __smtpLab?: typeof hook }).__smtpLab;
		};
	}

	/** Connects the terminal; replays what is already known so a remount shows the session. */
	attach(sink: TerminalSink): () => void {
		this.#sink = sink;
		for (const event of this.events) sink.print(formatEvent(event));
		return () => {
			if (this.#sink === sink) this.#sink = null;
		};
	}

	get connected(): boolean {
		return this.phase === 'open';
	}

	/**
	 * Loads the picked reading protocol's parts; a session already under way is read again from
	 * its start.
	 */
	async loadReader(): Promise<void> {
		const protocol = this.protocol;
		const load = READER_LABS[protocol];
		if (!load || this.readers[protocol]) return;
		const parts = await load();
		this.readers = { ...this.readers, [protocol]: parts };
		if (this.protocol === protocol && !this.#responses) this.#readResponses(this.events);
	}

	#readResponses(events: readonly SessionEvent[]): void {
		this.#responses = this.reader && new this.reader.Responses();
		for (const event of events) this.#responses?.feed(event);
	}

	get pipelining(): boolean {
		return 'PIPELINING' in this.capabilities;
	}

	connect(): void {
		if (this.phase === 'open' || this.phase === 'opening') return;
		this.#clearStored();
		this.events = [];
		this.stuffed = [];
		this.session = null;
		this.endReason = null;
		this.refused = false;
		this.error = null;
		this.#following = null;
		this.#followAsked = false;
		this.dataMode = false;
		this.#echo = [];
		this.#steps = [];
		this.#pending = [];
		this.#responses = null;
		this.#readResponses([]);
		this.#sink?.reset();
		if (!this.#socket?.send({ type: 'open', listener: this.listener })) {
			this.error =
				'The lab server is not reachable right now. It will retry by itself; press Connect again in a moment.';
			return;
		}
		this.phase = 'opening';
		this.#note(`Connecting to the ${LISTENER_INFO[this.listener].label} listener…`);
	}

	disconnect(): void {
		if (this.phase !== 'open' && this.phase !== 'reconnecting') return;
		this.#socket?.send({ type: 'close' });
	}

	/** A line the learner typed and confirmed with Enter. */
	submit(line: string): void {
		if (!this.#canSend()) return;
		if (this.dataMode) {
			this.#sendBody([line]);
			return;
		}
		this.#send(`${line}\r\n`, [line]);
		this.#sink?.print(formatEvent({ dir: 'client', text: line }));
	}

	/** Several lines pasted at once. */
	async paste(lines: string[]): Promise<void> {
		if (!this.#canSend()) return;
		// Loaded when first used: /lab's first load stays within its budget.
		const { pasteNote, planPaste } = await import('$lib/terminal/pipeline');
		this.#steps = planPaste(lines, { pipelining: this.pipelining, inData: this.dataMode });
		this.#note(pasteNote(lines.length, this.#steps, this.pipelining));
		this.#nextStep();
	}

	note(text: string): void {
		this.#note(text);
	}

	/** "Try it from here": this tab's fresh session, brought to the followed one's point (catchUp.ts). */
	async tryFrom(sessionId: string): Promise<void> {
		if (this.phase === 'open' || this.phase === 'opening') return;
		// Loaded when asked for: /lab's first load stays within its budget.
		const { catchUpTo } = await import('./catchUp');
		await catchUpTo(sessionId, {
			lab: this,
			nextReply: () => this.#nextReply(),
			note: (text) => this.#note(text)
		});
	}

	#nextReply(): Promise<{ code: number | null; line: string }> {
		return new Promise((resolve) => {
			this.#replyWaiter = (code, line) => resolve({ code, line });
		});
	}

	#replied(code: number | null, line: string): void {
		const waiter = this.#replyWaiter;
		this.#replyWaiter = null;
		waiter?.(code, line);
	}

	#canSend(): boolean {
		if (this.phase === 'open') return true;
		this.#note(
			this.phase === 'reconnecting'
				? 'Not sent: the connection to the lab dropped. It is reconnecting; type again once it is back.'
				: 'Not connected yet — pick a listener and press Connect.'
		);
		return false;
	}

	#send(data: string, echoed: (string | typeof BODY)[]): void {
		if (!this.#socket?.send({ type: 'input', data })) {
			this.#note('Not sent: the connection to the lab is down. It will reconnect by itself.');
			return;
		}
		this.#echo.push(...echoed);
	}

	/** Body lines (and possibly the final "."), dot-stuffed, echoed as the learner typed them. */
	#sendBody(lines: string[]): void {
		const end = lines.indexOf('.');
		const body = end < 0 ? lines : lines.slice(0, end);
		const wire = body.map(dotStuff);
		for (const [i, line] of body.entries()) {
			this.#sink?.print(formatEvent({ dir: 'client', text: line }));
			if (wire[i] !== line) {
				this.stuffed = [...this.stuffed, { typed: line, sent: wire[i] }];
				this.#note(
					`↳ sent as "${wire[i]}": dot-stuffed (RFC 5321 §4.5.2) so it cannot end the message; the server removes the extra dot.`
				);
			}
		}
		if (end >= 0) {
			wire.push('.');
			this.#sink?.print(formatEvent({ dir: 'client', text: '.' }));
			this.dataMode = false;
		}
		this.#send(wire.map((l) => `${l}\r\n`).join(''), end >= 0 ? [BODY, '.'] : []);
	}

	#nextStep(): void {
		const step = this.#steps.shift();
		if (!step) return;
		if (step.kind === 'body') {
			this.#sendBody(step.lines);
			this.#pending = step.complete ? ['.'] : [];
			this.#groupSize = 1;
			return;
		}
		for (const line of step.lines) this.#sink?.print(formatEvent({ dir: 'client', text: line }));
		this.#send(
			step.lines.map((l) => `${l}\r\n`).join(''),
			step.lines.map((l) => l)
		);
		this.#pending = [...step.lines];
		this.#groupSize = step.lines.length;
	}

	#onPastedReply(code: number | null): void {
		const command = this.#pending.shift();
		if (command === undefined) return;
		if (this.#groupSize > 1) this.#note(`   ↳ answers ${command}`);
		if (this.#pending.length > 0) return;
		if (/^DATA\s*$/i.test(command) && code !== 354 && this.#steps[0]?.kind === 'body') {
			this.#steps = [];
			this.#note('DATA was not accepted, so the rest of the paste (the message) was not sent.');
			return;
		}
		this.#nextStep();
	}

	#onStatus(status: SocketStatus): void {
		this.socketStatus = status;
		if (status === 'closed' && (this.phase === 'open' || this.phase === 'opening')) {
			this.phase = 'reconnecting';
			this.#note(
				`The connection to the lab dropped. Reconnecting to the same ${this.protocol.toUpperCase()} session…`
			);
			this.announcement = 'Connection to the lab lost; reconnecting.';
		}
		if (status === 'open' && this.phase === 'reconnecting') {
			const stored = this.#stored();
			if (!stored) {
				this.phase = 'idle';
				return;
			}
			this.#socket?.send({
				type: 'resume',
				sessionId: stored.sessionId,
				resumeToken: stored.resumeToken
			});
		}
	}

	#onMessage(message: ServerMessage): void {
		switch (message.type) {
			case 'opened': {
				const resumed = this.session?.id === message.session.id || this.phase === 'reconnecting';
				this.session = message.session;
				// Opened already ended: the bridge's `closed` reason gives the reply and what to do.
				this.refused = message.session.endedAt !== null;
				this.phase = 'open';
				this.error = null;
				this.#store({
					sessionId: message.session.id,
					resumeToken: message.resumeToken,
					listener: message.session.listener
				});
				if (resumed) {
					this.#note(
						`Reconnected: this is the same ${this.protocol.toUpperCase()} session, carry on.`
					);
					// The bridge replays the session from the start; known events are skipped by seq.
					this.announcement = `Reconnected to the same ${this.protocol.toUpperCase()} session.`;
				}
				return;
			}
			case 'event':
				if (message.sessionId === this.session?.id) this.#onEvent(message.event);
				return;
			case 'session':
				// The watch sent after a refused resume was accepted.
				if (message.session.id === this.session?.id) this.#followAsked = false;
				return;
			case 'closed':
				if (message.sessionId !== this.session?.id) return;
				if (this.#following) {
					// The followed session ended: resumed again, the server says so in its own words
					// (why, and where its transcript stays) in place of the first refusal.
					this.#socket?.send({ type: 'resume', ...this.#following });
					this.#following = null;
					return;
				}
				this.#ended(message.reason);
				return;
			case 'error':
				if (this.#followAsked) {
					// The watch was refused (this server does not know the session): the resume's error stays.
					this.#followAsked = false;
					this.#following = null;
					return;
				}
				if (this.phase === 'reconnecting') {
					// The bridge no longer knows the session (it ended or the server restarted).
					const refused = this.#stored();
					this.#clearStored();
					this.dataMode = false;
					this.#steps = [];
					this.#pending = [];
					this.phase = this.session ? 'ended' : 'idle';
					// Why is the bridge's to say (the alert): ended, or served by another instance.
					this.endReason = this.session ? 'This page could not resume the session.' : null;
					// Refused on another instance of a shared lab, the session may still be open on the one
					// serving it, or end when that one stops: followed, the page tells when and why.
					if (this.session && refused?.sessionId === this.session.id) {
						this.#socket?.send({
							type: 'watch',
							sessionId: this.session.id,
							since: this.events.at(-1)?.seq ?? 0
						});
						this.#following = { sessionId: refused.sessionId, resumeToken: refused.resumeToken };
						this.#followAsked = true;
					}
				}
				if (message.message === this.error) return;
				this.error = message.message;
				this.#note(`The lab says: ${message.message}`);
				return;
		}
	}

	#onEvent(event: SessionEvent): void {
		const last = this.events.at(-1);
		if (last && event.seq <= last.seq) return;
		this.events = [...this.events, event];
		const response = this.#responses?.feed(event);
		if (event.dir === 'client' && event.text === '.') this.dataMode = false;
		if (event.dir === 'client') {
			const head = this.#echo[0];
			const isBody = event.text !== '.' && (event.messageId || event.text.includes('\n'));
			if (head === BODY ? isBody : head === event.text) {
				this.#echo.shift();
				return;
			}
			if (head !== undefined && event.anomalies.includes('credentials-masked')) {
				this.#echo.shift();
				return;
			}
		}
		this.#sink?.print(formatEvent(event));
		if (event.dir === 'system') {
			if (event.kind === 'tls' || event.kind === 'auth' || event.kind === 'timeout')
				this.announcement = event.text;
			return;
		}
		if (this.#responses) {
			if (!response) return;
			this.#replied(null, response.status);
			this.announcement = `Server: ${response.status}`;
			if (this.#pending.length > 0) this.#onPastedReply(null);
			return;
		}
		if (event.dir !== 'server' || !isFinalReplyLine(event.text)) return;
		const code = replyCode(event.text);
		this.#replied(code, event.text);
		this.announcement = `Server: ${event.text}. ${event.annotation.summary}`;
		if (code === 354) {
			this.dataMode = true;
			this.#note(
				'Now type the message: header lines (Subject: …), an empty line, then the body. A line with a single "." ends the message.'
			);
		}
		if (this.#pending.length > 0) this.#onPastedReply(code);
	}

	#ended(reason: string): void {
		const lastReply = this.events.findLast((e) => e.dir === 'server');
		const code = lastReply ? replyCode(lastReply.text) : null;
		// SMTP answers QUIT with 221; POP3 and IMAP say how they answer QUIT or LOGOUT.
		const quitAnswered =
			code === 221 ||
			(this.#responses !== null &&
				!!this.reader?.saidGoodbye(
					this.events.findLast((e) => e.dir === 'client')?.text ?? '',
					lastReply?.text ?? ''
				));
		this.endReason = this.refused
			? reason
			: quitAnswered
				? `Session ended: you said ${this.protocol === 'imap' ? 'LOGOUT' : 'QUIT'} and the server said goodbye (${lastReply?.text}).`
				: code === 421
					? `The server closed the session: ${lastReply?.text}`
					: `Session ended: ${reason}`;
		this.phase = 'ended';
		this.dataMode = false;
		this.#steps = [];
		this.#pending = [];
		this.#replied(null, '');
		this.#clearStored();
		this.#note(this.endReason);
		this.announcement = this.endReason;
	}

	#note(text: string): void {
		this.#sink?.print([formatNote(text)]);
	}

	#stored(): StoredSession | null {
		try {
			const raw = sessionStorage.getItem(STORAGE_KEY);
			if (!raw) return null;
			const value = JSON.parse(raw) as StoredSession;
			return typeof value.sessionId === 'string' && typeof value.resumeToken === 'string'
				? value
				: null;
		} catch {
			return null;
		}
	}

	#store(value: StoredSession): void {
		try {
			sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
		} catch {
			// Storage can be disabled; resuming after a reload then simply does not happen.
		}
	}

	#clearStored(): void {
		try {
			sessionStorage.removeItem(STORAGE_KEY);
		} catch {
			// See #store.
		}
	}
}
