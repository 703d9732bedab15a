import { describe, expect, it } from 'vitest';
import { annotateLookup } from './annotateLookup';
import { isDnsLookup, isDnsSnapshot, type DnsLookup } from './lookups';
import { RCODES } from './rcodes';
import { mxData, recordType, RECORD_TYPES, ttlSpan } from './recordTypes';
import { rfcLabel } from '../smtp/rfc';

function lookup(overrides: Partial<DnsLookup>): DnsLookup {
	return {
		id: '1',
		at: 0,
		transport: 'udp',
		client: '127.0.0.1',
		question: { name: 'north.test', type: 'MX' },
		rcode: 'NOERROR',
		answers: [],
		...overrides
	};
}

const mx = (name: string, data: string) => ({ name, type: 'MX', ttl: 3600, data });

/** Every note's text and its citations, as the page shows them. */
function read(l: DnsLookup): { title: string; text: string; cites: string[] } {
	const { title, notes, transport } = annotateLookup(l);
	return {
		title,
		text: [...notes, transport].map((n) => n.text).join(' | '),
		cites: [...notes, transport].flatMap((n) => n.rfc.map(rfcLabel))
	};
}

describe('annotateLookup', () => {
	// [what, lookup, title, a phrase the notes must hold, a citation they must carry]
	const rows: [string, Partial<DnsLookup>, string, RegExp, string][] = [
		[
			'MX with one exchanger (RFC 1035 §3.3.9)',
			{ answers: [mx('north.test', '10 mx.north.test.')] },
			'MX north.test → 1 mail exchanger',
			/lowest first: mx\.north\.test \(10\)/,
			'RFC 1035 §3.3.9'
		],
		[
			'MX with two of equal preference: random order (RFC 5321 §5.1)',
			{
				question: { name: 'south.test', type: 'MX' },
				answers: [mx('south.test', '10 mx2.south.test.'), mx('south.test', '10 mx1.south.test.')]
			},
			'MX south.test → 2 mail exchangers',
			/at random/,
			'RFC 5321 §5.1'
		],
		[
			'MX sorted by preference, whatever the answer order',
			{
				question: { name: 'backup.test', type: 'MX' },
				answers: [
					mx('backup.test', '20 mx2.backup.test.'),
					mx('backup.test', '10 mx1.backup.test.')
				]
			},
			'MX backup.test → 2 mail exchangers',
			/mx1\.backup\.test \(10\), mx2\.backup\.test \(20\)/,
			'RFC 5321 §5.1'
		],
		[
			'null MX (RFC 7505 §3)',
			{ question: { name: 'nullmx.test', type: 'MX' }, answers: [mx('nullmx.test', '0 .')] },
			'MX nullmx.test → null MX: no mail accepted',
			/accepts no mail/,
			'RFC 7505 §3'
		],
		[
			'no MX record: the implicit MX (RFC 5321 §5.1)',
			{ question: { name: 'nomx.test', type: 'MX' } },
			'MX nomx.test → no MX record',
			/implicit MX with preference 0/,
			'RFC 2308 §2.2'
		],
		[
			'NXDOMAIN for MX: an error, never an implicit MX (RFC 5321 §5.1)',
			{ question: { name: 'nowhere.test', type: 'MX' }, rcode: 'NXDOMAIN' },
			'MX nowhere.test → NXDOMAIN: no such name',
			/implicit MX rule applies only to a domain that exists/,
			'RFC 2308 §2.1'
		],
		[
			'REFUSED: outside the sandbox, no recursion (RFC 1035 §4.1.1)',
			{ question: { name: 'google.com', type: 'A' }, rcode: 'REFUSED' },
			'A google.com → REFUSED',
			/never asks another server/,
			'RFC 1035 §4.1.1'
		],
		[
			'an A record: a loopback address (RFC 1122 §3.2.1.3)',
			{
				question: { name: 'mx.north.test', type: 'A' },
				answers: [{ name: 'mx.north.test', type: 'A', ttl: 300, data: '127.0.0.3' }]
			},
			'A mx.north.test → 1 record',
			/at 127\.0\.0\.3: a loopback address/,
			'RFC 1122 §3.2.1.3'
		],
		[
			'no AAAA: the sandbox hosts have IPv4 loopback addresses only (RFC 3596 §2.1)',
			{ question: { name: 'mx.north.test', type: 'AAAA' } },
			'AAAA mx.north.test → no AAAA record',
			/IPv4 loopback addresses only/,
			'RFC 3596 §2.1'
		],
		[
			'a malformed packet: FORMERR',
			{ question: null, rcode: 'FORMERR' },
			'Not a readable DNS query → FORMERR',
			/format error/,
			'RFC 1035 §4.1.1'
		],
		[
			'TCP: the two-byte length (RFC 1035 §4.2.2)',
			{ transport: 'tcp', answers: [mx('north.test', '10 mx.north.test.')] },
			'MX north.test → 1 mail exchanger',
			/over TCP, each message preceded by its length in two bytes/,
			'RFC 1035 §4.2.2'
		],
		[
			'the queue asks as an MTA does (RFC 5321 §5.1)',
			{ transport: 'queue', client: '127.0.0.2' },
			'MX north.test → no MX record',
			/outgoing queue/,
			'RFC 5321 §5.1'
		],
		[
			'a receiving host checks SPF, DKIM and DMARC (RFC 7208 §4.4)',
			{ transport: 'auth', client: '127.0.0.1', question: { name: 'north.test', type: 'TXT' } },
			'TXT north.test → no TXT record',
			/checking a message: its SPF record, DKIM key and DMARC policy/,
			'RFC 7208 §4.4'
		]
	];
	it.each(rows)('%s', (_what, overrides, title, phrase, cite) => {
		const { title: got, text, cites } = read(lookup(overrides));
		expect(got).toBe(title);
		expect(text).toMatch(phrase);
		expect(cites).toContain(cite);
	});

	it('says how long an answer may be cached, from its TTLs (RFC 1035 §3.2.1)', () => {
		const { text, cites } = read(
			lookup({
				answers: [
					mx('north.test', '10 mx.north.test.'),
					{ name: 'x', type: 'MX', ttl: 300, data: '20 y.' }
				]
			})
		);
		expect(text).toContain(
			'TTL 3600, 300 s: a resolver may reuse this answer for 1 hour or 5 minutes'
		);
		expect(cites).toContain('RFC 1035 §3.2.1');
	});
});

