/*
 * FETCH responses built from the items asked (RFC 3501 §6.4.5, §7.4.2, §6.4.8) and SEARCH's
 * keys (§6.4.4) over one hand-made message; expected values written by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseCommand, type FetchItem, type SearchKey } from '../protocol/commandParser';
import { latin1 } from '../protocol/grammar';
import { fetchResponse } from '../protocol/responseWriter';
import { fetchAttributes, setsSeen } from './fetchItems';
import { matches, type SearchedMessage } from './search';

// "Subject: Hello" (14) CRLF, "From: Ann <ann@example.com>" (27) CRLF, "Date: Mon, 7 Feb 1994
// 21:52:25 -0800" (36) CRLF, CRLF, "Hi there" (8) CRLF = 16 + 29 + 38 + 2 + 10 = 95 octets.
const content = new TextEncoder().encode(
	'Subject: Hello\r\nFrom: Ann <ann@example.com>\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHi there\r\n'
);
// 17 July 1996, 09:44:25 UTC.
const internalDate = Date.UTC(1996, 6, 17, 9, 44, 25);

/** The items of a FETCH command line, as the parser reads them. */
function items(line: string): FetchItem[] {
	const parsed = parseCommand({ segments: [line], literals: [] });
	if (!parsed.ok || parsed.command.name !== 'FETCH') throw new Error(line);
	return parsed.command.items;
}

function criteria(line: string): SearchKey[] {
	const parsed = parseCommand({ segments: [line], literals: [] });
	if (!parsed.ok || parsed.command.name !== 'SEARCH') throw new Error(line);
	return parsed.command.criteria;
}

const response = (line: string, uid = false, flags = ['\\Seen']) =>
	latin1(
		fetchResponse(
			12,
			fetchAttributes(
				items(line),
				{ uid: 4827313, flags, internalDate, size: content.length, content: () => content },
				uid
			)
		)
	);

describe('FETCH responses', () => {
	it('FAST: flags, the internal date in date-time form, the size in octets', () => {
		expect(response('a FETCH 12 FAST')).toBe(
			'* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE 95)\r\n'
		);
	});

	it('UID FETCH reports UID even when not asked (§6.4.8)', () => {
		expect(response('a FETCH 12 FLAGS', true)).toBe('* 12 FETCH (FLAGS (\\Seen) UID 4827313)\r\n');
		expect(response('a FETCH 12 (UID FLAGS)', true)).toBe(
			'* 12 FETCH (UID 4827313 FLAGS (\\Seen))\r\n'
		);
	});

	it('a partial BODY.PEEK[] is answered as BODY[]<origin> with exactly those octets', () => {
		expect(response('a FETCH 12 BODY.PEEK[]<0.7>')).toBe(
			'* 12 FETCH (BODY[]<0> {7}\r\nSubject)\r\n'
		);
		expect(response('a FETCH 12 BODY[TEXT]<3.100>')).toBe(
			'* 12 FETCH (BODY[TEXT]<3> {7}\r\nthere\r\n)\r\n'
		);
	});

	it('echoes HEADER.FIELDS with its list, and RFC822.HEADER is the header with its blank line', () => {
		expect(response('a FETCH 12 BODY.PEEK[HEADER.FIELDS (From)]')).toBe(
			'* 12 FETCH (BODY[HEADER.FIELDS (From)] {31}\r\nFrom: Ann <ann@example.com>\r\n\r\n)\r\n'
		);
		expect(response('a FETCH 12 RFC822.HEADER')).toBe(
			'* 12 FETCH (RFC822.HEADER {85}\r\nSubject: Hello\r\nFrom: Ann <ann@example.com>\r\n' +
				'Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\n)\r\n'
		);
	});

	it('a part the message lacks is NIL', () => {
		expect(response('a FETCH 12 BODY.PEEK[2]')).toBe('* 12 FETCH (BODY[2] NIL)\r\n');
	});

	it('reading the body sets \\Seen; PEEK, RFC822.HEADER and the rest do not (§6.4.5, §7.4.2)', () => {
		expect(setsSeen(items('a FETCH 1 BODY[]'))).toBe(true);
		expect(setsSeen(items('a FETCH 1 BODY[HEADER]'))).toBe(true);
		expect(setsSeen(items('a FETCH 1 RFC822'))).toBe(true);
		expect(setsSeen(items('a FETCH 1 RFC822.TEXT'))).toBe(true);
		expect(setsSeen(items('a FETCH 1 BODY.PEEK[]'))).toBe(false);
		expect(setsSeen(items('a FETCH 1 RFC822.HEADER'))).toBe(false);
		expect(setsSeen(items('a FETCH 1 (FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE)'))).toBe(false);
	});
});

