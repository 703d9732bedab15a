/**
 * Sessions, events and messages as the store holds them, made by hand: for tests of the store's
 * accounting and quotas, and to seed a database with items of a chosen age (retention).
 */
import type { StoredMessage } from '../server/store/labStore';
import type { MessageSummary, SessionEvent, SessionSummary } from '../src/lib/messages';

export function sessionSummary(
	id: string,
	times: { startedAt?: number; endedAt?: number | null } = {}
): SessionSummary {
	const startedAt = times.startedAt ?? Date.now();
	const endedAt = times.endedAt === undefined ? startedAt + 1000 : times.endedAt;
	return {
		id,
		listener: 'mx',
		protocol: 'smtp',
		standsFor: 25,
		origin: 'external',
		clientAddress: '127.0.0.1',
		startedAt,
		endedAt,
		endReason: endedAt === null ? null : 'Client said QUIT (221)',
		tls: null,
		authUser: null,
		messageIds: [],
		eventCount: 0,
		truncated: false
	};
}

export function clientEvent(text: string, at = Date.now()): SessionEvent {
	return {
		seq: 0,
		at,
		dir: 'client',
		text,
		anomalies: [],
		annotation: { title: text, summary: '' }
	};
}

/** `summary` sets any field of the summary (where it came from, when, its envelope, …). */
export function storedMessage(
	id: string,
	content: { raw: string | Buffer; trace?: string; owners?: string[] },
	summary: Partial<MessageSummary> = {}
): StoredMessage {
	const raw = typeof content.raw === 'string' ? Buffer.from(content.raw) : content.raw;
	return {
		raw,
		trace: content.trace ?? '',
		owners: content.owners ?? [],
		summary: {
			id,
			sessionId: null,
			listener: 'mx',
			kind: 'mail',
			receivedAt: Date.now(),
			from: 'alice@example.com',
			subject: id,
			size: raw.length,
			envelope: {
				mailFrom: { address: 'alice@example.com', params: {} },
				rcptTo: [{ address: 'bob@example.com', params: {} }]
			},
			recipients: [
				{ address: 'bob@example.com', outcome: 'delivered', reply: '250 2.1.5 Accepted' }
			],
			tls: false,
			authUser: null,
			...summary
		}
	};
}
