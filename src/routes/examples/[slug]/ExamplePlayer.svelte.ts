import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import { PresenceReporter } from '$lib/client/classPresence';
import type { Journey } from '$lib/delivery/journey';
import { ExampleDriver, StepAborted, type StepRecord } from '$lib/examples/driver';
import { fill } from '$lib/examples/runner';
import type { Example, RunContext } from '$lib/examples/types';
import type { MessageSummary, SessionEvent } from '$lib/messages';

/** Same key and shape as the lab's LabSession: the lab resumes what is stored there. */
const LAB_STORAGE_KEY = 'smtp-lab:session';
/** A message's content beyond this many characters is cut in the views (the mailbox has it all). */
const SHOWN_CHARS = 6000;

export type PlayerStatus = 'loading' | 'ready' | 'running' | 'replaying' | 'failed';

function newRunTag(): string {
	return Math.random().toString(36).slice(2, 8);
}

/** Content events can be a megabyte (the "too large" example): views get a shortened copy. */
function shorten(event: SessionEvent): SessionEvent {
	if (event.text.length <= SHOWN_CHARS) return event;
	const rest = event.text.length - SHOWN_CHARS;
	return {
		...event,
		text: `${event.text.slice(0, SHOWN_CHARS)}\n… ${rest.toLocaleString('en')} more characters not shown`
	};
}

/**
 * One example being played: the WebSocket to the bridge, the driver that runs the script's steps
 * live, and where the class is in the script. SMTP cannot go back, so going back (or jumping to
 * an earlier step) opens a fresh session and replays the script up to that step.
 */
export class ExamplePlayer {
	/** Steps done: 0 is the introduction, `steps.length` the end. */
	position = $state(0);
	records = $state.raw<StepRecord[]>([]);
	status = $state<PlayerStatus>('loading');
	/** Where a replay is heading, for "Replaying up to step N…". */
	target = $state(0);
	playing = $state(false);
	speed = $state(1);
	error = $state<string | null>(null);
	socketStatus = $state<SocketStatus>('connecting');
	/** Why the sandbox refused the last session it was asked for (null: it was not refused). */
	refusal = $state<string | null>(null);
	/** Bumped whenever the driver learns something; views derive from it. */
	#tick = $state(0);
	ctx = $state.raw<RunContext | null>(null);

	readonly example: Example;
	#socket: LabSocket | null = null;
	#driver: ExampleDriver;
	#abort = new AbortController();
	#busy = false;

	constructor(example: Example) {
		this.example = example;
		this.#driver = this.#newDriver();
	}

	get steps() {
		return this.example.steps;
	}

	/** The record of the step on screen (null on the introduction). */
	current = $derived(this.position > 0 ? (this.records[this.position - 1] ?? null) : null);

	/** The id of the session the step on screen ran in, or null before the first. */
	shownSessionId = $derived.by(() => {
		void this.#tick;
		return this.current?.sessionId ?? this.#driver.current?.id ?? null;
	});

	/** The session the step on screen ran in (its whole transcript so far). */
	sessionEvents = $derived.by(() => {
		void this.#tick;
		const id = this.shownSessionId;
		const track = this.#driver.sessions.find((s) => s.id === id);
		return (track?.events ?? []).map(shorten);
	});

	/** The step on screen's own lines: what was sent and what came back. */
	stepEvents = $derived.by(() => {
		void this.#tick;
		const record = this.current;
		if (!record?.sessionId) return [];
		const track = this.#driver.sessions.find((s) => s.id === record.sessionId);
		return (track?.events.slice(record.from, record.to) ?? []).map(shorten);
	});

	/** The lines of any recorded step (the handout shows them all). */
	eventsOf(record: StepRecord): SessionEvent[] {
		void this.#tick;
		if (!record.sessionId) return [];
		const track = this.#driver.sessions.find((s) => s.id === record.sessionId);
		return (track?.events.slice(record.from, record.to) ?? []).map(shorten);
	}

	/** The session is still open, so a learner can take it over in the lab. */
	canHandOver = $derived.by(() => {
		void this.#tick;
		const track = this.#driver.current;
		return Boolean(track && !track.closed) && this.status === 'ready';
	});

	/** The session on screen is open (false before the first session and once it has ended). */
	sessionOpen = $derived.by(() => {
		void this.#tick;
		const track = this.#driver.current;
		return Boolean(track && !track.closed);
	});

