/*
 * A part's transfer encoding as the mailbox shows it: the Content-Transfer-Encoding its header
 * declares (7bit when there is none, RFC 2045 §6.1) checked against the bytes of its body.
 * The teaching text is the table below; the views look rows up by key.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

export type TransferFindingKey =
	'default-7bit' | 'eight-bit-in-7bit' | 'eight-bit-in-encoded' | 'declared-8bit-ascii';

export interface TransferFindingRow {
	key: TransferFindingKey;
	title: string;
	summary: string;
	/** A violation of the RFC (shown as a warning), not just a fact worth knowing. */
	violation: boolean;
	rfc: RfcRef[];
}

export const transferFindingTable: readonly TransferFindingRow[] = [
	{
		key: 'default-7bit', // no Content-Transfer-Encoding field
		title: '7bit, by default',
		summary:
			'No Content-Transfer-Encoding field, so the part is 7bit: lines of ASCII, every byte 127 or below.',
		violation: false,
		rfc: [ref(2045, '6.1'), ref(2045, '2.7')]
	},
	{
		key: 'eight-bit-in-7bit', // 7bit, declared or by default, with a byte above 127
		title: '8-bit bytes in a 7bit part',
		summary:
			'This part is 7bit, yet its body has bytes above 127. Unencoded 8-bit data must be labelled 8bit (and sent with BODY=8BITMIME to a server that offers it) or encoded as quoted-printable or base64.',
		violation: true,
		rfc: [ref(2045, '6.2'), ref(2045, '2.7'), ref(6152, '3')]
	},
	{
		key: 'eight-bit-in-encoded', // quoted-printable or base64 with a byte above 127
		title: '8-bit bytes in an encoded part',
		summary:
			'Quoted-printable and base64 produce 7bit data only, yet this body has bytes above 127: it was damaged or mislabelled.',
		violation: true,
		rfc: [ref(2045, '6.2')]
	},
	{
		key: 'declared-8bit-ascii', // 8bit declared, every byte 127 or below
		title: 'Declared 8bit, all ASCII',
		summary:
			'Labelled 8bit, but every byte of this body is 127 or below: allowed (8bit data may use bytes above 127, it need not), and 7bit would have said the same.',
		violation: false,
		rfc: [ref(2045, '2.8')]
	}
];

const findingsByKey = new Map(transferFindingTable.map((row) => [row.key, row]));

export interface PartTransfer {
	/** The encoding in force, lower case: the declared one, or "7bit" when none is declared. */
	name: string;
	/** The header declared it (false: RFC 2045's default applies). */
	declared: boolean;
	/** The body has at least one byte above 127. */
	eightBit: boolean;
	finding: TransferFindingRow | null;
}

// A "binary" string has one char per byte; any char above U+007F is a byte above 127 (the
// browser's 'latin1' decoder is windows-1252, which maps 0x80–0x9F above U+007F too).
const ABOVE_127 = /[\u0080-\uffff]/;

/**
 * `declared`: the Content-Transfer-Encoding field's value as written (null when absent);
 * `body`: the part's body as it travelled, one char per byte.
 */
export function partTransfer(declared: string | null, body: string): PartTransfer {
	// The value is a token, case-insensitive, and may carry an RFC 822 comment (RFC 2045 §6.1).
	const value = declared
		?.replace(/\([^)]*\)/g, '')
		.trim()
		.toLowerCase();
	const name = value || '7bit';
	const eightBit = ABOVE_127.test(body);
	const key: TransferFindingKey | null =
		eightBit && name === '7bit'
			? 'eight-bit-in-7bit'
			: eightBit && (name === 'quoted-printable' || name === 'base64')
				? 'eight-bit-in-encoded'
				: !eightBit && name === '8bit'
					? 'declared-8bit-ascii'
					: !value
						? 'default-7bit'
						: null;
	return { name, declared: Boolean(value), eightBit, finding: key && findingsByKey.get(key)! };
}
