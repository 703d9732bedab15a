/*
 * BODYSTRUCTURE, ENVELOPE and BODY[section] over hand-made messages. Every expected value is
 * written by hand: the structures in RFC 3501's own notation, following its examples (§6.4.5's
 * ENVELOPE of the §8 sample message, §7.4.2's BODYSTRUCTURE of a text and a BASE64 attachment,
 * §6.4.5's part numbering), sizes and line counts counted in the test's comments.
 */
import { describe, expect, it } from 'vitest';
import { latin1 } from '../protocol/grammar';
import { bodyStructureValue, envelopeValue, untaggedData } from '../protocol/responseWriter';
import { bodyStructureOf } from './bodyStructure';
import { envelopeOf } from './envelope';
import { readMessage } from './messageTree';
import { partialOf, sectionOctets } from './sections';
import type { Section } from '../protocol/commandParser';
import type { ImapValue } from '../protocol/responseWriter';

const crlf = (...lines: string[]) => new TextEncoder().encode(lines.join('\r\n'));
/** A value as the server writes it, without the "* " and CRLF around it. */
const written = (v: ImapValue) => latin1(untaggedData(v)).slice(2, -2);
const section = (tree: ReturnType<typeof readMessage>, s: Section) => {
	const octets = sectionOctets(tree, s);
	return octets === null ? null : latin1(octets);
};

// RFC 3501 §8's message 12, its header as §6.4.5's ENVELOPE describes it. The body is the line
// of §6.3.11's APPEND example: 53 characters + CRLF = 55 octets, 1 line.
const sample = readMessage(
	crlf(
		'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
		'From: Terry Gray <gray@cac.washington.edu>',
		'Subject: IMAP4rev1 WG mtg summary and minutes',
		'To: imap@cac.washington.edu',
		'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
		'Message-Id: <B27397-0100000@cac.washington.edu>',
		'MIME-Version: 1.0',
		'',
		'Hello Joe, do you think we can meet at 3:30 tomorrow?',
		''
	)
);

// Two parts after the model of §7.4.2's second example (a text and a BASE64-encoded text
// attachment). Part 1's body: "line one" CRLF "line two" = 8 + 2 + 8 = 18 octets, 2 lines
// (the CRLF before "--xyz" belongs to the delimiter, RFC 2046 §5.1.1). Part 2's: "aGVsbG8K",
// 8 octets, 1 line.
const mixed = readMessage(
	crlf(
		'From: a@example.com',
		'Subject: diff',
		'MIME-Version: 1.0',
		'Content-Type: multipart/mixed; boundary="xyz"',
		'',
		'preamble',
		'--xyz',
		'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
		'',
		'line one',
		'line two',
		'--xyz',
		'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff',
		'Content-ID: <960723163407.20117h@cac.washington.edu>',
		'Content-Description: Compiler diff',
		'Content-Transfer-Encoding: BASE64',
		'Content-Disposition: attachment; filename=cc.diff',
		'Content-Language: en, de',
		'',
		'aGVsbG8K',
		'--xyz--',
		'epilogue',
		''
	)
);

// An encapsulated message (part 1) and a digest (part 2) whose entry has no header of its own:
// inside multipart/digest the default type is MESSAGE/RFC822 (RFC 2046 §5.1.5).
// Part 1's body: "From: Bob <bob@example.com>" (27) CRLF, "Subject: inner" (14) CRLF, CRLF,
// "Hi" (2) = 29 + 16 + 2 + 2 = 49 octets, 4 lines; the inner body "Hi": 2 octets, 1 line.
// The digest entry's body: "From: x@y" (9) CRLF CRLF "digest entry" (12) = 25 octets, 3 lines.
const nested = readMessage(
	crlf(
		'From: Alice <alice@example.com>',
		'To: friends: bob@example.com, "Carol C." <carol@example.com>;, dave@example.com',
		'Cc: undisclosed-recipients:;',
		'Reply-To: <@relay.example,@hub.example:alice@example.com>',
		'Subject: =?UTF-8?Q?caf=C3=A9?=',
		' fwd',
		'Content-Type: multipart/mixed; boundary=outer',
		'',
		'--outer',
		'Content-Type: message/rfc822',
		'',
		'From: Bob <bob@example.com>',
		'Subject: inner',
		'',
		'Hi',
		'--outer',
		'Content-Type: multipart/digest; boundary=d',
		'',
		'--d',
		'',
		'From: x@y',
		'',
		'digest entry',
		'--d--',
		'--outer--',
		''
	)
);

