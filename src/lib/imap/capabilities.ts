import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

export interface ImapCapabilityRow extends ImapRow {
	name: string;
	/** What the client does with it. */
	clientUse: string;
	/** Commands it announces (reference links). */
	commands: string[];
}

const capability = (
	name: string,
	row: Omit<ImapCapabilityRow, 'name' | 'key' | 'slug' | 'ref'>
): ImapCapabilityRow => ({ ...imapRowId('capabilities', name), name, ...row });

// What this server advertises (the design's decision 2), each from the RFC that defines it.
export const imapCapabilityTable: readonly ImapCapabilityRow[] = [
	capability('IMAP4rev1', {
		title: 'IMAP4rev1 — the protocol revision',
		summary:
			'The server speaks IMAP4rev1 (RFC 3501). Every CAPABILITY list must include it; this server never advertises IMAP4rev2, which would oblige it to implement all of RFC 9051.',
		clientUse: 'Speak RFC 3501.',
		commands: [],
		rfc: [ref(3501, '7.2.1'), ref(3501, '6.1.1')]
	}),
	capability('STARTTLS', {
		title: 'STARTTLS — TLS on this connection is available',
		summary: 'The client may send STARTTLS to encrypt the connection before logging in.',
		clientUse: 'Send STARTTLS before any password, then ask CAPABILITY again.',
		commands: ['STARTTLS'],
		rfc: [ref(3501, '6.2.1'), ref(2595, '3.1')]
	}),
	capability('LOGINDISABLED', {
		title: 'LOGINDISABLED — no LOGIN now',
		summary:
			'LOGIN is refused (tagged NO) even with the right password: here, until STARTTLS has encrypted the connection. A client must not send LOGIN while it is advertised.',
		clientUse: 'Do STARTTLS first; never send a password while this is listed.',
		commands: ['LOGIN'],
		rfc: [ref(3501, '6.2.3'), ref(2595, '3.2')]
	}),
	capability('AUTH=PLAIN', {
		title: 'AUTH=PLAIN — AUTHENTICATE PLAIN is available',
		summary:
			'The server accepts AUTHENTICATE PLAIN: the user name and password in one base64 message. Advertised only under TLS here.',
		clientUse: 'Log in with AUTHENTICATE PLAIN (or LOGIN).',
		commands: ['AUTHENTICATE'],
		rfc: [ref(3501, '6.2.2'), ref(4616, '2')]
	}),
	capability('IDLE', {
		title: 'IDLE — the server can push news',
		summary: 'The client may send IDLE and be told about new messages as they arrive.',
		clientUse: 'IDLE instead of polling with NOOP.',
		commands: ['IDLE'],
		rfc: [ref(2177, '3')]
	}),
	capability('UNSELECT', {
		title: 'UNSELECT — close a mailbox without expunging',
		summary: 'The UNSELECT command is available.',
		clientUse: 'Leave a mailbox without removing the \\Deleted messages.',
		commands: ['UNSELECT'],
		rfc: [ref(3691, '2')]
	}),
	capability('ENABLE', {
		title: 'ENABLE — extensions can be switched on',
		summary: 'The ENABLE command is available.',
		clientUse: 'ENABLE the extensions it understands, before selecting a mailbox.',
		commands: ['ENABLE'],
		rfc: [ref(5161, '3.1')]
	})
];

export const imapCapabilitiesByName: ReadonlyMap<string, ImapCapabilityRow> = new Map(
	imapCapabilityTable.map((r) => [r.name.toUpperCase(), r])
);
