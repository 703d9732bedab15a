import { describe, expect, test } from 'vitest';
import {
	atom,
	bodySectionName,
	bodyStructureValue,
	continuation,
	envelopeValue,
	fetchResponse,
	taggedResponse,
	untaggedData,
	untaggedStatus,
	type BodyStructure,
	type Envelope
} from './responseWriter';
import { frameResponses, parseResponse, type ImapResponse } from './responseParser';
import { dateTimeOf, formatDateTime, momentOf, type ImapDateTime } from './dateTime';
import type { Framed } from './grammar';

const encoder = new TextEncoder();
/** Octets as text, one character per octet, to compare with a hand-written line. */
const wire = (b: Uint8Array) => String.fromCharCode(...b);

function parsed(text: string): ImapResponse {
	const framed = frameResponses(encoder.encode(text));
	expect(framed).toHaveLength(1);
	const result = parseResponse(framed[0]);
	if (!result.ok) throw new Error(`${result.error.message} at ${result.error.position}`);
	return result.response;
}

// RFC 3501 §8's sample session, the message a003 and a004 fetch.
const TERRY = { name: 'Terry Gray', adl: null, mailbox: 'gray', host: 'cac.washington.edu' };
const SAMPLE_ENVELOPE: Envelope = {
	date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
	subject: 'IMAP4rev1 WG mtg summary and minutes',
	from: [TERRY],
	sender: [TERRY],
	replyTo: [TERRY],
	to: [{ name: null, adl: null, mailbox: 'imap', host: 'cac.washington.edu' }],
	cc: [
		{ name: null, adl: null, mailbox: 'minutes', host: 'CNRI.Reston.VA.US' },
		{ name: 'John Klensin', adl: null, mailbox: 'KLENSIN', host: 'MIT.EDU' }
	],
	bcc: null,
	inReplyTo: null,
	messageId: '<B27397-0100000@cac.washington.edu>'
};
const SAMPLE_BODY: BodyStructure = {
	type: 'TEXT',
	subtype: 'PLAIN',
	params: [['CHARSET', 'US-ASCII']],
	id: null,
	description: null,
	encoding: '7BIT',
	size: 3028,
	lines: 92
};
const SAMPLE_DATE: ImapDateTime = {
	year: 1996,
	month: 7,
	day: 17,
	hour: 2,
	minute: 44,
	second: 25,
	zoneMinutes: -420
};
// §8's a003 response on one line (its line breaks are editorial); no SP between addresses (§9 env-cc).
const SAMPLE_FETCH_FULL =
	'* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" ' +
	'RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" ' +
	'"IMAP4rev1 WG mtg summary and minutes" ' +
	'(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
	'(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
	'(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
	'((NIL NIL "imap" "cac.washington.edu")) ' +
	'((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ' +
	'"<B27397-0100000@cac.washington.edu>") ' +
	'BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))\r\n';
const SAMPLE_HEADER =
	'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n' +
	'From: Terry Gray <gray@cac.washington.edu>\r\n' +
	'Subject: IMAP4rev1 WG mtg summary and minutes\r\n' +
	'To: imap@cac.washington.edu\r\n' +
	'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n' +
	'Message-Id: <B27397-0100000@cac.washington.edu>\r\n' +
	'MIME-Version: 1.0\r\n' +
	'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n' +
	'\r\n';

