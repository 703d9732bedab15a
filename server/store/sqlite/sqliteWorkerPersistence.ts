/**
 * The SQLite persistence on its own thread. Writing a batch (serialising it, the inserts, the
 * commit to the write-ahead log) took a quarter of the lab's ingest throughput when it ran on
 * the thread that answers SMTP; here that thread only hands the batch over (a structured
 * clone, without the annotations: persistedEvent.ts). The worker (sqliteWorker.ts) owns the
 * connection; a failed write comes back as a rejected write, as the interface says.
 */
import { Worker } from 'node:worker_threads';
import { encodeBatch, type EncodedBatch } from './encodedBatch';
import {
	StorageError,
	type PersistedState,
	type StoreBatch,
	type StorePersistence
} from '../persistence';

type WorkerOperation = { op: 'load' } | { op: 'write'; batch: EncodedBatch } | { op: 'close' };
export type WorkerRequest = { id: number } & WorkerOperation;

/** Id 0 answers the opening of the database. */
export interface WorkerAnswer {
	id: number;
	value?: unknown;
	error?: ThreadError;
}

/** An error as it crosses threads: its message, SQLite's code (SQLITE_NOTADB, …), its class. */
export interface ThreadError {
	message: string;
	code?: string;
	storage: boolean;
}

export function threadError(error: unknown): ThreadError {
	const { message, code } = error as Error & { code?: string };
	return { message, code, storage: error instanceof StorageError };
}

function fromThread({ message, code, storage }: ThreadError): Error {
	return Object.assign(storage ? new StorageError(message) : new Error(message), { code });
}

export class SqliteWorkerPersistence implements StorePersistence {
	readonly #worker: Worker;
	readonly #waiting = new Map<
		number,
		{ resolve: (value: unknown) => void; reject: (error: Error) => void }
	>();
	#nextId = 1;
	#stopped: Error | null = null;

	private constructor(worker: Worker) {
		this.#worker = worker;
		worker.on('message', ({ id, value, error }: WorkerAnswer) => {
			const waiting = this.#waiting.get(id)!;
			this.#waiting.delete(id);
			this.#refWhileWaiting();
			if (error) waiting.reject(fromThread(error));
			else waiting.resolve(value);
		});
		const stopped = (error: Error) => {
			this.#stopped ??= error;
			for (const { reject } of this.#waiting.values()) reject(this.#stopped);
			this.#waiting.clear();
		};
		worker.on('error', stopped);
		worker.on('exit', (code) =>
			stopped(new Error(`the database thread stopped (exit code ${code})`))
		);
	}

	/** Opens (creating if needed) `file` on a new thread; rejects with the reason it cannot. */
	static async open(file: string): Promise<SqliteWorkerPersistence> {
		const persistence = new SqliteWorkerPersistence(startWorker(file));
		try {
			await persistence.#request(0);
		} catch (error) {
			await persistence.#worker.terminate();
			throw error;
		}
		return persistence;
	}

	async load(): Promise<PersistedState> {
		const state = (await this.#request(this.#nextId++, { op: 'load' })) as PersistedState;
		// Bytes cross threads as plain Uint8Arrays (transferred, not copied).
		for (const message of state.messages)
			message.raw = Buffer.from(message.raw.buffer, message.raw.byteOffset, message.raw.byteLength);
		return state;
	}

	write(batch: StoreBatch): Promise<void> {
		// Rows as they are stored (JSON text crosses as one copy; a session's id list, which grows
		// with every message, not at all); bytes in a SharedArrayBuffer (messageAssembly.ts)
		// cross without a copy, others are copied.
		return this.#request(this.#nextId++, {
			op: 'write',
			batch: encodeBatch(batch)
		}) as Promise<void>;
	}

	async close(): Promise<void> {
		try {
			await this.#request(this.#nextId++, { op: 'close' });
		} finally {
			await this.#worker.terminate();
		}
	}

	#request(id: number, request?: WorkerOperation): Promise<unknown> {
		if (this.#stopped) return Promise.reject(this.#stopped);
		const answered = new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
		if (request) this.#worker.postMessage({ id, ...request });
		this.#refWhileWaiting();
		return answered;
	}

	/** The thread keeps the process alive only while a request waits for it (a shutdown's last write). */
	#refWhileWaiting(): void {
		if (this.#waiting.size) this.#worker.ref();
		else this.#worker.unref();
	}
}

/**
 * The worker beside this module: JavaScript in the production build (server/build.js compiles
 * it next to the server), TypeScript under tsx and vitest, where it registers tsx's loader first.
 */
function startWorker(file: string): Worker {
	const compiled = import.meta.url.endsWith('.js');
	const entry = new URL(compiled ? './sqliteWorker.js' : './sqliteWorker.ts', import.meta.url);
	const workerData = { file };
	if (compiled) return new Worker(entry, { workerData });
	const tsx = import.meta.resolve('tsx/esm/api');
	return new Worker(
		`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`,
		{ eval: true, workerData }
	);
}
