/**
 * The replies to a pipelined group (RFC 2920 §3.1) leave the sandbox in one write
 * (coalesceReplies, server/sandbox/smtpServerPatches.ts), counted on the server's side of a real
 * socket: every write the accepted socket hands to the kernel (its _write and _writev, one call
 * each) is recorded. A 220 (the greeting, the go-ahead to STARTTLS) and the 221 are not held for
 * the rest of the library's work: their bytes are written within the call that sends them.
 */
import type { Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { LibraryConnection } from '../../server/sandbox/smtpServerPatches';
import { ehlo, open, startQuickLab, startTls } from './smtpSession';

let lab: Lab | null = null;
afterEach(async () => {
	await lab?.close();
	lab = null;
});

interface Wire {
	/** What each write to the kernel carried. */
	writes: string[];
	/** Each reply the connection sent, and whether bytes were written before its send returned. */
	replies: { code: number; atOnce: boolean }[];
}

/** From here on, the writes and replies of every connection the lab accepts, by session id. */
function watchWires(lab: Lab): Map<string, Wire> {
	const wires = new Map<string, Wire>();
	const sessions = lab.sandbox.sessions;
	const openSession = sessions.open.bind(sessions);
	sessions.open = (socket, opening) => {
		const id = openSession(socket, opening);
		const wire: Wire = { writes: [], replies: [] };
		wires.set(id, wire);
		recordWrites(socket, wire);
		// The listener hands the socket to smtp-server right after this, in the same turn, and the
		// sandbox adopts the connection there; the greeting waits for the library's timer.
		queueMicrotask(() => recordReplies(sessions.get(id)!.connection as LibraryConnection, wire));
		return id;
	};
	return wires;
}

function recordWrites(socket: Socket, wire: Wire): void {
	const text = (chunk: unknown) =>
		Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
	const write = socket._write.bind(socket);
	socket._write = (chunk, encoding, callback) => {
		wire.writes.push(text(chunk));
		write(chunk, encoding, callback);
	};
	const writev = socket._writev!.bind(socket);
	socket._writev = (chunks, callback) => {
		wire.writes.push(chunks.map(({ chunk }) => text(chunk)).join(''));
		writev(chunks, callback);
	};
}

/** Wraps the connection's send as the sandbox left it (coalescing included). */
function recordReplies(connection: LibraryConnection, wire: Wire): void {
	const send = connection.send.bind(connection);
	connection.send = (code, data, context) => {
		const before = wire.writes.length;
		send(code, data, context);
		wire.replies.push({ code, atOnce: wire.writes.length > before });
	};
}

it('a pipelined MAIL, RCPT and DATA get their three replies in one write; the greeting and 221 leave at once', async () => {
	lab = await startQuickLab();
	const wires = watchWires(lab);
	const { c, id, greeting } = await open(lab, 'mx');
	const wire = wires.get(id)!;
	expect(greeting[0]).toMatch(/^220 /);
	expect(wire.replies).toEqual([{ code: 220, atOnce: true }]);
	await ehlo(c);

	const before = wire.writes.length;
	// RFC 2920 §3.1: one group, DATA last; the client sends it in one write.
	c.send('MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n');
	const replies = [await c.reply(), await c.reply(), await c.reply()];
	expect(replies.map((lines) => lines[0].slice(0, 4))).toEqual(['250 ', '250 ', '354 ']);
	expect(wire.writes.slice(before)).toEqual([
		replies
			.flat()
			.map((line) => `${line}\r\n`)
			.join('')
	]);

	c.send('Subject: one write\r\n\r\nHello.\r\n.\r\n');
	expect((await c.reply())[0]).toMatch(/^250 /);
	expect(await c.command('QUIT')).toMatch(/^221 /);
	expect(wire.replies.at(-1)).toEqual({ code: 221, atOnce: true });
});

it('the go-ahead to STARTTLS (220) leaves at once, before the socket is handed to TLS', async () => {
	lab = await startQuickLab();
	const wires = watchWires(lab);
	const { c, id } = await open(lab, 'mx');
	await ehlo(c);
	await startTls(c);
	expect(wires.get(id)!.replies.at(-1)).toEqual({ code: 220, atOnce: true });
	expect(await c.command('NOOP')).toMatch(/^250 /);
});