	/**
	 * Once the session has ended: the last step after which it was still open (the step before
	 * the one that ended it), for "continue from step N". Null when it ended in its first step.
	 */
	lastOpenStep = $derived.by(() => {
		void this.#tick;
		const track = this.#driver.current;
		if (!track?.closed) return null;
		const first = this.records.findIndex((r) => r.sessionId === track.id);
		const closing = this.records.findLastIndex((r) => r.sessionId === track.id);
		// records[i] is step i + 1, so the step before the closing one is step `closing`.
		return first >= 0 && closing > first ? closing : null;
	});

	/** Text with the run's values filled in ({greylistSeconds}, {pictureBytes} …). */
	text(template: string): string {
		return this.ctx ? fill(template, this.ctx) : template;
	}

	/** Browser only: opens the WebSocket, loads the composed messages, goes to `startAt`. */
	start(startAt = 0): () => void {
		const socket = new LabSocket();
		this.#socket = socket;
		const offMessage = socket.onMessage((message) => {
			this.#driver.receive(message);
			// A session opened already ended was refused by the sandbox (a limit): the bridge's
			// reason gives its reply and what to do.
			if (message.type === 'opened')
				this.refusal = message.session.endedAt === null ? null : message.session.endReason;
		});
		const offStatus = socket.onStatus((status) => (this.socketStatus = status));
		// A class's followers see the teacher's example, step and session: Next moves them all.
		const presence = new PresenceReporter(socket);
		const stopPresence = $effect.root(() => {
			$effect(() =>
				presence.show(this.shownSessionId, { slug: this.example.slug, step: this.position })
			);
		});
		const hook = { player: this };
		(window as unknown as { __smtpExamples?: typeof hook }).__smtpExamples = hook;
		void this.#load(startAt);
		return () => {
			this.playing = false;
			this.#abort.abort();
			offMessage();
			offStatus();
			stopPresence();
			presence.stop();
			socket.close();
			this.#socket = null;
			delete (window as unknown as { __smtpExamples?: typeof hook }).__smtpExamples;
		};
	}