describe('the DNS tables', () => {
	it('record types: the TYPE values of RFC 1035 §3.2.2 and RFC 3596 §2.1, and the sandbox TTLs', () => {
		const codes = Object.fromEntries(RECORD_TYPES.map((row) => [row.type, row.code]));
		expect(codes).toEqual({ A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 });
		expect(recordType('mx')?.ttl).toBe(3600);
		expect(recordType('A')?.ttl).toBe(300);
		expect(recordType('SRV')).toBeUndefined();
	});

	it('rcodes: the RCODE values of RFC 1035 §4.1.1', () => {
		expect(Object.fromEntries(RCODES.map((row) => [row.name, row.code]))).toEqual({
			NOERROR: 0,
			FORMERR: 1,
			SERVFAIL: 2,
			NXDOMAIN: 3,
			NOTIMP: 4,
			REFUSED: 5
		});
	});

	it.each([
		['10 mx.north.test.', { preference: 10, exchange: 'mx.north.test.' }],
		['0 .', { preference: 0, exchange: '.' }],
		['mx.north.test.', undefined]
	])('mxData(%j)', (data, expected) => {
		expect(mxData(data)).toEqual(expected);
	});

	it.each([
		[3600, '1 hour'],
		[7200, '2 hours'],
		[300, '5 minutes'],
		[60, '1 minute'],
		[45, '45 seconds'],
		[1, '1 second']
	])('ttlSpan(%i) = %s', (seconds, text) => {
		expect(ttlSpan(seconds)).toBe(text);
	});

	it('the page checks what the server sends before showing it', () => {
		expect(isDnsLookup(lookup({}))).toBe(true);
		expect(isDnsLookup(lookup({ transport: 'auth' }))).toBe(true);
		expect(isDnsLookup({ ...lookup({}), transport: 'carrier-pigeon' })).toBe(false);
		expect(isDnsLookup({ ...lookup({}), answers: [{ name: 'x' }] })).toBe(false);
		const snapshot = {
			server: { host: '127.0.0.1', port: 2053 },
			zone: [],
			hosts: [],
			logSize: 1000,
			lookups: []
		};
		expect(isDnsSnapshot(snapshot)).toBe(true);
		expect(isDnsSnapshot({ ...snapshot, lookups: [{}] })).toBe(false);
		expect(isDnsSnapshot({ ...snapshot, server: null })).toBe(false);
	});
});