describe('ENVELOPE (RFC 3501 §7.4.2)', () => {
	it("is §6.4.5's example for §8's message: sender and reply-to default to from", () => {
		expect(written(envelopeValue(envelopeOf(sample.root)))).toBe(
			'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
				'(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
				'(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
				'(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
				'((NIL NIL "imap" "cac.washington.edu")) ' +
				'((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) ' +
				'NIL NIL "<B27397-0100000@cac.washington.edu>")'
		);
	});

	it('marks groups with NIL hosts, keeps the source route and encoded words as sent, unfolds', () => {
		expect(written(envelopeValue(envelopeOf(nested.root)))).toBe(
			'(NIL "=?UTF-8?Q?caf=C3=A9?= fwd" ' +
				'(("Alice" NIL "alice" "example.com")) ' +
				'(("Alice" NIL "alice" "example.com")) ' +
				'((NIL "@relay.example,@hub.example" "alice" "example.com")) ' +
				'((NIL NIL "friends" NIL)(NIL NIL "bob" "example.com")("Carol C." NIL "carol" "example.com")(NIL NIL NIL NIL)(NIL NIL "dave" "example.com")) ' +
				'((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ' +
				'NIL NIL NIL)'
		);
	});

	it('takes a personal name from an old-style comment and gives a present but empty subject as ""', () => {
		const m = readMessage(crlf('From: gray@cac.washington.edu (Terry Gray)', 'Subject:', '', ''));
		expect(written(envelopeValue(envelopeOf(m.root)))).toBe(
			'(NIL "" (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
				'(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
				'(("Terry Gray" NIL "gray" "cac.washington.edu")) NIL NIL NIL NIL NIL)'
		);
	});
});

describe('BODY and BODYSTRUCTURE (RFC 3501 §7.4.2)', () => {
	it("describes a message without Content-Type as §7.4.2's first example does (RFC 2045 §5.2 default)", () => {
		expect(written(bodyStructureValue(bodyStructureOf(sample), false))).toBe(
			'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1)'
		);
		expect(written(bodyStructureValue(bodyStructureOf(sample), true))).toBe(
			'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1 NIL NIL NIL NIL)'
		);
	});

	it("describes a text and a BASE64 attachment as §7.4.2's second example, with the extension data", () => {
		expect(written(bodyStructureValue(bodyStructureOf(mixed), false))).toBe(
			'(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 18 2)' +
				'("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") ' +
				'"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 8 1) "mixed")'
		);
		expect(written(bodyStructureValue(bodyStructureOf(mixed), true))).toBe(
			'(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 18 2 NIL NIL NIL NIL)' +
				'("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") ' +
				'"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 8 1 ' +
				'NIL ("attachment" ("filename" "cc.diff")) ("en" "de") NIL) ' +
				'"mixed" ("boundary" "xyz") NIL NIL NIL)'
		);
	});

	it('gives an encapsulated message its envelope, structure and lines; a digest entry defaults to MESSAGE/RFC822', () => {
		expect(written(bodyStructureValue(bodyStructureOf(nested), false))).toBe(
			'(("message" "rfc822" NIL NIL NIL "7BIT" 49 ' +
				'(NIL "inner" (("Bob" NIL "bob" "example.com")) (("Bob" NIL "bob" "example.com")) ' +
				'(("Bob" NIL "bob" "example.com")) NIL NIL NIL NIL NIL) ' +
				'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2 1) 4)' +
				'(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 25 ' +
				'(NIL NIL ((NIL NIL "x" "y")) ((NIL NIL "x" "y")) ((NIL NIL "x" "y")) NIL NIL NIL NIL NIL) ' +
				'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 12 1) 3) "digest") "mixed")'
		);
	});
});

