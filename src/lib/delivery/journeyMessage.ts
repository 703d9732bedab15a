/**
 * The journey page's check of a `journey` message (src/lib/messages.ts) before it draws it: the
 * lists it walks must be lists, the clock's readings numbers. Kept out of parseServerMessage,
 * which /lab loads first, since /lab never watches a journey (its first-load budget, bench/).
 */
import type { ServerMessage } from '../messages';

export type JourneyMessage = Extract<ServerMessage, { type: 'journey' }>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

export function isJourneyMessage(message: ServerMessage): message is JourneyMessage {
	if (message.type !== 'journey') return false;
	const { journey, clock } = message as unknown as Record<string, unknown>;
	return (
		isRecord(journey) &&
		typeof journey.id === 'string' &&
		Array.isArray(journey.legs) &&
		journey.legs.every((leg) => isRecord(leg) && Array.isArray(leg.attempts)) &&
		(journey.reads === undefined ||
			(Array.isArray(journey.reads) && journey.reads.every(isJourneyRead))) &&
		isRecord(clock) &&
		[clock.now, clock.realNow, clock.scale].every((n) => typeof n === 'number')
	);
}

/** A reader's act as the reading steps draw it: its copy, session and command named, its time a number. */
function isJourneyRead(value: unknown): boolean {
	return (
		isRecord(value) &&
		(value.act === 'read' || value.act === 'removed') &&
		[value.messageId, value.mailbox, value.sessionId, value.protocol, value.command].every(
			(field) => typeof field === 'string'
		) &&
		typeof value.at === 'number'
	);
}
