/**
 * The tap on a session's wire, where the sandbox owns the socket (listeners.ts, the mail hosts):
 * what a passive observer between client and server could count. Plaintext reads and writes
 * before TLS, then one entry per TLS record header (src/lib/wire/tlsRecords.ts). Content is never
 * kept, only sizes, types and times. In memory only, for the newest WIRE_TAPS_KEPT sessions.
 * Bytes the server reads are the client's, bytes it writes are the server's.
 */
import { Duplex } from 'node:stream';
import type net from 'node:net';
import { TlsRecordReader } from '../../src/lib/wire/tlsRecords';
import type { WireRecord } from '../../src/lib/wire/wireRecords';

export class WireTap {
	readonly records: WireRecord[] = [];
	/** Records that passed once MAX_WIRE_RECORDS_PER_SESSION were kept. */
	dropped = 0;
	#readers = { client: new TlsRecordReader(), server: new TlsRecordReader() };
	/** TLS runs over the carrier: the socket's bytes are ciphertext from now on. */
	#encrypted = false;

	constructor(
		/** MAX_WIRE_RECORDS_PER_SESSION */
		readonly limit: number
	) {}

	plaintext(dir: WireRecord['dir'], bytes: number): void {
		this.#add({ at: Date.now(), dir, bytes, kind: 'plaintext' });
	}

	/** Ciphertext bytes as they pass: each record header that starts in them becomes an entry. */
	ciphertext(dir: WireRecord['dir'], chunk: Uint8Array): void {
		const at = Date.now();
		for (const header of this.#readers[dir].push(chunk))
			this.#add({ at, dir, bytes: header.length, kind: 'tls', tlsType: header.type });
	}

	#add(record: WireRecord): void {
		if (this.records.length < this.limit) this.records.push(record);
		else this.dropped++;
	}

	/**
	 * Counts the accepted socket's plaintext: each read, and each write as it leaves (corked
	 * replies leave in one, as one segment on the wire), until TLS starts over the carrier.
	 * The library's STARTTLS removes the read listener with all the others.
	 */
	countPlaintext(socket: net.Socket): void {
		socket.on('data', (chunk: Buffer) => this.plaintext('client', chunk.length));
		const write = socket._write.bind(socket);
		// net.Socket does not decode strings: a chunk may be a string in its encoding.
		const size = (chunk: Buffer | string, encoding: BufferEncoding) =>
			typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
		socket._write = (chunk: Buffer | string, encoding, done) => {
			if (!this.#encrypted) this.plaintext('server', size(chunk, encoding));
			write(chunk, encoding, done);
		};
		const writev = socket._writev?.bind(socket);
		if (writev)
			socket._writev = (chunks, done) => {
				if (!this.#encrypted)
					this.plaintext(
						'server',
						chunks.reduce(
							(sum, { chunk, encoding }) => sum + size(chunk as Buffer | string, encoding),
							0
						)
					);
				writev(chunks, done);
			};
	}

	/**
	 * A stream for the server's TLSSocket to run over in place of `socket` itself, so every
	 * ciphertext byte passes through here both ways. Node then drives TLS through JS streams
	 * rather than on the socket's handle (bench/tlsTap.ts measures the cost). Ending and
	 * destroying either side ends or destroys the other, so destroying the accepted socket
	 * (shutdown) still closes the TLS session.
	 */
	carrier(socket: net.Socket): Duplex {
		this.#encrypted = true;
		const carrier = new Duplex({
			read: () => {
				socket.resume();
			},
			write: (chunk: Buffer, _encoding, done) => {
				this.ciphertext('server', chunk);
				socket.write(chunk, done);
			},
			final: (done) => {
				socket.end();
				done();
			},
			destroy: (error, done) => {
				socket.destroy();
				done(error);
			}
		});
		socket.on('data', (chunk: Buffer) => {
			this.ciphertext('client', chunk);
			if (!carrier.push(chunk)) socket.pause();
		});
		socket.once('end', () => carrier.push(null));
		socket.once('close', () => carrier.destroy());
		socket.on('error', (error) => carrier.destroy(error));
		return carrier;
	}
}
