/**
 * A batch as the SQLite persistence writes it: the sessions, messages and events that come with
 * every message already in their stored form (JSON text; a session's events one array per
 * batch). Made where the batch is made, so the database thread receives strings rather than
 * objects to copy in and serialise again.
 */
import type { MessageSummary } from '../../../src/lib/messages';
import type { PersistedEvent } from '../persistedEvent';
import type { StoreBatch } from '../persistence';

export interface EncodedBatch extends Omit<
	StoreBatch,
	'sessions' | 'events' | 'newMessages' | 'changedMessages'
> {
	/** A changed message's summary without its reader acts (they have their own table). */
	changedMessages: { id: string; summary: string }[];
	/** A session's summary without its id list (written link by link: messageLinks). */
	sessionRows: { id: string; summary: string }[];
	eventRuns: { sessionId: string; firstSeq: number; events: string }[];
	messageRows: {
		id: string;
		summary: string;
		raw: Buffer;
		trace: string;
		sessionId: string | null;
		receivedAt: number;
		owners: string;
	}[];
}

export function encodeBatch({
	sessions,
	events,
	newMessages,
	changedMessages,
	...batch
}: StoreBatch): EncodedBatch {
	return {
		...batch,
		changedMessages: changedMessages.map((summary) => ({
			id: summary.id,
			summary: messageSummaryRow(summary)
		})),
		sessionRows: sessions.map((summary) => ({
			id: summary.id,
			summary: JSON.stringify({ ...summary, messageIds: undefined })
		})),
		eventRuns: [...eventsBySession(events)].map(([sessionId, run]) => ({
			sessionId,
			firstSeq: run[0].seq,
			events: JSON.stringify(run)
		})),
		messageRows: newMessages.map(({ summary, raw, trace, owners }) => ({
			id: summary.id,
			summary: messageSummaryRow(summary),
			raw,
			trace,
			sessionId: summary.sessionId,
			receivedAt: summary.receivedAt,
			owners: JSON.stringify(owners)
		}))
	};
}

/** A message's summary as stored: its reader acts are rows of their own (reader_acts). */
function messageSummaryRow(summary: MessageSummary): string {
	return JSON.stringify({ ...summary, readerActs: undefined });
}

/** A batch's events by session, each session's in order. */
function eventsBySession(events: StoreBatch['events']): Map<string, PersistedEvent[]> {
	const bySession = new Map<string, PersistedEvent[]>();
	for (const { sessionId, event } of events) {
		const list = bySession.get(sessionId);
		if (list) list.push(event);
		else bySession.set(sessionId, [event]);
	}
	return bySession;
}
