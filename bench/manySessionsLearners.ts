/**
 * Simulated learners of the many-sessions benchmark (bench/manySessions.ts), in a process of
 * their own: each is a visitor with its own owner cookie and one WebSocket, as a lab page is, and
 * types SMTP sessions on mx at human speed, one line per input frame as the lab sends them, or
 * pastes one as the lab does (the commands up to DATA in one frame, then the content, "." and
 * QUIT once 354 came; RFC 2920 §3.1). It times each frame to the annotated event of its last line
 * (the server echoes client lines as events) and to the last reply it asked for.
 *
 * The parent sends `{ learners, url }` when it forks this process; the process answers
 * `{ type: 'ready' }` once every learner has its cookie and its socket, then `{ type: 'go', … }`
 * starts them, and it answers with its figures (LearnerResults) once the window closed.
 */
import WebSocket from 'ws';

export interface GoMessage {
	type: 'go';
	/** Date.now() times: learners start spread over [goAt, goAt + rampMs). */
	goAt: number;
	rampMs: number;
	/** Frames sent in [measureFrom, stopAt) are timed; no frame is sent after stopAt. */
	measureFrom: number;
	stopAt: number;
}

export interface LearnerResults {
	type: 'results';
	/** Input frame sent → annotated event of its last line received, ms. */
	echo: number[];
	/** Input frame sent → the final reply to its last command received, ms. */
	reply: number[];
	/** `open` sent → the annotated 220 greeting received, ms. */
	open: number[];
	framesSent: number;
	/** Timed frames whose event or reply had not come 10 s after the window closed. */
	unanswered: number;
	/** Events that were not the line sent, or came without an annotation. */
	mismatches: string[];
	/** `error` messages and sockets that closed under a learner. */
	errors: string[];
	sessionsEnded: number;
	/** Learners with an open SMTP session, sampled every 500 ms in the window. */
	openSamples: number[];
	/** This process's CPU time in the window, µs (user + system). */
	cpuMicros: number;
}

interface ServerEvent {
	dir: 'client' | 'server' | 'system';
	text: string;
	annotation?: { title?: string };
}

/** Stands for the DATA event, which echoes a message's content as one event. */
const CONTENT = Symbol('the DATA content event');

/** What a frame waits for: the client lines echoed (CONTENT: the message's one event) and replies. */
interface Frame {
	sentAt: number;
	timed: boolean;
	echoes: (string | typeof CONTENT)[];
	replies: number;
	echoAt: number | null;
	replyAt: number | null;
	done: () => void;
}

const FINAL_REPLY = /^\d{3}(?: |$)/;
/** One learner in this many sessions pastes instead of typing. */
const PASTE_ONE_IN = 4;
const FROM = 'alice@example.com';
const TO = 'bob@example.com';

