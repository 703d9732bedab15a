import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '$lib/messages';
import { directionTotals, eavesdropperRows } from './eavesdropperRows';
import type { WireRecord } from './wireRecords';

function event(seq: number, at: number, dir: SessionEvent['dir'], text: string): SessionEvent {
	return {
		seq,
		at,
		dir,
		text,
		anomalies: [],
		annotation: { title: '', summary: '' }
	} as unknown as SessionEvent;
}

const events = [
	event(1, 100, 'server', '220 sandbox ESMTP'),
	event(2, 110, 'client', 'STARTTLS'),
	event(3, 111, 'server', '220 2.0.0 Ready to start TLS'),
	event(4, 130, 'system', 'TLS started'),
	event(5, 140, 'client', 'AUTH PLAIN ********')
];
const records: WireRecord[] = [
	{ at: 100, dir: 'server', bytes: 19, kind: 'plaintext' },
	{ at: 110, dir: 'client', bytes: 10, kind: 'plaintext' },
	{ at: 111, dir: 'server', bytes: 30, kind: 'plaintext' },
	{ at: 112, dir: 'client', bytes: 512, kind: 'tls', tlsType: 'handshake' },
	{ at: 115, dir: 'server', bytes: 90, kind: 'tls', tlsType: 'handshake' },
	{ at: 141, dir: 'client', bytes: 40, kind: 'tls', tlsType: 'application_data' }
];

describe('eavesdropperRows', () => {
	it('shows the lines before TLS to the observer, then only record headers', () => {
		const rows = eavesdropperRows(records, events);
		expect(
			rows.map((r) => [r.at, r.key, r.observer?.kind ?? null, r.endpoint?.seq ?? null])
		).toEqual([
			[100, 'plaintext', 'line', 1],
			[110, 'plaintext', 'line', 2],
			[111, 'plaintext', 'line', 3],
			[112, 'handshake', 'record', null],
			[115, 'handshake', 'record', null],
			[130, null, null, 4],
			[140, null, null, 5],
			[141, 'application_data', 'record', null]
		]);
		expect(rows.filter((r) => r.firstOfKind).map((r) => r.key)).toEqual([
			'plaintext',
			'handshake',
			'application_data'
		]);
		expect(rows[7].observer).toEqual({
			kind: 'record',
			dir: 'client',
			tlsType: 'application_data',
			bytes: 40
		});
	});

	it('without TLS every line is readable on the wire', () => {
		const plain = eavesdropperRows(records.slice(0, 3), events);
		expect(plain.filter((r) => r.observer?.kind === 'line')).toHaveLength(4);
	});

	it('totals each direction', () => {
		expect(directionTotals(records)).toEqual({
			client: { plaintextBytes: 10, tlsRecords: 2, tlsBytes: 552 },
			server: { plaintextBytes: 49, tlsRecords: 1, tlsBytes: 90 }
		});
	});
});