describe('writing the server side of RFC 3501 §8', () => {
	const rows: [Uint8Array, string][] = [
		[untaggedStatus('OK', 'IMAP4rev1 Service Ready'), '* OK IMAP4rev1 Service Ready\r\n'],
		[taggedResponse('a001', 'OK', 'LOGIN completed'), 'a001 OK LOGIN completed\r\n'],
		[untaggedData(18, atom('EXISTS')), '* 18 EXISTS\r\n'],
		[
			untaggedData(
				atom('FLAGS'),
				['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map(atom)
			),
			'* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n'
		],
		[untaggedData(2, atom('RECENT')), '* 2 RECENT\r\n'],
		[
			untaggedStatus('OK', 'Message 17 is the first unseen message', { code: 'UNSEEN', value: 17 }),
			'* OK [UNSEEN 17] Message 17 is the first unseen message\r\n'
		],
		[
			untaggedStatus('OK', 'UIDs valid', { code: 'UIDVALIDITY', value: 3857529045 }),
			'* OK [UIDVALIDITY 3857529045] UIDs valid\r\n'
		],
		[
			taggedResponse('a002', 'OK', 'SELECT completed', { code: 'READ-WRITE' }),
			'a002 OK [READ-WRITE] SELECT completed\r\n'
		],
		[
			fetchResponse(12, [
				['FLAGS', [atom('\\Seen')]],
				['INTERNALDATE', formatDateTime(SAMPLE_DATE)],
				['RFC822.SIZE', 4286],
				['ENVELOPE', envelopeValue(SAMPLE_ENVELOPE)],
				['BODY', bodyStructureValue(SAMPLE_BODY, false)]
			]),
			SAMPLE_FETCH_FULL
		],
		[
			fetchResponse(12, [['BODY[HEADER]', encoder.encode(SAMPLE_HEADER)]]),
			`* 12 FETCH (BODY[HEADER] {342}\r\n${SAMPLE_HEADER})\r\n`
		],
		[
			fetchResponse(12, [['FLAGS', [atom('\\Seen'), atom('\\Deleted')]]]),
			'* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n'
		],
		[
			untaggedStatus('BYE', 'IMAP4rev1 server terminating connection'),
			'* BYE IMAP4rev1 server terminating connection\r\n'
		],
		// §7.5
		[continuation('Ready for additional command text'), '+ Ready for additional command text\r\n'],
		// §7.2.5, §7.2.4, §7.2.2, §7.2.1
		[untaggedData(atom('SEARCH'), 2, 3, 6), '* SEARCH 2 3 6\r\n'],
		[
			untaggedData(atom('STATUS'), 'blurdybloop', [atom('MESSAGES'), 231, atom('UIDNEXT'), 44292]),
			'* STATUS "blurdybloop" (MESSAGES 231 UIDNEXT 44292)\r\n'
		],
		[
			untaggedData(atom('LIST'), [atom('\\Noselect')], '/', '~/Mail/foo'),
			'* LIST (\\Noselect) "/" "~/Mail/foo"\r\n'
		],
		[
			taggedResponse('A003', 'NO', 'APPEND error: no such mailbox', { code: 'TRYCREATE' }),
			'A003 NO [TRYCREATE] APPEND error: no such mailbox\r\n'
		],
		[
			untaggedStatus('OK', 'Limited', {
				code: 'PERMANENTFLAGS',
				flags: ['\\Deleted', '\\Seen', '\\*']
			}),
			'* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n'
		],
		[
			untaggedStatus('OK', 'ready', {
				code: 'CAPABILITY',
				capabilities: ['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']
			}),
			'* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n'
		],
		[
			taggedResponse('A1', 'NO', 'message too large', { code: 'TOOBIG' }),
			'A1 NO [TOOBIG] message too large\r\n'
		],
		[taggedResponse('A1', 'BAD', 'line one\r\nline two'), 'A1 BAD line one line two\r\n'], // no CRLF inside a line
		[
			untaggedStatus('NO', 'no', { code: 'BADCHARSET', charsets: ['UTF-8', 'US-ASCII'] }),
			'* NO [BADCHARSET (UTF-8 US-ASCII)] no\r\n'
		]
	];
	for (const [bytes, want] of rows)
		test(JSON.stringify(want), () => expect(wire(bytes)).toBe(want));

	test('strings: quoted with \\ escapes, or a literal when they hold CR, LF or 8-bit text (§4.3)', () => {
		expect(wire(untaggedData('say "hi" \\ bye'))).toBe('* "say \\"hi\\" \\\\ bye"\r\n');
		expect(wire(untaggedData('two\r\nlines'))).toBe('* {10}\r\ntwo\r\nlines\r\n');
		expect(wire(untaggedData('café'))).toBe('* {5}\r\ncaf\xc3\xa9\r\n');
		expect(wire(untaggedData(null, '', []))).toBe('* NIL "" ()\r\n');
	});

	test('resp-text stays 7-bit without CR or LF (§9 TEXT-CHAR), and is never empty (§9 text)', () => {
		expect(wire(taggedResponse('a1', 'BAD', 'expected SP (RFC 3501 §9) — café'))).toBe(
			'a1 BAD expected SP (RFC 3501 section 9) ? caf?\r\n'
		);
		expect(wire(continuation(''))).toBe('+ \r\n'); // an empty base64 challenge (AUTHENTICATE PLAIN)
		expect(() => taggedResponse('a1', 'OK', '')).toThrow(/text/);
	});

	test('BODY[section] names echo the request (§7.4.2), BODY.PEEK answered as BODY', () => {
		expect(bodySectionName({ part: [], text: 'HEADER.FIELDS', fields: ['DATE', 'FROM'] })).toBe(
			'BODY[HEADER.FIELDS (DATE FROM)]'
		);
		expect(bodySectionName({ part: [1, 2], text: 'MIME' }, 0)).toBe('BODY[1.2.MIME]<0>');
		expect(bodySectionName({ part: [] })).toBe('BODY[]');
		expect(bodySectionName({ part: [3] }, 1024)).toBe('BODY[3]<1024>');
		expect(bodySectionName({ part: [], text: 'HEADER.FIELDS.NOT', fields: ['X Odd"Name'] })).toBe(
			'BODY[HEADER.FIELDS.NOT ("X Odd\\"Name")]'
		);
	});

	test('date-time: date-day-fixed pads the day with a space (§9)', () => {
		expect(formatDateTime({ ...SAMPLE_DATE, day: 7 })).toBe(' 7-Jul-1996 02:44:25 -0700');
		expect(formatDateTime({ ...SAMPLE_DATE, zoneMinutes: 330 })).toBe('17-Jul-1996 02:44:25 +0530');
		// §9 zone: "Subtracting the timezone from the given time will give the UT form."
		expect(momentOf(SAMPLE_DATE).toISOString()).toBe('1996-07-17T09:44:25.000Z');
		expect(dateTimeOf(new Date('1996-07-17T09:44:25Z'), -420)).toEqual(SAMPLE_DATE);
	});

	test('BODYSTRUCTURE of a multipart: parts with no SP between them, then extension data (§9 body-type-mpart)', () => {
		const structure: BodyStructure = {
			parts: [SAMPLE_BODY, { ...SAMPLE_BODY, subtype: 'HTML', size: 10, lines: 1, params: null }],
			subtype: 'ALTERNATIVE',
			params: [['BOUNDARY', 'b1']],
			disposition: null,
			language: null,
			location: null
		};
		expect(wire(untaggedData(bodyStructureValue(structure, true)))).toBe(
			'* (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)' +
				'("TEXT" "HTML" NIL NIL NIL "7BIT" 10 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "b1") NIL NIL NIL)\r\n'
		);
		expect(wire(untaggedData(bodyStructureValue(structure, false)))).toBe(
			'* (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)' +
				'("TEXT" "HTML" NIL NIL NIL "7BIT" 10 1) "ALTERNATIVE")\r\n'
		);
	});
});

describe('parsing the server side of RFC 3501 §8', () => {
	const rows: [string, ImapResponse][] = [
		[
			'* OK IMAP4rev1 Service Ready\r\n',
			{ kind: 'status', tag: '*', status: 'OK', code: undefined, text: 'IMAP4rev1 Service Ready' }
		],
		[
			'a001 OK LOGIN completed\r\n',
			{ kind: 'status', tag: 'a001', status: 'OK', code: undefined, text: 'LOGIN completed' }
		],
		['* 18 EXISTS\r\n', { kind: 'EXISTS', number: 18 }],
		[
			'* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n',
			{ kind: 'FLAGS', flags: ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] }
		],
		['* 2 RECENT\r\n', { kind: 'RECENT', number: 2 }],
		[
			'* OK [UNSEEN 17] Message 17 is the first unseen message\r\n',
			{
				kind: 'status',
				tag: '*',
				status: 'OK',
				code: { code: 'UNSEEN', value: 17 },
				text: 'Message 17 is the first unseen message'
			}
		],
		[
			'* OK [UIDVALIDITY 3857529045] UIDs valid\r\n',
			{
				kind: 'status',
				tag: '*',
				status: 'OK',
				code: { code: 'UIDVALIDITY', value: 3857529045 },
				text: 'UIDs valid'
			}
		],
		[
			'a002 OK [READ-WRITE] SELECT completed\r\n',
			{
				kind: 'status',
				tag: 'a002',
				status: 'OK',
				code: { code: 'READ-WRITE' },
				text: 'SELECT completed'
			}
		],
		[
			SAMPLE_FETCH_FULL,
			{
				kind: 'FETCH',
				seq: 12,
				attributes: [
					{ name: 'FLAGS', flags: ['\\Seen'] },
					{ name: 'INTERNALDATE', dateTime: SAMPLE_DATE },
					{ name: 'RFC822.SIZE', size: 4286 },
					{ name: 'ENVELOPE', envelope: SAMPLE_ENVELOPE },
					{ name: 'BODY', body: SAMPLE_BODY }
				]
			}
		],
		[
			`* 12 FETCH (BODY[HEADER] {342}\r\n${SAMPLE_HEADER})\r\n`,
			{
				kind: 'FETCH',
				seq: 12,
				attributes: [
					{
						name: 'BODY[section]',
						section: { part: [], text: 'HEADER' },
						origin: undefined,
						content: encoder.encode(SAMPLE_HEADER)
					}
				]
			}
		],
		[
			'* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n',
			{ kind: 'FETCH', seq: 12, attributes: [{ name: 'FLAGS', flags: ['\\Seen', '\\Deleted'] }] }
		],
		[
			'* BYE IMAP4rev1 server terminating connection\r\n',
			{
				kind: 'status',
				tag: '*',
				status: 'BYE',
				code: undefined,
				text: 'IMAP4rev1 server terminating connection'
			}
		],
		[
			'a006 OK LOGOUT completed\r\n',
			{ kind: 'status', tag: 'a006', status: 'OK', code: undefined, text: 'LOGOUT completed' }
		],
		// §7 examples
		[
			'+ Ready for additional command text\r\n',
			{ kind: 'continuation', text: 'Ready for additional command text' }
		],
		[
			'* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN\r\n',
			{ kind: 'CAPABILITY', capabilities: ['IMAP4rev1', 'STARTTLS', 'AUTH=GSSAPI', 'XPIG-LATIN'] }
		], // §7.2.1
		[
			'* LIST (\\Noselect) "/" ~/Mail/foo\r\n',
			{
				kind: 'LIST',
				attributes: ['\\Noselect'],
				delimiter: '/',
				mailbox: { raw: '~/Mail/foo', name: '~/Mail/foo' }
			}
		], // §7.2.2
		[
			'* LSUB () "." #news.comp.mail.misc\r\n',
			{
				kind: 'LSUB',
				attributes: [],
				delimiter: '.',
				mailbox: { raw: '#news.comp.mail.misc', name: '#news.comp.mail.misc' }
			}
		], // §7.2.3
		[
			'* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n',
			{
				kind: 'STATUS',
				mailbox: { raw: 'blurdybloop', name: 'blurdybloop' },
				items: { MESSAGES: 231, UIDNEXT: 44292 }
			}
		], // §7.2.4
		['* SEARCH 2 3 6\r\n', { kind: 'SEARCH', numbers: [2, 3, 6] }], // §7.2.5
		['* SEARCH\r\n', { kind: 'SEARCH', numbers: [] }],
		['* 44 EXPUNGE\r\n', { kind: 'EXPUNGE', number: 44 }], // §7.4.1
		[
			'* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n',
			{
				kind: 'FETCH',
				seq: 23,
				attributes: [
					{ name: 'FLAGS', flags: ['\\Seen'] },
					{ name: 'RFC822.SIZE', size: 44827 }
				]
			}
		], // §7.4.2
		[
			'* NO Disk is 98% full, please delete unnecessary data\r\n',
			{
				kind: 'status',
				tag: '*',
				status: 'NO',
				code: undefined,
				text: 'Disk is 98% full, please delete unnecessary data'
			}
		], // §7.1.2
		[
			'* PREAUTH IMAP4rev1 server logged in as Smith\r\n',
			{
				kind: 'status',
				tag: '*',
				status: 'PREAUTH',
				code: undefined,
				text: 'IMAP4rev1 server logged in as Smith'
			}
		], // §7.1.4
		['* ENABLED CONDSTORE\r\n', { kind: 'ENABLED', capabilities: ['CONDSTORE'] }], // RFC 5161
		[
			'A1 NO [TOOBIG] too large\r\n',
			{ kind: 'status', tag: 'A1', status: 'NO', code: { code: 'TOOBIG' }, text: 'too large' }
		],
		[
			'* OK [ALERT] System shutdown in 10 minutes\r\n',
			{
				kind: 'status',
				tag: '*',
				status: 'OK',
				code: { code: 'ALERT' },
				text: 'System shutdown in 10 minutes'
			}
		], // §7.1
		[
			'* OK [PERMANENTFLAGS (\\Deleted \\*)] Limited\r\n',
			{
				kind: 'status',
				tag: '*',
				status: 'OK',
				code: { code: 'PERMANENTFLAGS', flags: ['\\Deleted', '\\*'] },
				text: 'Limited'
			}
		],
		[
			'A2 OK [UNAVAILABLE later please] x\r\n',
			{
				kind: 'status',
				tag: 'A2',
				status: 'OK',
				code: { code: 'UNAVAILABLE', text: 'later please' },
				text: 'x'
			}
		] // atom [SP text]
	];
	for (const [text, want] of rows)
		test(JSON.stringify(text), () => expect(parsed(text)).toEqual(want));

	test('several responses in one stream are framed apart', () => {
		const stream = encoder.encode(
			`* 18 EXISTS\r\n* 12 FETCH (BODY[HEADER] {342}\r\n${SAMPLE_HEADER})\r\na004 OK FETCH completed\r\n`
		);
		expect(frameResponses(stream).map((f) => f.segments)).toEqual([
			['* 18 EXISTS'],
			['* 12 FETCH (BODY[HEADER] {342}', ')'],
			['a004 OK FETCH completed']
		]);
	});

	const bad: [string, number][] = [
		['* 12 FETCH (FLAGS (\\Seen)', 25], // unbalanced parentheses
		['* 12 FETCH (UID 0)', 16], // uniqueid is nz-number
		['* 12 FROB', 5],
		['* LIST (\\Noselect) / foo', 19], // the delimiter is quoted or NIL
		['a1 MAYBE done', 3],
		['* OK [UIDNEXT x] y', 14]
	];
	for (const [line, position] of bad)
		test(`bad: ${line}`, () => {
			const result = parseResponse({ segments: [line], literals: [] });
			expect(result).toMatchObject({ ok: false, error: { position } });
		});
});