describe('SEARCH keys (§6.4.4)', () => {
	const message = (flags: string[]): SearchedMessage => ({
		seq: 3,
		uid: 40,
		flags,
		internalDate,
		size: 95,
		content: () => content
	});
	const bounds = { maxSeq: 5, maxUid: 50 };
	const hit = (line: string, flags: string[] = []) =>
		matches(criteria(`a SEARCH ${line}`), message(flags), bounds);

	it('flags, NEW and OLD', () => {
		expect(hit('UNSEEN')).toBe(true);
		expect(hit('SEEN', ['\\Seen'])).toBe(true);
		expect(hit('NEW', ['\\Recent'])).toBe(true);
		expect(hit('NEW', ['\\Recent', '\\Seen'])).toBe(false);
		expect(hit('OLD', ['\\Recent'])).toBe(false);
		expect(hit('DELETED')).toBe(false);
	});

	it('header and body text, case-insensitive substrings', () => {
		expect(hit('FROM "ANN@example"')).toBe(true);
		expect(hit('SUBJECT hell')).toBe(true);
		expect(hit('SUBJECT bye')).toBe(false);
		expect(hit('BODY THERE')).toBe(true);
		expect(hit('BODY Subject')).toBe(false);
		expect(hit('TEXT Subject')).toBe(true);
		expect(hit('HEADER Date ""')).toBe(true);
		expect(hit('HEADER Cc ""')).toBe(false);
	});

	it('internal date and sent date by day, size, sets, NOT, OR, groups', () => {
		expect(hit('ON 17-Jul-1996')).toBe(true);
		expect(hit('SINCE 18-Jul-1996')).toBe(false);
		expect(hit('BEFORE 18-Jul-1996')).toBe(true);
		// The Date field's own day, its zone disregarded: 7 Feb 1994 (8 Feb in UTC).
		expect(hit('SENTON 7-Feb-1994')).toBe(true);
		expect(hit('SENTSINCE 8-Feb-1994')).toBe(false);
		expect(hit('LARGER 94')).toBe(true);
		expect(hit('SMALLER 95')).toBe(false);
		expect(hit('UID 35:*')).toBe(true);
		expect(hit('UID 41:*')).toBe(false);
		expect(hit('UID 1:39')).toBe(false);
		expect(hit('2:4')).toBe(true);
		expect(hit('*')).toBe(false);
		expect(hit('NOT SEEN FROM ann')).toBe(true);
		expect(hit('OR SEEN FLAGGED')).toBe(false);
		expect(hit('(UNSEEN SUBJECT hello) OR DRAFT TO ann')).toBe(false);
	});
});

describe('SEARCH BODY and TEXT read the body as a reader sees it', () => {
	// A quoted-printable UTF-8 part "caf=C3=A9 au lait" and a base64 one "aGVsbG8gd29ybGQ=" (hello world).
	const parts = new TextEncoder().encode(
		[
			'Subject: parts',
			'Content-Type: multipart/mixed; boundary=x',
			'',
			'--x',
			'Content-Type: text/plain; charset=utf-8',
			'Content-Transfer-Encoding: quoted-printable',
			'',
			'caf=C3=A9 au =',
			'lait',
			'--x',
			'Content-Type: text/plain',
			'Content-Transfer-Encoding: base64',
			'',
			'aGVsbG8gd29ybGQ=',
			'--x--',
			''
		].join('\r\n')
	);
	const message: SearchedMessage = {
		seq: 1,
		uid: 1,
		flags: [],
		internalDate,
		size: parts.length,
		content: () => parts
	};
	/** SEARCH CHARSET UTF-8 <key> {n} with the text as a literal (§4.3). */
	const hit = (key: string, text: string) => {
		const literal = new TextEncoder().encode(text);
		const parsed = parseCommand({
			segments: [`a SEARCH CHARSET UTF-8 ${key} {${literal.length}}`, ''],
			literals: [literal]
		});
		if (!parsed.ok || parsed.command.name !== 'SEARCH') throw new Error(key);
		return matches(parsed.command.criteria, message, { maxSeq: 1, maxUid: 1 });
	};

	it('undoes quoted-printable (soft line breaks too) and base64, and reads the charset', () => {
		expect(hit('BODY', 'CAFÉ AU LAIT')).toBe(true);
		expect(hit('BODY', 'hello world')).toBe(true);
		expect(hit('BODY', 'C3=A9')).toBe(false);
		expect(hit('TEXT', 'subject: parts')).toBe(true);
		expect(hit('BODY', 'subject: parts')).toBe(false);
	});
});
