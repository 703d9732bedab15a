/**
 * The database thread: owns the SQLite connection and answers the requests of
 * SqliteWorkerPersistence (sqliteWorkerPersistence.ts), one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EncodedBatch } from './encodedBatch';
import { SqlitePersistence } from './sqlitePersistence';
import { threadError, type WorkerAnswer, type WorkerRequest } from './sqliteWorkerPersistence';

const port = parentPort!;
const answer = (message: WorkerAnswer, transfer: ArrayBuffer[] = []) =>
	port.postMessage(message, transfer);

let persistence: SqlitePersistence | undefined;
try {
	persistence = new SqlitePersistence((workerData as { file: string }).file);
	answer({ id: 0 });
} catch (error) {
	answer({ id: 0, error: threadError(error) });
}

port.on('message', async (request: WorkerRequest) => {
	try {
		if (request.op === 'load') {
			const state = await persistence!.load();
			// The bytes move to the main thread rather than being copied; this thread is done with them.
			for (const message of state.messages) message.raw = ownBuffer(message.raw);
			answer(
				{ id: request.id, value: state },
				state.messages.map((m) => m.raw.buffer as ArrayBuffer)
			);
		} else if (request.op === 'write') {
			persistence!.writeEncoded(withBuffers(request.batch));
			answer({ id: request.id });
		} else {
			await persistence!.close();
			answer({ id: request.id });
		}
	} catch (error) {
		answer({ id: request.id, error: threadError(error) });
	}
});

/** Posted bytes arrive as plain Uint8Arrays; better-sqlite3 binds Buffers. */
function withBuffers(batch: EncodedBatch): EncodedBatch {
	for (const message of batch.messageRows)
		message.raw = Buffer.from(message.raw.buffer, message.raw.byteOffset, message.raw.byteLength);
	return batch;
}

/** The bytes alone in their ArrayBuffer (transferring a shared one would detach its neighbours). */
function ownBuffer(raw: Buffer): Buffer {
	return raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength
		? raw
		: Buffer.from(new Uint8Array(raw).buffer);
}
