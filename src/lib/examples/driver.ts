/**
 * Runs an example's steps over the bridge's WebSocket protocol. Transport-agnostic: give it a
 * `send` for client messages and feed it every server message; the browser player wires it to
 * LabSocket, the integration test to a `ws` client. Every reply it reports is the sandbox's.
 */
import type { Journey } from '../delivery/journey';
import { isJourneyMessage } from '../delivery/journeyMessage';
import { listenerRow } from '../listeners';
import type {
	ClientMessage,
	ListenerName,
	MessageSummary,
	ServerMessage,
	SessionEvent
} from '../messages';
import {
	checkReplies,
	checkVerdict,
	endsSession,
	fastForwardKey,
	heardUntagged,
	journeyProgress,
	messageNumberIn,
	stepInput,
	stepProgress,
	verdictMessage,
	waitMs,
	type LegCheck,
	type ObservedReply,
	type ReplyCheck,
	type VerdictCheck
} from './runner';
import type { RunContext, Step } from './types';

export interface SessionTrack {
	id: string;
	listener: ListenerName;
	resumeToken: string;
	events: SessionEvent[];
	closed: boolean;
}

export interface StepRecord {
	index: number;
	stepId: string;
	/** The session the step ran in (null for a wait before any session). */
	sessionId: string | null;
	/** The step's events are `events.slice(from, to)` of that session. */
	from: number;
	to: number;
	replies: ObservedReply[];
	checks: ReplyCheck[];
	/** A journey step: the message followed, its journey when the step ended, each leg's check. */
	journeyId: string | null;
	journey: Journey | null;
	legs: LegCheck[];
	/** An auth step: the copy whose check it read (/mailbox/<id>/authentication), and each result. */
	verdictMessageId: string | null;
	verdict: VerdictCheck[];
	/** Every expected reply came, with the expected codes (and every leg did as expected). */
	ok: boolean;
	/** Why the step could not finish (no reply in time, the bridge refused, stopped). */
	error: string | null;
}

export class StepAborted extends Error {
	constructor() {
		super('stopped');
	}
}

export interface DriverOptions {
	/** Input messages per second; the bridge allows 50 (WS_MESSAGES_PER_SECOND). */
	messagesPerSecond?: number;
	/** How long a step may wait for its replies. */
	replyTimeoutMs?: number;
	/** Called whenever something arrived (for a view to refresh). */
	onchange?: () => void;
	/**
	 * Skips this journey's time to its next try (POST /api/journeys/<id>/fast-forward in
	 * the browser). Without it a journey step waits for the retries in the queue's own time.
	 */
	fastForward?: (journeyId: string) => Promise<void>;
	/**
	 * A second connection to the lab (another tab: its own WebSocket) with a driver fed by it,
	 * for a `side` step; `close` ends that connection.
	 */
	openSide?: () => Promise<{ driver: ExampleDriver; close: () => void }>;
	/**
	 * The messages this browser may see, with their MX checks (GET /api/messages), for an `auth`
	 * step to find the copy a receiving MX checked.
	 */
	messages?: () => Promise<MessageSummary[]>;
}

/** How often an auth step looks again for the copy it waits for. */
const VERDICT_POLL_MS = 250;

export class ExampleDriver {
	readonly sessions: SessionTrack[] = [];
	/** The journeys this run follows, as the bridge last sent them (watch-journey). */
	readonly journeys = new Map<string, Journey>();
	current: SessionTrack | null = null;
	lastError: string | null = null;
	#send: (message: ClientMessage) => boolean;
	#waiters = new Set<() => void>();
	#options: Required<Omit<DriverOptions, 'onchange' | 'fastForward' | 'openSide' | 'messages'>> &
		Pick<DriverOptions, 'onchange' | 'fastForward' | 'openSide' | 'messages'>;
	/** Where each session's last step ended: a step that awaits news shows them from there. */
	#stepEnds = new Map<string, number>();
	#watching = new Set<string>();
	#sentAt: number[] = [];
	#pendingOpen = false;
	#errors = 0;

