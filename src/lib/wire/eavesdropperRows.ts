/**
 * The session page's "What an eavesdropper sees": the tap's records and the transcript merged
 * into one timeline, each row saying what a passive observer on the wire sees and what the
 * endpoints see at that moment.
 */
import type { SessionEvent } from '$lib/messages';
import type { WireRecord, WireRowKey } from './wireRecords';

export type ObserverView =
	/** Before TLS the observer reads the line exactly as the endpoints do. */
	| { kind: 'line'; dir: 'client' | 'server'; text: string }
	/** Once TLS runs, a record header: its type and length, nothing of what is inside. */
	| {
			kind: 'record';
			dir: 'client' | 'server';
			tlsType: NonNullable<WireRecord['tlsType']>;
			bytes: number;
	  };

export interface EavesdropperRow {
	at: number;
	/** The kind of row, for its teaching sentence (WIRE_ROW_MEANINGS); null: endpoints only. */
	key: WireRowKey | null;
	observer: ObserverView | null;
	endpoint: SessionEvent | null;
	/** The first row of its key: it carries the teaching sentence. */
	firstOfKind: boolean;
}

export interface DirectionTotals {
	plaintextBytes: number;
	tlsRecords: number;
	/** Bytes inside the TLS records (their fragments, headers not counted). */
	tlsBytes: number;
}

export function eavesdropperRows(
	records: readonly WireRecord[],
	events: readonly SessionEvent[]
): EavesdropperRow[] {
	const tlsStart = records.find((r) => r.kind === 'tls')?.at ?? Infinity;
	const rows: EavesdropperRow[] = [];
	for (const event of events) {
		const observer: ObserverView | null =
			event.dir !== 'system' && event.at < tlsStart
				? { kind: 'line', dir: event.dir, text: event.text }
				: null;
		rows.push({
			at: event.at,
			key: observer ? 'plaintext' : null,
			observer,
			endpoint: event,
			firstOfKind: false
		});
	}
	for (const record of records)
		if (record.kind === 'tls' && record.tlsType)
			rows.push({
				at: record.at,
				key: record.tlsType,
				observer: { kind: 'record', dir: record.dir, tlsType: record.tlsType, bytes: record.bytes },
				endpoint: null,
				firstOfKind: false
			});
	// Stable: at the same millisecond the transcript's line comes before the records it caused.
	rows.sort((a, b) => a.at - b.at);
	const seen = new Set<WireRowKey>();
	for (const row of rows)
		if (row.key && !seen.has(row.key)) {
			seen.add(row.key);
			row.firstOfKind = true;
		}
	return rows;
}

export function directionTotals(
	records: readonly WireRecord[]
): Record<'client' | 'server', DirectionTotals> {
	const totals = {
		client: { plaintextBytes: 0, tlsRecords: 0, tlsBytes: 0 },
		server: { plaintextBytes: 0, tlsRecords: 0, tlsBytes: 0 }
	};
	for (const record of records) {
		const total = totals[record.dir];
		if (record.kind === 'plaintext') total.plaintextBytes += record.bytes;
		else {
			total.tlsRecords++;
			total.tlsBytes += record.bytes;
		}
	}
	return totals;
}