describe('round trips: what the writer writes, the parser reads back', () => {
	const message: Envelope = {
		date: 'Tue, 1 Dec 2026 20:00:00 +0000',
		subject: 'Grüße\r\n aus "Köln"',
		from: [{ name: 'Ann \\ "A"', adl: null, mailbox: 'ann', host: 'example.com' }],
		sender: null,
		replyTo: null,
		to: [
			{ name: null, adl: null, mailbox: 'team', host: null }, // group start (§9 addr-host NIL)
			{ name: null, adl: null, mailbox: 'bob', host: 'example.net' },
			{ name: null, adl: null, mailbox: null, host: null } // group end
		],
		cc: null,
		bcc: null,
		inReplyTo: '<a@b>',
		messageId: null
	};
	const nested: BodyStructure = {
		parts: [
			{
				...SAMPLE_BODY,
				md5: null,
				disposition: { type: 'inline', params: null },
				language: ['en', 'de'],
				location: 'http://x.example/'
			},
			{
				type: 'MESSAGE',
				subtype: 'RFC822',
				params: null,
				id: '<part@x>',
				description: 'forwarded',
				encoding: '7BIT',
				size: 500,
				envelope: message,
				body: { ...SAMPLE_BODY, md5: null, disposition: null, language: null, location: null },
				lines: 20,
				md5: null,
				disposition: { type: 'attachment', params: [['FILENAME', 'fwd.eml']] },
				language: null,
				location: null
			},
			{
				type: 'APPLICATION',
				subtype: 'PDF',
				params: [['NAME', 'a.pdf']],
				id: null,
				description: null,
				encoding: 'BASE64',
				size: 4096,
				md5: null,
				disposition: null,
				language: ['fr'],
				location: null
			}
		],
		subtype: 'MIXED',
		params: [['BOUNDARY', '--x--']],
		disposition: null,
		language: null,
		location: null
	};

	test('a FETCH with envelope, nested BODYSTRUCTURE, a partial body and 8-bit text', () => {
		const content = encoder.encode('8-bit: Grüße\r\n');
		const bytes = fetchResponse(7, [
			['UID', 4242],
			['INTERNALDATE', formatDateTime(SAMPLE_DATE)],
			['ENVELOPE', envelopeValue(message)],
			['BODYSTRUCTURE', bodyStructureValue(nested, true)],
			[bodySectionName({ part: [1], text: 'MIME' }, 0), content],
			[
				bodySectionName({ part: [], text: 'HEADER.FIELDS', fields: ['Subject', 'X Y'] }),
				'Subject: x\r\n\r\n'
			],
			['RFC822.HEADER', null]
		]);
		const framed = frameResponses(bytes);
		expect(framed).toHaveLength(1);
		const result = parseResponse(framed[0] as Framed);
		expect(result).toEqual({
			ok: true,
			response: {
				kind: 'FETCH',
				seq: 7,
				attributes: [
					{ name: 'UID', uid: 4242 },
					{ name: 'INTERNALDATE', dateTime: SAMPLE_DATE },
					{ name: 'ENVELOPE', envelope: message },
					{ name: 'BODYSTRUCTURE', body: nested },
					{ name: 'BODY[section]', section: { part: [1], text: 'MIME' }, origin: 0, content },
					{
						name: 'BODY[section]',
						section: { part: [], text: 'HEADER.FIELDS', fields: ['Subject', 'X Y'] },
						origin: undefined,
						content: encoder.encode('Subject: x\r\n\r\n')
					},
					{ name: 'RFC822.HEADER', content: null }
				]
			}
		});
	});

	test('status responses with every response code the writer knows', () => {
		const codes = [
			{ code: 'ALERT' },
			{ code: 'PARSE' },
			{ code: 'READ-ONLY' },
			{ code: 'READ-WRITE' },
			{ code: 'TRYCREATE' },
			{ code: 'UIDNEXT', value: 4392 },
			{ code: 'UIDVALIDITY', value: 1 },
			{ code: 'UNSEEN', value: 12 },
			{ code: 'PERMANENTFLAGS', flags: ['\\Seen', '$Junk', '\\*'] },
			{ code: 'CAPABILITY', capabilities: ['IMAP4rev1', 'IDLE', 'AUTH=PLAIN'] },
			{ code: 'BADCHARSET', charsets: ['UTF-8'] },
			{ code: 'TOOBIG', text: 'limit 1048576' }
		] as const;
		for (const code of codes) {
			const [framed] = frameResponses(taggedResponse('x1', 'NO', 'because', code));
			expect(parseResponse(framed)).toEqual({
				ok: true,
				response: { kind: 'status', tag: 'x1', status: 'NO', code, text: 'because' }
			});
		}
	});
});
