/* The clauses of a Received field (RFC 5321 §4.4 "Stamp"), one row each. */
import type { RfcRef } from '../../messages';
import { ref } from '../rfc';

export interface ReceivedClauseRow {
	name: 'from' | 'by' | 'via' | 'with' | 'id' | 'for' | 'date';
	summary: string;
	rfc: RfcRef[];
}

const STAMP = ref(5321, '4.4');

export const receivedClauseTable: readonly ReceivedClauseRow[] = [
	{
		name: 'from',
		summary:
			'The client: the name it gave in EHLO/HELO, and in parentheses the address the server actually saw.',
		rfc: [STAMP]
	},
	{
		name: 'by',
		summary: 'The server that received the message and wrote this field.',
		rfc: [STAMP]
	},
	{ name: 'via', summary: 'The link used, when it was not TCP.', rfc: [STAMP] },
	{
		name: 'with',
		summary:
			'The protocol: SMTP, ESMTP (with EHLO); an S adds TLS and an A adds AUTH (ESMTPS, ESMTPSA).',
		rfc: [STAMP, ref(3848, '1')]
	},
	{ name: 'id', summary: 'The server’s own id for the message, as in its logs.', rfc: [STAMP] },
	{
		name: 'for',
		summary: 'The envelope recipient (RCPT TO) this copy was for — written when there is one.',
		rfc: [STAMP]
	},
	{
		name: 'date',
		summary: 'When this server received the message.',
		rfc: [STAMP, ref(5322, '3.3')]
	}
];

export const receivedClausesByName: ReadonlyMap<string, ReceivedClauseRow> = new Map(
	receivedClauseTable.map((r) => [r.name, r])
);