const results: LearnerResults = {
	type: 'results',
	echo: [],
	reply: [],
	open: [],
	framesSent: 0,
	unanswered: 0,
	mismatches: [],
	errors: [],
	sessionsEnded: 0,
	openSamples: [],
	cpuMicros: 0
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Reading a reply, then typing the next line: 2–5 s. */
const thinkMs = () => 2000 + Math.random() * 3000;
let stopAt = Infinity;
let measureFrom = Infinity;
let sessionsOpen = 0;
const isTimed = () => Date.now() >= measureFrom && Date.now() < stopAt;
/** Thrown by pause() once the window has closed: the learner stops where it is. */
const STOPPED = new Error('stopped');
async function pause(ms: number): Promise<void> {
	await sleep(ms);
	if (Date.now() >= stopAt) throw STOPPED;
}

class Learner {
	readonly #ws: WebSocket;
	#frames: Frame[] = [];
	#greeted: ((reply: string) => void) | null = null;
	#closed: (() => void) | null = null;
	#serial = 0;

	constructor(
		url: string,
		cookie: string,
		readonly name: string
	) {
		this.#ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, {
			headers: { origin: url, cookie },
			perMessageDeflate: false
		});
		this.#ws.on('message', (data: Buffer) => this.#receive(data));
		this.#ws.on('close', () => {
			if (Date.now() < stopAt) results.errors.push(`${name}: the WebSocket closed`);
		});
	}

	connected(): Promise<void> {
		return new Promise((resolve, reject) => {
			this.#ws.once('open', () => resolve());
			this.#ws.once('error', reject);
		});
	}

	close(): void {
		this.#ws.terminate();
	}

	async run(startAt: number): Promise<void> {
		await sleep(startAt - Date.now());
		try {
			while (await this.#session()) await pause(500 + Math.random() * 1000);
		} catch (error) {
			if (error !== STOPPED) results.errors.push(`${this.name}: ${(error as Error).message}`);
		}
	}

	/** One SMTP session, typed or pasted; false when the learner cannot go on. */
	async #session(): Promise<boolean> {
		const n = ++this.#serial;
		const greeted = new Promise<string>((resolve) => (this.#greeted = resolve));
		const closed = new Promise<void>((resolve) => (this.#closed = resolve));
		const opened = performance.now();
		const timed = isTimed();
		this.#send({ type: 'open', listener: 'mx' });
		const greeting = await within(greeted, 10_000);
		if (!greeting?.startsWith('220 ')) {
			results.errors.push(`${this.name}: greeted with ${greeting ?? 'nothing within 10 s'}`);
			return false;
		}
		if (timed) results.open.push(performance.now() - opened);
		sessionsOpen++;
		const body = [`Subject: ${this.name} session ${n}`, '', `Hello from ${this.name}.`, 'Bye.'];
		if (n % PASTE_ONE_IN === 0) {
			const commands = ['EHLO learner.example', `MAIL FROM:<${FROM}>`, `RCPT TO:<${TO}>`, 'DATA'];
			await this.#input(commands, commands, commands.length);
			await this.#input([...body, '.', 'QUIT'], [CONTENT, '.', 'QUIT'], 2);
		} else {
			for (const command of ['EHLO learner.example', `MAIL FROM:<${FROM}>`, `RCPT TO:<${TO}>`]) {
				await this.#input([command], [command], 1);
				await pause(thinkMs());
			}
			await this.#input(['DATA'], ['DATA'], 1);
			// Content lines are not echoed one by one: the message is one event after ".".
			for (const line of body) {
				await pause(1000 + Math.random() * 2000);
				this.#frame([line], [], 0);
			}
			await pause(thinkMs());
			await this.#input(['.'], [CONTENT, '.'], 1);
			await pause(thinkMs());
			await this.#input(['QUIT'], ['QUIT'], 1);
		}
		const ended = await within(
			closed.then(() => true),
			10_000
		);
		sessionsOpen--;
		if (!ended) results.errors.push(`${this.name}: no closed within 10 s of QUIT`);
		else results.sessionsEnded++;
		return ended !== null;
	}

	/** Sends the lines as one frame and waits for its echoes and replies. */
	async #input(lines: string[], echoes: (string | typeof CONTENT)[], replies: number) {
		const answered = this.#frame(lines, echoes, replies);
		if (
			(await within(
				answered.then(() => true),
				30_000
			)) === null
		)
			throw new Error(`no answer to ${JSON.stringify(lines[0])} within 30 s`);
	}

	#frame(lines: string[], echoes: (string | typeof CONTENT)[], replies: number): Promise<void> {
		return new Promise<void>((done) => {
			const frame = {
				sentAt: performance.now(),
				timed: isTimed(),
				echoes: [...echoes],
				replies,
				echoAt: null,
				replyAt: null,
				done
			};
			if (!echoes.length && !replies) done();
			else this.#frames.push(frame);
			results.framesSent++;
			this.#send({ type: 'input', data: lines.map((line) => `${line}\r\n`).join('') });
		});
	}

	#send(message: unknown): void {
		this.#ws.send(JSON.stringify(message));
	}

	#receive(data: Buffer): void {
		const at = performance.now();
		const message = JSON.parse(data.toString()) as {
			type: string;
			event?: ServerEvent;
			message?: string;
		};
		if (message.type === 'error') results.errors.push(`${this.name}: ${message.message}`);
		else if (message.type === 'closed') this.#closed?.();
		else if (message.type === 'event') this.#event(message.event!, at);
	}

	#event(event: ServerEvent, at: number): void {
		if (event.dir === 'system') return;
		if (!event.annotation?.title)
			results.mismatches.push(`${this.name}: no annotation on ${JSON.stringify(event.text)}`);
		if (event.dir === 'server') {
			if (!FINAL_REPLY.test(event.text)) return;
			if (this.#greeted) {
				this.#greeted(event.text);
				this.#greeted = null;
				return;
			}
			const frame = this.#frames.find((f) => f.replies > 0);
			if (!frame) {
				results.mismatches.push(`${this.name}: unasked reply ${event.text}`);
				return;
			}
			if (--frame.replies === 0) frame.replyAt = at;
		} else {
			const frame = this.#frames.find((f) => f.echoes.length > 0);
			const expected = frame?.echoes.shift();
			const matches =
				expected === CONTENT ? event.text.startsWith('Subject: ') : expected === event.text;
			if (!frame || !matches) {
				results.mismatches.push(
					`${this.name}: echo ${JSON.stringify(event.text.slice(0, 40))}, expected ${String(expected)}`
				);
				return;
			}
			if (!frame.echoes.length) frame.echoAt = at;
		}
		while (this.#frames.length && this.#frames[0].echoes.length + this.#frames[0].replies === 0) {
			const frame = this.#frames.shift()!;
			if (frame.timed) {
				if (frame.echoAt !== null) results.echo.push(frame.echoAt - frame.sentAt);
				if (frame.replyAt !== null) results.reply.push(frame.replyAt - frame.sentAt);
			}
			frame.done();
		}
	}

	/** Timed frames still waiting when the learner is stopped. */
	get unanswered(): number {
		return this.#frames.filter((f) => f.timed).length;
	}
}

