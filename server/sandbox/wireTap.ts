/**
 * The tap on a browser session's wire: what a passive observer between the bridge and the sandbox
 * could count. Plaintext reads and writes before TLS, then one entry per TLS record header
 * (src/lib/wire/tlsRecords.ts). Content is never kept, only sizes, types and times. In memory only.
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
	 * A stream for tls.connect to run TLS over in place of `socket` itself, so every ciphertext
	 * byte passes through here both ways. Node then drives TLS through JS streams: a little
	 * slower than on the socket's handle, which a learner's session never notices.
	 */
	tlsCarrier(socket: net.Socket): Duplex {
		const carrier = new Duplex({
			read: () => {
				socket.resume();
			},
			write: (chunk: Buffer, _encoding, done) => {
				this.ciphertext('client', chunk);
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
			this.ciphertext('server', chunk);
			if (!carrier.push(chunk)) socket.pause();
		});
		socket.once('end', () => carrier.push(null));
		socket.once('close', () => carrier.destroy());
		socket.on('error', (error) => carrier.destroy(error));
		return carrier;
	}
}
