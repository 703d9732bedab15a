import { ref } from '../smtp/rfc';
import { pop3RowId, type Pop3Row } from './reference';

export interface Pop3ResponseCodeRow extends Pop3Row {
	/** The code as written in brackets, upper case ("SYS/TEMP"). */
	code: string;
	/** What a client should do about it. */
	clientAction: string;
}

const code = (
	key: string,
	row: Omit<Pop3ResponseCodeRow, 'code' | 'key' | 'slug' | 'ref'>
): Pop3ResponseCodeRow => ({ ...pop3RowId('codes', key), code: key, ...row });

// RFC 2449 §8 defines the bracketed code after +OK/-ERR; §8.1 and RFC 3206 the initial codes.
export const pop3ResponseCodeTable: readonly Pop3ResponseCodeRow[] = [
	code('IN-USE', {
		title: '[IN-USE] — the maildrop is locked',
		summary:
			'The credentials were right, but another session holds this maildrop’s lock (probably another POP3 client still connected).',
		clientAction: 'Do not ask for a new password: try again once the other session has ended.',
		detail:
			'A POP3 server locks the maildrop for the whole TRANSACTION state so that message numbers and deletions of one session are not upset by another.',
		rfc: [ref(2449, '8.1.2'), ref(1939, '8')]
	}),
	code('LOGIN-DELAY', {
		title: '[LOGIN-DELAY] — logged in too recently',
		summary:
			'The user logged in recently and may not log in again until the delay the server announces in CAPA (LOGIN-DELAY) has passed.',
		clientAction: 'Wait, and check for mail less often.',
		rfc: [ref(2449, '8.1.1'), ref(2449, '6.5')]
	}),
	code('SYS', {
		title: '[SYS] — a problem on the server’s side',
		summary:
			'The failure is the server’s, not the user’s credentials. The next level says whether it is temporary (SYS/TEMP) or permanent (SYS/PERM).',
		clientAction: 'Do not ask for a new password.',
		rfc: [ref(3206, '4')]
	}),
	code('SYS/TEMP', {
		title: '[SYS/TEMP] — a temporary server problem',
		summary:
			'The server cannot serve the request right now (for example a resource is unavailable, or a limit is reached); the same request later may work.',
		clientAction: 'Try again later; do not ask for a new password.',
		rfc: [ref(3206, '4')]
	}),
	code('SYS/PERM', {
		title: '[SYS/PERM] — a permanent server problem',
		summary:
			'The server will not serve this and trying again will not help: a problem the user should take to the server’s operators.',
		clientAction: 'Tell the user (the text says what is wrong); do not retry in a loop.',
		rfc: [ref(3206, '4')]
	}),
	code('AUTH', {
		title: '[AUTH] — the credentials are the problem',
		summary:
			'The failure is about authentication: wrong user name or password, or a way of logging in that is not allowed here (for example a password before TLS).',
		clientAction: 'Ask the user for credentials again, or use another way (TLS first).',
		rfc: [ref(3206, '5')]
	})
];

export const pop3ResponseCodesByCode: ReadonlyMap<string, Pop3ResponseCodeRow> = new Map(
	pop3ResponseCodeTable.map((r) => [r.code, r])
);

/**
 * The row for a code: the code itself, else its most specific known level ("SYS/TEMP/DISK" →
 * SYS/TEMP). Clients must ignore unknown hierarchical detail (RFC 2449 §8).
 */
export function findResponseCode(code: string): Pop3ResponseCodeRow | undefined {
	const levels = code.toUpperCase().split('/');
	for (let n = levels.length; n > 0; n--) {
		const row = pop3ResponseCodesByCode.get(levels.slice(0, n).join('/'));
		if (row) return row;
	}
	return undefined;
}