describe('BODY[section]<partial> (RFC 3501 §6.4.5)', () => {
	it('serves the whole message, its header with the blank line, and its text', () => {
		expect(section(mixed, { part: [] })).toBe(latin1(mixed.raw));
		expect(section(sample, { part: [], text: 'HEADER' })).toBe(
			'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n' +
				'From: Terry Gray <gray@cac.washington.edu>\r\n' +
				'Subject: IMAP4rev1 WG mtg summary and minutes\r\n' +
				'To: imap@cac.washington.edu\r\n' +
				'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n' +
				'Message-Id: <B27397-0100000@cac.washington.edu>\r\n' +
				'MIME-Version: 1.0\r\n\r\n'
		);
		expect(section(sample, { part: [], text: 'TEXT' })).toBe(
			'Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n'
		);
		// A non-multipart message has a part 1: its body (§6.4.5).
		expect(section(sample, { part: [1] })).toBe(
			'Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n'
		);
	});

	it('subsets header fields in message order, folding kept, the blank line always included', () => {
		expect(
			section(mixed, { part: [], text: 'HEADER.FIELDS', fields: ['SUBJECT', 'From', 'X-None'] })
		).toBe('From: a@example.com\r\nSubject: diff\r\n\r\n');
		expect(
			section(mixed, { part: [], text: 'HEADER.FIELDS.NOT', fields: ['subject', 'from'] })
		).toBe('MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="xyz"\r\n\r\n');
		expect(section(nested, { part: [], text: 'HEADER.FIELDS', fields: ['Subject'] })).toBe(
			'Subject: =?UTF-8?Q?caf=C3=A9?=\r\n fwd\r\n\r\n'
		);
	});

	it("addresses parts, a part's MIME header, and an encapsulated message's header, text and parts", () => {
		expect(section(mixed, { part: [1] })).toBe('line one\r\nline two');
		expect(section(mixed, { part: [2] })).toBe('aGVsbG8K');
		expect(section(mixed, { part: [1], text: 'MIME' })).toBe(
			'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n'
		);
		expect(section(mixed, { part: [], text: 'TEXT' })).toBe(
			'preamble\r\n--xyz\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nline one\r\nline two\r\n' +
				'--xyz\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\n' +
				'Content-ID: <960723163407.20117h@cac.washington.edu>\r\n' +
				'Content-Description: Compiler diff\r\nContent-Transfer-Encoding: BASE64\r\n' +
				'Content-Disposition: attachment; filename=cc.diff\r\nContent-Language: en, de\r\n\r\n' +
				'aGVsbG8K\r\n--xyz--\r\nepilogue\r\n'
		);
		expect(section(nested, { part: [1] })).toBe(
			'From: Bob <bob@example.com>\r\nSubject: inner\r\n\r\nHi'
		);
		expect(section(nested, { part: [1], text: 'HEADER' })).toBe(
			'From: Bob <bob@example.com>\r\nSubject: inner\r\n\r\n'
		);
		expect(section(nested, { part: [1], text: 'TEXT' })).toBe('Hi');
		expect(section(nested, { part: [1, 1] })).toBe('Hi');
		expect(section(nested, { part: [1], text: 'MIME' })).toBe(
			'Content-Type: message/rfc822\r\n\r\n'
		);
		expect(section(nested, { part: [2, 1], text: 'TEXT' })).toBe('digest entry');
		expect(section(nested, { part: [2, 1, 1] })).toBe('digest entry');
		expect(section(nested, { part: [2, 1], text: 'HEADER.FIELDS', fields: ['from'] })).toBe(
			'From: x@y\r\n\r\n'
		);
	});

	it('answers NIL for a part the message does not have, and HEADER/TEXT after a part that is no message', () => {
		expect(section(mixed, { part: [3] })).toBeNull();
		expect(section(mixed, { part: [1, 1] })).toBeNull();
		expect(section(mixed, { part: [1], text: 'HEADER' })).toBeNull();
		expect(section(sample, { part: [2] })).toBeNull();
	});

	it('a message with no body and no blank line: HEADER is the whole of it, TEXT is empty', () => {
		const bare = readMessage(crlf('Subject: x', 'From: a@b', ''));
		expect(section(bare, { part: [], text: 'HEADER' })).toBe('Subject: x\r\nFrom: a@b\r\n');
		expect(section(bare, { part: [], text: 'TEXT' })).toBe('');
		expect(section(bare, { part: [], text: 'HEADER.FIELDS', fields: ['from'] })).toBe(
			'From: a@b\r\n'
		);
	});

	it('cuts <origin.octets>, and past the end gives an empty string', () => {
		const part1 = sectionOctets(mixed, { part: [1] })!;
		// "line one\r\nline two" from octet 5, 10 octets: "one" CRLF "line ".
		expect(latin1(partialOf(part1, { offset: 5, length: 10 }))).toBe('one\r\nline ');
		expect(latin1(partialOf(part1, { offset: 10, length: 100 }))).toBe('line two');
		expect(latin1(partialOf(part1, { offset: 100, length: 5 }))).toBe('');
	});

	it('counts octets, not characters: 8-bit text is as long as its bytes', () => {
		// "café" CRLF in UTF-8: c a f (3) + é (2) + CRLF (2) = 7 octets, 1 line.
		const m = readMessage(crlf('Content-Type: text/plain; charset=utf-8', '', 'café', ''));
		expect(written(bodyStructureValue(bodyStructureOf(m), false))).toBe(
			'("text" "plain" ("charset" "utf-8") NIL NIL "7BIT" 7 1)'
		);
		expect(section(m, { part: [], text: 'TEXT' })).toBe('caf\xc3\xa9\r\n');
	});
});

