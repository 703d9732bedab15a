import type { RfcRef } from './messages';
import type { Protocol } from './listeners';
import type { ProtocolReferenceEntry } from './protocolReference';
import {
	findImapReferenceEntry,
	imapReferenceEntries,
	imapReferenceKindTable
} from './imap/referenceIndex';
import {
	findPop3ReferenceEntry,
	pop3ReferenceEntries,
	pop3ReferenceKindTable
} from './pop3/referenceIndex';

/**
 * The reference pages of the protocols other than SMTP (whose pages are /reference/<section>/…):
 * `/reference/<protocol>` lists a protocol's entries by kind, `/reference/<protocol>/<kind>/<slug>`
 * is one entry, and an entry's `ref` (its Annotation.ref) is that path after /reference/. One row
 * per protocol: IMAP (issue 19) adds a row and its tables, no route.
 */

export type { ProtocolReferenceEntry };

export interface ProtocolReferenceRow {
	protocol: Exclude<Protocol, 'smtp'>;
	label: string;
	/** One sentence for the index page's lead. */
	lead: string;
	kinds: readonly { id: string; title: string; summary: string; rfc: RfcRef[] }[];
	entries: () => readonly ProtocolReferenceEntry[];
	find: (kind: string, slug: string) => ProtocolReferenceEntry | undefined;
}

export const referenceProtocolTable: readonly ProtocolReferenceRow[] = [
	{
		protocol: 'pop3',
		label: 'POP3',
		lead: 'How a mail program reads a mailbox with POP3 (RFC 1939 and its extensions): every command, response, response code, CAPA capability and state the lab explains beside a POP3 session, with the RFC section it comes from.',
		kinds: pop3ReferenceKindTable,
		entries: pop3ReferenceEntries,
		find: findPop3ReferenceEntry
	},
	{
		protocol: 'imap',
		label: 'IMAP',
		lead: 'How a mail program works with mailboxes on the server with IMAP (RFC 3501, IMAP4rev1, with IDLE, UNSELECT and ENABLE): every command, status response, response code, untagged response, FETCH item, flag, capability and state the lab explains beside an IMAP session, with the RFC section it comes from, and where IMAP4rev2 (RFC 9051) differs.',
		kinds: imapReferenceKindTable,
		entries: imapReferenceEntries,
		find: findImapReferenceEntry
	}
];

export function referenceProtocol(protocol: string): ProtocolReferenceRow | undefined {
	return referenceProtocolTable.find((row) => row.protocol === protocol);
}