/** The promise's value, or null when it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
	let timer: NodeJS.Timeout;
	return Promise.race([
		promise,
		new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))
	]).finally(() => clearTimeout(timer));
}

/** A first request gets the visitor its owner cookie, as a page does. */
async function ownerCookie(url: string): Promise<string> {
	const response = await fetch(`${url}/api/health`);
	await response.arrayBuffer();
	const match = /smtp_lab_owner=[^;]+/.exec(response.headers.get('set-cookie') ?? '');
	if (!match) throw new Error('the site set no owner cookie');
	return match[0];
}

/** Runs `task` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, task: (item: T) => Promise<void>) {
	for (let i = 0; i < items.length; i += width)
		await Promise.all(items.slice(i, i + width).map(task));
}

const {
	learners: count,
	url,
	name
} = JSON.parse(process.argv[2]) as {
	learners: number;
	url: string;
	name: string;
};
const cookies: string[] = [];
await inBatches([...Array(count).keys()], 16, async () => {
	cookies.push(await ownerCookie(url));
});
const learners: Learner[] = [];
await inBatches([...cookies.entries()], 50, async ([i, cookie]) => {
	const learner = new Learner(url, cookie, `${name}-${i}`);
	learners.push(learner);
	await learner.connected();
});
process.send!({ type: 'ready' });

process.once('message', async (go: GoMessage) => {
	measureFrom = go.measureFrom;
	stopAt = go.stopAt;
	let cpuAtStart = process.cpuUsage();
	setTimeout(() => (cpuAtStart = process.cpuUsage()), measureFrom - Date.now());
	const sampler = setInterval(() => {
		if (isTimed()) results.openSamples.push(sessionsOpen);
	}, 500);
	const running = learners.map((learner) => learner.run(go.goAt + Math.random() * go.rampMs));
	await sleep(stopAt - Date.now());
	const cpu = process.cpuUsage(cpuAtStart);
	results.cpuMicros = cpu.user + cpu.system;
	clearInterval(sampler);
	// The last frames of the window get their answers; nothing new is sent.
	await within(Promise.all(running), 10_000);
	results.unanswered = learners.reduce((sum, learner) => sum + learner.unanswered, 0);
	for (const learner of learners) learner.close();
	process.send!(results, () => process.exit(0));
});