	async #load(startAt: number): Promise<void> {
		try {
			const response = await fetch(`/api/examples/${encodeURIComponent(this.example.slug)}`);
			if (!response.ok) throw new Error(`the server answered ${response.status}`);
			const body = (await response.json()) as Omit<RunContext, 'run'>;
			this.ctx = { ...body, run: newRunTag() };
			await this.#socketOpen();
			this.status = 'ready';
			if (startAt > 0) await this.goTo(startAt);
		} catch (error) {
			this.status = 'failed';
			this.error = `Could not prepare the example: ${(error as Error).message}`;
		}
	}

	#socketOpen(): Promise<void> {
		return new Promise((resolve) => {
			if (this.#socket?.status === 'open') return resolve();
			const off = this.#socket?.onStatus((status) => {
				if (status !== 'open') return;
				queueMicrotask(() => off?.());
				resolve();
			});
		});
	}

	#newDriver(): ExampleDriver {
		return new ExampleDriver((message) => this.#socket?.send(message) ?? false, {
			onchange: () => this.#tick++,
			fastForward,
			openSide: () => this.#openSide(),
			messages: visibleMessages
		});
	}

	/** A side step's connection: a WebSocket of its own, as another tab of this browser has. */
	async #openSide(): Promise<{ driver: ExampleDriver; close: () => void }> {
		const socket = new LabSocket();
		const driver = new ExampleDriver((message) => socket.send(message), {
			onchange: () => this.#tick++
		});
		const offMessage = socket.onMessage((message) => driver.receive(message));
		await new Promise<void>((resolve) => {
			const off = socket.onStatus((status) => {
				if (status !== 'open') return;
				queueMicrotask(() => off());
				resolve();
			});
		});
		return {
			driver,
			close: () => {
				offMessage();
				socket.close();
			}
		};
	}

	/** Runs the next step. */
	async next(): Promise<void> {
		if (this.#busy || this.status === 'loading' || this.position >= this.steps.length) return;
		await this.#exclusive(async (signal) => {
			this.status = 'running';
			await this.#runNext(signal);
		});
	}

	back(): Promise<void> {
		return this.goTo(this.position - 1);
	}

	restart(): Promise<void> {
		return this.goTo(0, true);
	}

	/**
	 * Shows step `n` (0: the introduction). Forward from here runs the steps in between on the same
	 * session; backward opens a fresh session and replays the script up to `n`.
	 */
	async goTo(n: number, fresh = false): Promise<void> {
		const target = Math.max(0, Math.min(this.steps.length, n));
		if (!this.ctx) return;
		if (target === this.position && !fresh) return;
		this.playing = false;
		// An interrupted step may still get replies: only an idle session can simply go on.
		const forward = target > this.position && !fresh && !this.#busy;
		await this.#exclusive(async (signal) => {
			this.target = target;
			if (!forward) {
				await this.#driver.hangUp(signal).catch(() => undefined);
				this.#driver = this.#newDriver();
				this.records = [];
				this.position = 0;
				this.ctx = this.ctx && { ...this.ctx, run: newRunTag() };
				this.#tick++;
			}
			this.status = target - this.position > 1 || !forward ? 'replaying' : 'running';
			while (this.position < target) await this.#runNext(signal);
		});
	}

	/** Plays step after step, pausing between them (shorter at higher speed). */
	async play(): Promise<void> {
		if (this.playing) return;
		if (this.position >= this.steps.length) await this.restart();
		this.playing = true;
		while (this.playing && this.position < this.steps.length) {
			await this.next();
			if (!this.playing || this.position >= this.steps.length) break;
			const words = (this.current ? this.steps[this.position - 1].narration : '').split(' ').length;
			// Time to read the narration at a calm pace, then the next step.
			const pause = (1500 + words * 220) / this.speed;
			const started = Date.now();
			while (this.playing && Date.now() - started < pause)
				await new Promise((resolve) => setTimeout(resolve, 100));
		}
		this.playing = false;
	}

	pause(): void {
		this.playing = false;
	}

	/**
	 * Hands the live session to the lab: stores it where LabSession looks on load, so /lab
	 * resumes it (the bridge's `resume`) and the learner continues by hand. Returns false when
	 * there is no open session to hand over.
	 */
	handOver(): boolean {
		const track = this.#driver.current;
		if (!track || track.closed) return false;
		this.playing = false;
		try {
			sessionStorage.setItem(
				LAB_STORAGE_KEY,
				JSON.stringify({
					sessionId: track.id,
					resumeToken: track.resumeToken,
					listener: track.listener
				})
			);
		} catch {
			return false;
		}
		return true;
	}

	/** The journey of this run's last accepted message, live, once a journey step follows it. */
	journey = $derived.by((): Journey | null => {
		void this.#tick;
		const id = this.#driver.lastMessageId;
		return (id && this.#driver.journeys.get(id)) || null;
	});

	/** Message ids the sandbox gave this run's messages, newest last. */
	messageIds = $derived.by(() => {
		void this.#tick;
		return this.#driver.sessions.flatMap((s) =>
			s.events.filter((e) => e.messageId).map((e) => e.messageId as string)
		);
	});

	async #runNext(signal: AbortSignal): Promise<void> {
		const ctx = this.ctx;
		if (!ctx) return;
		const index = this.position;
		const record = await this.#driver.run(this.steps[index], index, ctx, signal);
		this.records = [...this.records, record];
		this.position = index + 1;
		this.#tick++;
		if (record.error) this.error = `Step ${index + 1}: ${record.error}`;
	}

	/** One operation at a time; a new jump aborts the one in progress (a wait, a replay). */
	async #exclusive(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
		this.#abort.abort();
		const controller = new AbortController();
		this.#abort = controller;
		while (this.#busy) await new Promise((resolve) => setTimeout(resolve, 20));
		if (controller.signal.aborted) return;
		this.#busy = true;
		this.error = null;
		try {
			await body(controller.signal);
		} catch (error) {
			if (!(error instanceof StepAborted)) this.error = (error as Error).message;
		} finally {
			this.#busy = false;
			if (this.#abort === controller) this.status = this.ctx ? 'ready' : 'failed';
		}
	}
}

/** The messages this browser may see, each with the MX's check when one was made (GET /api/messages). */
async function visibleMessages(): Promise<MessageSummary[]> {
	const response = await fetch('/api/messages');
	if (!response.ok) throw new Error(`the lab's messages could not be read (${response.status})`);
	return ((await response.json()) as { messages: MessageSummary[] }).messages;
}

/**
 * The journey page's fast-forward (POST /api/journeys/<id>/fast-forward). 409 — nothing of it
 * waits any more (the try came on its own meanwhile) — is no error: the step reads the journey.
 */
async function fastForward(journeyId: string): Promise<void> {
	const response = await fetch(`/api/journeys/${encodeURIComponent(journeyId)}/fast-forward`, {
		method: 'POST'
	});
	if (response.ok || response.status === 409) return;
	const body = (await response.json().catch(() => ({}))) as { error?: string };
	throw new Error(
		`fast-forward refused: ${body.error ?? `the server answered ${response.status}`}`
	);
}
