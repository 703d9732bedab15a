import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

export interface TransferEncodingRow extends ReferenceRow {
	/** The Content-Transfer-Encoding value, lower case. */
	name: string;
	/** Worst-case size of the encoded form relative to the original, before line breaks. */
	maxGrowth: number;
}

export const transferEncodingTable: readonly TransferEncodingRow[] = [
	{
		...rowId('headers', 'cte-7bit'),
		name: '7bit',
		title: '7bit',
		summary: 'Plain ASCII text in lines of at most 998 octets: no encoding at all.',
		maxGrowth: 1,
		rfc: [ref(2045, '6.2')]
	},
	{
		...rowId('headers', 'cte-8bit'),
		name: '8bit',
		title: '8bit',
		summary: 'Text with bytes above 127, still in short lines; needs a server with 8BITMIME.',
		maxGrowth: 1,
		rfc: [ref(2045, '6.2'), ref(6152, '2')]
	},
	{
		...rowId('headers', 'cte-binary'),
		name: 'binary',
		title: 'binary',
		summary: 'Any bytes, no line structure; only with BINARYMIME and BDAT.',
		maxGrowth: 1,
		rfc: [ref(2045, '6.2'), ref(3030, '3')]
	},
	{
		...rowId('headers', 'cte-quoted-printable'),
		name: 'quoted-printable',
		title: 'quoted-printable',
		summary:
			'Mostly-ASCII text stays readable; every other byte becomes "=XX" — up to 3 octets per byte — and lines are broken at 76 characters with a soft "=" line break.',
		maxGrowth: 3,
		rfc: [ref(2045, '6.7')]
	},
	{
		...rowId('headers', 'cte-base64'),
		name: 'base64',
		title: 'base64',
		summary:
			'Every 3 bytes become 4 ASCII characters (4/3, about 1.33×), and a CRLF after every 76 characters brings it to about 1.37×. This is how attachments and images travel over a text protocol.',
		maxGrowth: 4 / 3,
		rfc: [ref(2045, '6.8')]
	}
];

export const transferEncodingsByName: ReadonlyMap<string, TransferEncodingRow> = indexBy(
	transferEncodingTable,
	(r) => r.name
);

/** Size of `bytes` octets once base64-encoded with CRLF after every 76 characters (RFC 2045 §6.8). */
export function base64EncodedSize(bytes: number): number {
	const chars = Math.ceil(bytes / 3) * 4;
	return chars + Math.ceil(chars / 76) * 2;
}
