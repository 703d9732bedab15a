import { describe, expect, test } from 'vitest';
import { decodeModifiedUtf7, encodeModifiedUtf7, mailboxName } from './mailboxName';

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
	// [name, on the wire]; the base64 written out by hand from the UTF-16BE octets.
	const rows: [string, string][] = [
		['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'], // §5.1.3's own example
		['Entwürfe', 'Entw&APw-rfe'], // ü is U+00FC: octets 00 FC
		['Tom & Jerry', 'Tom &- Jerry'], // "&" is "&-"
		['😀', '&2D3eAA-'], // a surrogate pair, D83D DE00
		['Sent', 'Sent'],
		['', '']
	];
	for (const [name, wire] of rows) {
		test(`encode ${JSON.stringify(name)}`, () => expect(encodeModifiedUtf7(name)).toBe(wire));
		test(`decode ${wire}`, () => expect(decodeModifiedUtf7(wire)).toBe(name));
	}

	const invalid: [string, string][] = [
		['a&b', 'no "-" ends the shift'],
		['&U,BTFw', 'a name that ends shifted MUST end with "-"'],
		['&AGE-', 'encodes "a", which can represent itself'],
		['&U,BTFw-&ZeVnLIqe-', 'two shifted runs in a row (a null shift)'],
		['caf\xe9', 'an 8-bit character outside base64'],
		['tab\there', 'a control character outside base64'],
		['&2D0-', 'a lone high surrogate'],
		['&U,B-', 'leftover bits that are not a whole UTF-16 unit'],
		['&U/BTFw-', '"/" is "," in modified BASE64']
	];
	for (const [wire, why] of invalid)
		test(`invalid: ${why}`, () => expect(decodeModifiedUtf7(wire)).toBeNull());
});

describe('INBOX (RFC 3501 §5.1, §9 mailbox)', () => {
	test('every spelling of INBOX is INBOX; other names keep their case', () => {
		expect(mailboxName('iNbOx')).toEqual({ raw: 'iNbOx', name: 'INBOX' });
		expect(mailboxName('inbox')).toEqual({ raw: 'inbox', name: 'INBOX' });
		expect(mailboxName('Inbox2')).toEqual({ raw: 'Inbox2', name: 'Inbox2' });
		expect(mailboxName('INBOX/Sub')).toEqual({ raw: 'INBOX/Sub', name: 'INBOX/Sub' });
	});
});
