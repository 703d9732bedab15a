import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

export interface ImapFetchItemRow extends ImapRow {
	/** The item as named in a FETCH command ("BODY[<section>]<<partial>>"). */
	item: string;
	/** Reading it sets \Seen (content items without .PEEK, RFC 3501 §6.4.5). */
	setsSeen?: boolean;
}

const item = (
	key: string,
	row: Omit<ImapFetchItemRow, 'key' | 'slug' | 'ref'>
): ImapFetchItemRow => ({ ...imapRowId('fetch', key), ...row });

// RFC 3501 §6.4.5 names the items a FETCH asks for; §7.4.2 what comes back.
export const imapFetchItemTable: readonly ImapFetchItemRow[] = [
	item('FLAGS', {
		item: 'FLAGS',
		title: 'FLAGS — the message’s flags',
		summary: 'The flags set on the message: \\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft …',
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('UID', {
		item: 'UID',
		title: 'UID — the message’s unique identifier',
		summary:
			'The message’s UID, which stays the same as long as the mailbox’s UIDVALIDITY does, whatever is expunged around it.',
		rfc: [ref(3501, '6.4.5'), ref(3501, '2.3.1.1')]
	}),
	item('INTERNALDATE', {
		item: 'INTERNALDATE',
		title: 'INTERNALDATE — when the server got it',
		summary:
			'The date and time the server received the message (or the date APPEND gave), not the Date: header.',
		rfc: [ref(3501, '6.4.5'), ref(3501, '2.3.3')]
	}),
	item('RFC822.SIZE', {
		item: 'RFC822.SIZE',
		title: 'RFC822.SIZE — the size in octets',
		summary: 'The message’s exact size in octets, lines ending in CRLF.',
		rfc: [ref(3501, '6.4.5'), ref(3501, '2.3.4')]
	}),
	item('ENVELOPE', {
		item: 'ENVELOPE',
		title: 'ENVELOPE — the main header fields, parsed',
		summary:
			'Date, Subject, From, Sender, Reply-To, To, Cc, Bcc, In-Reply-To and Message-ID, parsed by the server: what a mail program needs to list the message. NIL where a field is missing.',
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('BODYSTRUCTURE', {
		item: 'BODYSTRUCTURE',
		title: 'BODYSTRUCTURE — the MIME structure',
		summary:
			'The message’s MIME parts, each with its type, parameters, encoding, size and line count, with extension data: how a client learns which part to fetch.',
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('BODY', {
		item: 'BODY',
		title: 'BODY — the MIME structure, without extensions',
		summary: 'BODYSTRUCTURE without its extension data.',
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('BODY[section]', {
		item: 'BODY[<section>]<<partial>>',
		title: 'BODY[section] — content',
		summary:
			'Content of the message: [] the whole of it, [HEADER], [TEXT], [1.2] a MIME part, [HEADER.FIELDS (From To)] some fields; <0.1024> only that range of octets. Sets \\Seen.',
		setsSeen: true,
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('BODY.PEEK[section]', {
		item: 'BODY.PEEK[<section>]<<partial>>',
		title: 'BODY.PEEK[section] — content, without marking it read',
		summary:
			'The same content as BODY[…], without setting \\Seen: what a client uses to preview or cache. The answer is named BODY[…].',
		rfc: [ref(3501, '6.4.5')]
	}),
	item('RFC822', {
		item: 'RFC822',
		title: 'RFC822 — the whole message (old form)',
		summary: 'The same as BODY[]; sets \\Seen.',
		setsSeen: true,
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('RFC822.HEADER', {
		item: 'RFC822.HEADER',
		title: 'RFC822.HEADER — the header (old form)',
		summary: 'The same as BODY.PEEK[HEADER].',
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('RFC822.TEXT', {
		item: 'RFC822.TEXT',
		title: 'RFC822.TEXT — the body (old form)',
		summary: 'The same as BODY[TEXT]; sets \\Seen.',
		setsSeen: true,
		rfc: [ref(3501, '6.4.5'), ref(3501, '7.4.2')]
	}),
	item('ALL', {
		item: 'ALL',
		title: 'ALL — a shorthand',
		summary: 'The same as (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE).',
		rfc: [ref(3501, '6.4.5')]
	}),
	item('FAST', {
		item: 'FAST',
		title: 'FAST — a shorthand',
		summary: 'The same as (FLAGS INTERNALDATE RFC822.SIZE).',
		rfc: [ref(3501, '6.4.5')]
	}),
	item('FULL', {
		item: 'FULL',
		title: 'FULL — a shorthand',
		summary: 'The same as (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY).',
		rfc: [ref(3501, '6.4.5')]
	})
];

export const imapFetchItemsByKey: ReadonlyMap<string, ImapFetchItemRow> = new Map(
	imapFetchItemTable.map((r) => [r.key, r])
);

export interface ImapFlagRow extends ImapRow {
	flag: string;
}

const flag = (name: string, row: Omit<ImapFlagRow, 'flag' | 'key' | 'slug' | 'ref'>) => ({
	...imapRowId('flags', name),
	flag: `\\${name}`,
	...row
});

// RFC 3501 §2.3.2: the system flags.
export const imapFlagTable: readonly ImapFlagRow[] = [
	flag('Seen', {
		title: '\\Seen — read',
		summary: 'The message has been read. Fetching its content (not with .PEEK) sets it.',
		rfc: [ref(3501, '2.3.2')]
	}),
	flag('Answered', {
		title: '\\Answered — replied to',
		summary: 'The message has been answered.',
		rfc: [ref(3501, '2.3.2')]
	}),
	flag('Flagged', {
		title: '\\Flagged — marked important',
		summary: 'The message is flagged for urgent or special attention (a star in many programs).',
		rfc: [ref(3501, '2.3.2')]
	}),
	flag('Deleted', {
		title: '\\Deleted — marked for removal',
		summary:
			'The message is marked for deletion; EXPUNGE or CLOSE removes it. Until then, -FLAGS \\Deleted takes the mark away.',
		rfc: [ref(3501, '2.3.2')]
	}),
	flag('Draft', {
		title: '\\Draft — a draft',
		summary: 'The message is not finished: a draft.',
		rfc: [ref(3501, '2.3.2')]
	}),
	flag('Recent', {
		title: '\\Recent — new in this session',
		summary:
			'The message arrived since the last session that selected the mailbox; only the first session to see it gets \\Recent. The server sets it; a client cannot.',
		rfc: [ref(3501, '2.3.2')]
	})
];

export const imapFlagsByName: ReadonlyMap<string, ImapFlagRow> = new Map(
	imapFlagTable.map((r) => [r.flag.toUpperCase(), r])
);
