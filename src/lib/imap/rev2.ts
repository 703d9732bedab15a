import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

export interface ImapRev2Row extends ImapRow {
	/** What IMAP4rev1 (RFC 3501), which this server speaks, has instead. */
	rev1: string;
	/**
	 * The item of RFC 9051 Appendix E "Changes from RFC 3501 / IMAP4rev1" that says so; none for
	 * what stays the same.
	 */
	item?: number;
}

const change = (key: string, row: Omit<ImapRev2Row, 'key' | 'slug' | 'ref'>): ImapRev2Row => ({
	...imapRowId('rev2', key),
	...row
});

// Where IMAP4rev2 differs, one row per item of RFC 9051 Appendix E this site teaches. This server
// speaks rev1: a server advertising IMAP4rev2 must implement all of RFC 9051.
const E = ref(9051, 'E');
export const imapRev2Table: readonly ImapRev2Row[] = [
	change('extensions-built-in', {
		title: 'IDLE, UNSELECT, ENABLE and more are built in',
		summary:
			'IMAP4rev2 folds in NAMESPACE, UNSELECT, UIDPLUS, ESEARCH, SEARCHRES, ENABLE, IDLE, SASL-IR, LIST-EXTENDED, LIST-STATUS, MOVE and LITERAL-.',
		rev1: 'Each is an extension a rev1 server advertises separately (IDLE, UNSELECT, ENABLE here).',
		item: 2,
		rfc: [E, ref(2177, '3'), ref(3691, '2'), ref(5161, '3.1')]
	}),
	change('esearch', {
		title: 'SEARCH answers with ESEARCH',
		summary: 'In rev2 SEARCH must return an ESEARCH response; the SEARCH response is deprecated.',
		rev1: 'SEARCH answers with an untagged SEARCH line of numbers.',
		item: 4,
		rfc: [E, ref(3501, '7.2.5')]
	}),
	change('status-size', {
		title: 'STATUS SIZE and STATUS DELETED',
		summary: 'rev2 adds STATUS items SIZE (the mailbox’s total size) and DELETED.',
		rev1: 'STATUS has MESSAGES, RECENT, UIDNEXT, UIDVALIDITY and UNSEEN.',
		item: 3,
		rfc: [E, ref(3501, '6.3.10')]
	}),
	change('no-recent', {
		title: 'No more RECENT and \\Recent',
		summary:
			'The RECENT response on SELECT/EXAMINE, the \\Recent flag, STATUS RECENT and SEARCH NEW are deprecated in rev2.',
		rev1: 'SELECT must send * n RECENT, and the first session to see a message gets \\Recent.',
		item: 12,
		rfc: [E, ref(3501, '7.3.2'), ref(3501, '2.3.2')]
	}),
	change('unseen-code', {
		title: 'No more [UNSEEN] on SELECT',
		summary: 'The UNSEEN response code on SELECT/EXAMINE is deprecated in rev2.',
		rev1: 'SELECT sends * OK [UNSEEN n] with the first unseen message.',
		item: 11,
		rfc: [E, ref(3501, '6.3.1')]
	}),
	change('lsub', {
		title: 'LSUB deprecated',
		summary: 'rev2 deprecates LSUB: clients use LIST (SUBSCRIBED).',
		rev1: 'LSUB lists the subscribed mailboxes.',
		detail:
			'RFC 9051 §6.3 lists the authenticated state’s commands without LSUB: ENABLE, SELECT, EXAMINE, NAMESPACE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, STATUS, APPEND and IDLE.',
		item: 19,
		rfc: [E, ref(9051, '6.3'), ref(3501, '6.3.9')]
	}),
	change('no-check', {
		title: 'CHECK removed',
		summary: 'rev2 removes the CHECK command; clients use NOOP.',
		rev1: 'CHECK asks for a checkpoint of the selected mailbox.',
		item: 17,
		rfc: [E, ref(3501, '6.4.1')]
	}),
	change('rfc822-items', {
		title: 'RFC822, RFC822.HEADER, RFC822.TEXT deprecated',
		summary: 'rev2 deprecates these FETCH items in favour of the BODY[] forms.',
		rev1: 'They are the old names of BODY[], BODY.PEEK[HEADER] and BODY[TEXT].',
		item: 18,
		rfc: [E, ref(3501, '6.4.5')]
	}),
	change('select-list-closed', {
		title: 'SELECT sends LIST, and [CLOSED] when switching',
		summary:
			'In rev2 SELECT/EXAMINE must return an untagged LIST response, and a SELECT while a mailbox is selected a [CLOSED] response code.',
		rev1: 'SELECT sends FLAGS, EXISTS, RECENT and the OK codes; no LIST, no CLOSED.',
		item: 10,
		rfc: [E, ref(3501, '6.3.1')]
	}),
	change('utf8', {
		title: 'UTF-8 mailbox names',
		summary:
			'rev2 allows UTF-8 in mailbox names and headers; modified UTF-7 is needed only for compatibility with rev1.',
		rev1: 'Mailbox names outside ASCII are written in modified UTF-7 (&AOk- for é).',
		item: 16,
		rfc: [E, ref(3501, '5.1.3')]
	}),
	change('logindisabled', {
		title: 'LOGINDISABLED unchanged',
		summary:
			'rev2 keeps LOGINDISABLED: unless the connection is on an implicit TLS port or STARTTLS was negotiated, a server must be able to advertise it and refuse LOGIN, and a client must not send LOGIN while it is advertised.',
		rev1: 'The same rule (RFC 3501 §6.2.3); this server follows it before STARTTLS.',
		rfc: [ref(9051, '6.2.3'), ref(3501, '6.2.3')]
	}),
	change('unknown-codes', {
		title: 'Unknown response codes must be ignored',
		summary:
			'rev2 changes the client’s duty to ignore response codes it does not know from SHOULD to MUST.',
		rev1: 'Clients SHOULD ignore response codes they do not recognise.',
		item: 22,
		rfc: [E, ref(3501, '7.1')]
	})
];

export const imapRev2ByKey: ReadonlyMap<string, ImapRev2Row> = new Map(
	imapRev2Table.map((r) => [r.key, r])
);