describe("§6.4.5's complex message: every part specifier of its example", () => {
	// The structure of RFC 3501 §6.4.5's example, each leaf's body naming its own part number.
	const leaf = (type: string, label: string) => [`Content-Type: ${type}`, '', label];
	const complex = readMessage(
		crlf(
			'Subject: complex',
			'Content-Type: MULTIPART/MIXED; boundary=top',
			'',
			'--top',
			...leaf('TEXT/PLAIN', 'part 1'),
			'--top',
			...leaf('APPLICATION/OCTET-STREAM', 'part 2'),
			'--top',
			'Content-Type: MESSAGE/RFC822',
			'',
			'Subject: three',
			'Content-Type: MULTIPART/MIXED; boundary=three',
			'',
			'--three',
			...leaf('TEXT/PLAIN', 'part 3.1'),
			'--three',
			...leaf('APPLICATION/OCTET-STREAM', 'part 3.2'),
			'--three--',
			'--top',
			'Content-Type: MULTIPART/MIXED; boundary=four',
			'',
			'--four',
			...leaf('IMAGE/GIF', 'part 4.1'),
			'--four',
			'Content-Type: MESSAGE/RFC822',
			'',
			'Subject: four-two',
			'Content-Type: MULTIPART/MIXED; boundary=fourtwo',
			'',
			'--fourtwo',
			...leaf('TEXT/PLAIN', 'part 4.2.1'),
			'--fourtwo',
			'Content-Type: MULTIPART/ALTERNATIVE; boundary=alt',
			'',
			'--alt',
			...leaf('TEXT/PLAIN', 'part 4.2.2.1'),
			'--alt',
			...leaf('TEXT/RICHTEXT', 'part 4.2.2.2'),
			'--alt--',
			'--fourtwo--',
			'--four--',
			'--top--',
			''
		)
	);

	it('numbers the leaves as the example does', () => {
		for (const label of ['1', '2', '3.1', '3.2', '4.1', '4.2.1', '4.2.2.1', '4.2.2.2'])
			expect(section(complex, { part: label.split('.').map(Number) })).toBe(`part ${label}`);
	});

	it('3.HEADER and 4.2.HEADER are the encapsulated messages’ headers; 4.1.MIME the GIF’s own', () => {
		expect(section(complex, { part: [3], text: 'HEADER' })).toBe(
			'Subject: three\r\nContent-Type: MULTIPART/MIXED; boundary=three\r\n\r\n'
		);
		expect(section(complex, { part: [4, 2], text: 'HEADER.FIELDS', fields: ['subject'] })).toBe(
			'Subject: four-two\r\n\r\n'
		);
		expect(section(complex, { part: [4, 1], text: 'MIME' })).toBe(
			'Content-Type: IMAGE/GIF\r\n\r\n'
		);
		expect(section(complex, { part: [3], text: 'TEXT' })).toBe(
			'--three\r\nContent-Type: TEXT/PLAIN\r\n\r\npart 3.1\r\n--three\r\n' +
				'Content-Type: APPLICATION/OCTET-STREAM\r\n\r\npart 3.2\r\n--three--'
		);
		// 4 is a multipart, not a message: it has no HEADER of its own.
		expect(section(complex, { part: [4], text: 'HEADER' })).toBeNull();
	});
});