	constructor(send: (message: ClientMessage) => boolean, options: DriverOptions = {}) {
		this.#send = send;
		this.#options = { messagesPerSecond: 40, replyTimeoutMs: 15_000, ...options };
	}

	/** Feed every server message of the socket here. */
	receive(message: ServerMessage): void {
		switch (message.type) {
			case 'opened': {
				if (!this.#pendingOpen) break;
				this.#pendingOpen = false;
				const track: SessionTrack = {
					id: message.session.id,
					listener: message.session.listener,
					resumeToken: message.resumeToken,
					events: [],
					closed: false
				};
				this.sessions.push(track);
				this.current = track;
				break;
			}
			case 'event': {
				const track = this.sessions.find((s) => s.id === message.sessionId);
				if (!track) return;
				const last = track.events.at(-1);
				if (last && message.event.seq <= last.seq) return;
				track.events.push(message.event);
				break;
			}
			case 'closed': {
				const track = this.sessions.find((s) => s.id === message.sessionId);
				if (track) track.closed = true;
				break;
			}
			case 'journey':
				if (!isJourneyMessage(message) || !this.#watching.has(message.journey.id)) return;
				this.journeys.set(message.journey.id, message.journey);
				break;
			case 'error':
				this.lastError = message.message;
				this.#errors++;
				break;
			default:
				return;
		}
		this.#options.onchange?.();
		for (const wake of [...this.#waiters]) wake();
	}

	/** Runs one step and resolves with what happened; never throws for a server's answer. */
	async run(step: Step, index: number, ctx: RunContext, signal?: AbortSignal): Promise<StepRecord> {
		// A journey step happens after the session, in the queue, a side step on a connection of
		// its own, an auth step reads a stored message: none claims this run's session.
		const track =
			step.kind === 'open' ||
			step.kind === 'journey' ||
			step.kind === 'side' ||
			step.kind === 'auth'
				? null
				: this.current;
		const awaits = step.kind === 'send' ? step.awaits : undefined;
		const record: StepRecord = {
			index,
			stepId: step.id,
			sessionId: track?.id ?? null,
			from:
				(awaits && track ? this.#stepEnds.get(track.id) : undefined) ?? track?.events.length ?? 0,
			to: track?.events.length ?? 0,
			replies: [],
			checks: checkReplies(step.expect, []),
			journeyId: null,
			journey: null,
			legs: [],
			verdictMessageId: null,
			verdict: [],
			ok: step.expect.length === 0,
			error: null
		};
		const errorsBefore = this.#errors;
		try {
			if (step.kind === 'wait') {
				await this.#sleep(waitMs(step, ctx), signal);
				return record;
			}
			if (step.kind === 'journey') {
				await this.#followJourney(step, record, signal);
				return record;
			}
			if (step.kind === 'side') {
				await this.#runSide(step, record, ctx, signal);
				return record;
			}
			if (step.kind === 'auth') {
				await this.#readVerdict(step, record, signal);
				return record;
			}
			let session: SessionTrack;
			if (step.kind === 'open') {
				session = await this.#open(step.listener, signal);
				record.sessionId = session.id;
			} else {
				if (!track || track.closed) throw new Error('no open session to send to');
				session = track;
				if (awaits)
					await this.#until(
						() => heardUntagged(session.events.slice(record.from), awaits) || session.closed,
						signal
					);
				for (const piece of stepInput(step, ctx)) {
					await this.#pace(signal);
					if (!this.#send({ type: 'input', data: piece }))
						throw new Error('the connection to the lab is down');
				}
			}
			const events = () => session.events.slice(record.from);
			const { protocol } = listenerRow(session.listener);
			await this.#until(
				() =>
					stepProgress(step, events(), protocol).done ||
					session.closed ||
					(this.#errors > errorsBefore && step.kind !== 'open'),
				signal
			);
			if (endsSession(step))
				await this.#until(() => session.closed, signal, 3000).catch(() => undefined);
			const progress = stepProgress(step, events(), protocol);
			record.to = session.events.length;
			this.#stepEnds.set(session.id, record.to);
			record.replies = progress.replies;
			record.checks = checkReplies(step.expect, progress.replies);
			record.ok = record.checks.every((c) => c.ok);
			if (step.kind === 'send' && step.findsMessage) {
				const number = this.lastMessageId && messageNumberIn(progress.replies, this.lastMessageId);
				if (number) ctx.facts.messageNumber = number;
				else {
					record.ok = false;
					record.error = 'the listing does not name the message this run sent';
				}
			}
			if (!progress.done)
				record.error =
					this.#errors > errorsBefore
						? `the lab refused the input: ${this.lastError}`
						: 'the server closed the session before the expected reply';
		} catch (error) {
			if (error instanceof StepAborted) throw error;
			record.error = (error as Error).message;
			record.ok = false;
			if (record.sessionId) {
				const s = this.sessions.find((x) => x.id === record.sessionId);
				if (s) record.to = s.events.length;
			}
		}
		return record;
	}

	/**
	 * A side step: its steps on a second connection, in order until one fails; the record shows
	 * that connection's session and every reply, checked step by step. Its sessions join this
	 * run's, so the message it sent is the run's last.
	 */
	async #runSide(
		step: Extract<Step, { kind: 'side' }>,
		record: StepRecord,
		ctx: RunContext,
		signal?: AbortSignal
	): Promise<void> {
		if (!this.#options.openSide) throw new Error('this player cannot open a second connection');
		const side = await this.#options.openSide();
		try {
			const records: StepRecord[] = [];
			for (const [i, sub] of step.steps.entries()) {
				const done = await side.driver.run(sub, i, ctx, signal);
				records.push(done);
				if (done.sessionId && !this.sessions.some((s) => s.id === done.sessionId))
					this.sessions.push(side.driver.sessions.find((s) => s.id === done.sessionId)!);
				if (!done.ok) break;
			}
			const session = side.driver.sessions.at(-1);
			record.sessionId = session?.id ?? null;
			record.from = 0;
			record.to = session?.events.length ?? 0;
			record.replies = records.flatMap((r) => r.replies);
			record.checks = records.flatMap((r) => r.checks);
			record.ok = records.length === step.steps.length && records.every((r) => r.ok);
			record.error = records.find((r) => r.error)?.error ?? null;
		} finally {
			await side.driver.hangUp(signal).catch(() => undefined);
			side.close();
		}
	}

	/** The id of the message this run last had accepted (its journey's id), or null. */
	get lastMessageId(): string | null {
		for (const session of [...this.sessions].reverse())
			for (const event of [...session.events].reverse())
				if (event.messageId) return event.messageId;
		return null;
	}

	/**
	 * Watches the journey of the message last accepted until the step's legs are where it expects
	 * them, pressing fast-forward once per wait when the step asks for it. A journey that does not
	 * move for replyTimeoutMs ends the step with an error.
	 */
	async #followJourney(
		step: Extract<Step, { kind: 'journey' }>,
		record: StepRecord,
		signal?: AbortSignal
	): Promise<void> {
		const id = this.lastMessageId;
		if (!id) throw new Error('no message of this run was accepted: there is no journey to follow');
		record.journeyId = id;
		const errorsBefore = this.#errors;
		if (!this.#watching.has(id)) {
			this.#watching.add(id);
			if (!this.#send({ type: 'watch-journey', id }))
				throw new Error('the connection to the lab is down');
		}
		const pressed = new Set<string>();
		for (;;) {
			const seen = this.journeys.get(id);
			if (seen) {
				if (journeyProgress(step, seen).done) break;
				const key = fastForwardKey(step, seen);
				if (key && !pressed.has(key) && this.#options.fastForward) {
					pressed.add(key);
					await this.#options.fastForward(id);
					continue;
				}
			}
			await this.#until(
				() => this.journeys.get(id) !== seen || this.#errors > errorsBefore,
				signal
			).catch((error: Error) => {
				if (error instanceof StepAborted) throw error;
				throw new Error(
					`the journey did not move within ${Math.round(this.#options.replyTimeoutMs / 1000)} s`
				);
			});
			if (this.#errors > errorsBefore)
				throw new Error(`the lab could not show the journey: ${this.lastError}`);
		}
		const journey = this.journeys.get(id)!;
		record.journey = journey;
		record.legs = journeyProgress(step, journey).checks;
		record.ok = record.legs.every((c) => c.ok);
	}

	/**
	 * An auth step: looks among the messages this browser may see for the copy of this run's
	 * message the step's MX checked, until it is stored (a hop's copy comes after the journey
	 * step, a list's re-sent copy later still), then compares its verdict with the script's.
	 */
	async #readVerdict(
		step: Extract<Step, { kind: 'auth' }>,
		record: StepRecord,
		signal?: AbortSignal
	): Promise<void> {
		const list = this.#options.messages;
		if (!list) throw new Error('this player cannot read the messages of the lab');
		const started = Date.now();
		for (;;) {
			const run = {
				sessionIds: this.sessions.map((s) => s.id),
				messageIds: this.sessions.flatMap((s) =>
					s.events.filter((e) => e.messageId).map((e) => e.messageId as string)
				)
			};
			const found = verdictMessage(step.verdict, await list(), run);
			if (found) {
				record.verdictMessageId = found.id;
				record.verdict = checkVerdict(step.verdict, found.authentication);
				record.ok = record.verdict.every((c) => c.ok);
				return;
			}
			if (Date.now() - started > this.#options.replyTimeoutMs)
				throw new Error(
					`no copy for ${step.verdict.recipient} checked by ${step.verdict.host ?? 'the mx listener'} within ${Math.round(this.#options.replyTimeoutMs / 1000)} s`
				);
			await this.#sleep(VERDICT_POLL_MS, signal);
		}
	}

	/** Hangs up the current session (if any) and waits for the bridge to say it closed. */
	async hangUp(signal?: AbortSignal): Promise<void> {
		const track = this.current;
		if (!track || track.closed) return;
		this.#send({ type: 'close' });
		await this.#until(() => track.closed, signal, 5000).catch((error) => {
			if (error instanceof StepAborted) throw error;
		});
	}

	async #open(listener: ListenerName, signal?: AbortSignal): Promise<SessionTrack> {
		await this.hangUp(signal);
		const before = this.sessions.length;
		this.#pendingOpen = true;
		if (!this.#send({ type: 'open', listener })) {
			this.#pendingOpen = false;
			throw new Error('the connection to the lab is down');
		}
		const errorsBefore = this.#errors;
		await this.#until(() => this.sessions.length > before || this.#errors > errorsBefore, signal);
		if (this.sessions.length === before) {
			this.#pendingOpen = false;
			throw new Error(`the lab could not open a session: ${this.lastError}`);
		}
		return this.sessions[this.sessions.length - 1];
	}

	/** Keeps under the bridge's rate limit, with room for the page's other messages. */
	async #pace(signal?: AbortSignal): Promise<void> {
		const limit = this.#options.messagesPerSecond;
		for (;;) {
			const now = Date.now();
			this.#sentAt = this.#sentAt.filter((t) => now - t < 1000);
			if (this.#sentAt.length < limit) {
				this.#sentAt.push(now);
				return;
			}
			await this.#sleep(1000 - (now - this.#sentAt[0]) + 5, signal);
		}
	}

	#sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return new Promise((resolve, reject) => {
			if (signal?.aborted) return reject(new StepAborted());
			const timer = setTimeout(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			}, ms);
			const onAbort = () => {
				clearTimeout(timer);
				reject(new StepAborted());
			};
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}

	#until(check: () => boolean, signal?: AbortSignal, timeoutMs?: number): Promise<void> {
		const limit = timeoutMs ?? this.#options.replyTimeoutMs;
		return new Promise((resolve, reject) => {
			if (signal?.aborted) return reject(new StepAborted());
			if (check()) return resolve();
			const finish = (error?: Error) => {
				clearTimeout(timer);
				this.#waiters.delete(wake);
				signal?.removeEventListener('abort', onAbort);
				if (error) reject(error);
				else resolve();
			};
			const wake = () => {
				if (check()) finish();
			};
			const onAbort = () => finish(new StepAborted());
			const timer = setTimeout(
				() => finish(new Error(`no reply within ${Math.round(limit / 1000)} s`)),
				limit
			);
			this.#waiters.add(wake);
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}
}
