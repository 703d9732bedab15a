import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

/** What a server line can be besides untagged data (untaggedData.ts explains those). */
export type ImapResponseKey =
	| 'OK'
	| 'NO'
	| 'BAD'
	| 'PREAUTH'
	| 'BYE'
	| 'greeting'
	| 'continuation'
	| 'literal'
	| 'not-a-response';

export interface ImapResponseRow extends ImapRow {
	/** What it looks like on the wire. */
	wire: string;
	/** What it means tagged (the command's completion) and untagged; absent where it cannot be. */
	tagged?: string;
	untagged?: string;
}

const response = (
	key: ImapResponseKey,
	row: Omit<ImapResponseRow, 'key' | 'slug' | 'ref'>
): ImapResponseRow => ({ ...imapRowId('responses', key), ...row });

// RFC 3501 §7.1: OK, NO and BAD can be tagged or untagged; PREAUTH and BYE are always untagged.
export const imapResponseTable: readonly ImapResponseRow[] = [
	response('OK', {
		wire: 'tag OK [code] text · * OK [code] text',
		title: 'OK — success, or information',
		summary:
			'Tagged, OK completes the command with that tag successfully. Untagged, it is information: the greeting, or a response code the client should note ([UIDVALIDITY …], [UNSEEN …]).',
		tagged: 'The command with this tag succeeded.',
		untagged: 'Information only; the bracketed code, if any, is what matters.',
		rfc: [ref(3501, '7.1.1')]
	}),
	response('NO', {
		wire: 'tag NO [code] text',
		title: 'NO — the command failed',
		summary:
			'Tagged, NO says the command with that tag was understood but failed (no such mailbox, wrong password …). Untagged, it is a warning; the command can still succeed.',
		tagged: 'The command failed; the text (and code) say why.',
		untagged: 'A warning from the server.',
		rfc: [ref(3501, '7.1.2')]
	}),
	response('BAD', {
		wire: 'tag BAD text',
		title: 'BAD — a protocol error',
		summary:
			'Tagged, BAD says the command was not understood: unknown, badly formed, or not allowed in this state. Untagged (* BAD), the server could not even tell which command was wrong.',
		tagged: 'The command was malformed or not allowed now.',
		untagged: 'A protocol error the server cannot pin on a tag.',
		rfc: [ref(3501, '7.1.3')]
	}),
	response('PREAUTH', {
		wire: '* PREAUTH [code] text',
		title: 'PREAUTH — already logged in',
		summary:
			'A greeting that says the connection is already authenticated (by some outside means): the session starts in the authenticated state, with no LOGIN.',
		untagged: 'Only ever a greeting.',
		rfc: [ref(3501, '7.1.4')]
	}),
	response('BYE', {
		wire: '* BYE text',
		title: 'BYE — the server is closing the connection',
		summary:
			'The server is about to close the connection: as part of LOGOUT, because it is shutting down, because the client was idle too long (autologout), or as a greeting that refuses the session.',
		untagged: 'Always untagged; the session is in the logout state.',
		rfc: [ref(3501, '7.1.5'), ref(3501, '3.4')]
	}),
	response('greeting', {
		wire: '* OK [CAPABILITY …] text',
		title: 'Greeting',
		summary:
			'The server speaks first, with an untagged OK (log in next), PREAUTH (already logged in) or BYE (go away). A [CAPABILITY …] code in it saves the client a CAPABILITY command.',
		rfc: [ref(3501, '7.1'), ref(3501, '3')]
	}),
	response('continuation', {
		wire: '+ text',
		title: '+ — go on',
		summary:
			'A command continuation request: the server is ready for more of the command. After a literal announcement {n}, it wants the n octets; during AUTHENTICATE, it carries a base64 challenge; after IDLE, it says the server is idling.',
		rfc: [ref(3501, '7.5')]
	}),
	response('literal', {
		wire: '{octets}CRLF then exactly that many octets',
		title: 'Literal — counted bytes',
		summary:
			'A string sent as a count in braces at the end of a line, then exactly that many octets, which may hold anything (line breaks included): how message content crosses in FETCH and APPEND.',
		detail:
			'From the client a literal waits for the server’s "+" before its octets follow (a synchronizing literal); from the server the octets follow at once.',
		rfc: [ref(3501, '4.3'), ref(3501, '7.5')]
	}),
	response('not-a-response', {
		wire: '',
		title: 'Not an IMAP response',
		summary:
			'Every server line starts with "*" (untagged), "+" (continuation) or a command’s tag: this one does not.',
		rfc: [ref(3501, '2.2.2')]
	})
];

export const imapResponsesByKey: ReadonlyMap<string, ImapResponseRow> = new Map(
	imapResponseTable.map((r) => [r.key, r])
);
