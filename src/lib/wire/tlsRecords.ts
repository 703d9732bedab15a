/**
 * Reads TLS record headers from one direction's byte stream, as a passive observer on the path
 * can: the five bytes before each record are never encrypted.
 *
 * RFC 8446 §5.1 (record layer):
 *   struct {
 *       ContentType type;                       // 1 byte
 *       ProtocolVersion legacy_record_version;  // 2 bytes
 *       uint16 length;                          // 2 bytes
 *       opaque fragment[TLSPlaintext.length];
 *   } TLSPlaintext;
 *
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-5.1
 */

/** The content types of RFC 8446 §5.1, by their number on the wire. */
export const TLS_CONTENT_TYPES = {
	20: 'change_cipher_spec',
	21: 'alert',
	22: 'handshake',
	23: 'application_data'
} as const;

export type TlsContentType = (typeof TLS_CONTENT_TYPES)[keyof typeof TLS_CONTENT_TYPES];

export interface TlsRecordHeader {
	/** The content type's name, or `unknown` for a number RFC 8446 does not define. */
	type: TlsContentType | 'unknown';
	/** The header's type byte as sent. */
	typeByte: number;
	/** Bytes of the fragment after the five-byte header. */
	length: number;
}

const HEADER_BYTES = 5;

/**
 * One direction's reader: give it every chunk in order; it returns the headers of records that
 * start in it. A header may be split across chunks, a record may span many, a chunk may hold many.
 */
export class TlsRecordReader {
	/** Header bytes received so far of a record whose header is not complete. */
	#header: number[] = [];
	/** Fragment bytes of the current record still to come. */
	#skip = 0;

	push(chunk: Uint8Array): TlsRecordHeader[] {
		const records: TlsRecordHeader[] = [];
		let at = 0;
		while (at < chunk.length) {
			if (this.#skip > 0) {
				const skipped = Math.min(this.#skip, chunk.length - at);
				this.#skip -= skipped;
				at += skipped;
				continue;
			}
			this.#header.push(chunk[at++]);
			if (this.#header.length < HEADER_BYTES) continue;
			const [typeByte, , , high, low] = this.#header;
			this.#header = [];
			const length = (high << 8) | low;
			const type = TLS_CONTENT_TYPES[typeByte as keyof typeof TLS_CONTENT_TYPES] ?? 'unknown';
			records.push({ type, typeByte, length });
			this.#skip = length;
		}
		return records;
	}
}
