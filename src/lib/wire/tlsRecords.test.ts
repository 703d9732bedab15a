import { describe, expect, it } from 'vitest';
import { TlsRecordReader } from './tlsRecords';

/** A record as it goes on the wire: type, legacy_record_version 0x0303, length, fragment. */
function record(typeByte: number, length: number): Uint8Array {
	const bytes = new Uint8Array(5 + length).fill(0xab);
	bytes.set([typeByte, 0x03, 0x03, length >> 8, length & 0xff]);
	return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
	const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let at = 0;
	for (const part of parts) {
		all.set(part, at);
		at += part.length;
	}
	return all;
}

describe('TlsRecordReader (RFC 8446 §5.1)', () => {
	it('reads one record per chunk', () => {
		const reader = new TlsRecordReader();
		expect(reader.push(record(22, 512))).toEqual([
			{ type: 'handshake', typeByte: 22, length: 512 }
		]);
	});

	it('reads several records in one chunk', () => {
		const reader = new TlsRecordReader();
		const chunk = concat(record(22, 90), record(20, 1), record(23, 1200), record(21, 2));
		expect(reader.push(chunk)).toEqual([
			{ type: 'handshake', typeByte: 22, length: 90 },
			{ type: 'change_cipher_spec', typeByte: 20, length: 1 },
			{ type: 'application_data', typeByte: 23, length: 1200 },
			{ type: 'alert', typeByte: 21, length: 2 }
		]);
	});

	it('reads a record whose fragment spans several chunks, and the one after it', () => {
		const reader = new TlsRecordReader();
		const bytes = concat(record(23, 3000), record(23, 40));
		expect(reader.push(bytes.subarray(0, 100))).toEqual([
			{ type: 'application_data', typeByte: 23, length: 3000 }
		]);
		expect(reader.push(bytes.subarray(100, 2000))).toEqual([]);
		expect(reader.push(bytes.subarray(2000))).toEqual([
			{ type: 'application_data', typeByte: 23, length: 40 }
		]);
	});

	it('reads a header split across chunks, one byte at a time', () => {
		const reader = new TlsRecordReader();
		const bytes = concat(record(22, 0x0123), record(23, 17));
		const found = [];
		for (let at = 0; at < bytes.length; at++)
			found.push(...reader.push(bytes.subarray(at, at + 1)));
		expect(found).toEqual([
			{ type: 'handshake', typeByte: 22, length: 0x0123 },
			{ type: 'application_data', typeByte: 23, length: 17 }
		]);
	});

	it('names a type RFC 8446 does not define unknown, with its byte, and reads on', () => {
		const reader = new TlsRecordReader();
		expect(reader.push(concat(record(24, 3), record(23, 5)))).toEqual([
			{ type: 'unknown', typeByte: 24, length: 3 },
			{ type: 'application_data', typeByte: 23, length: 5 }
		]);
	});

	it('reads the largest length the header can carry', () => {
		const reader = new TlsRecordReader();
		expect(reader.push(record(23, 0xffff).subarray(0, 5))).toEqual([
			{ type: 'application_data', typeByte: 23, length: 0xffff }
		]);
	});
});
