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
		isRecord(clock) &&
		[clock.now, clock.realNow, clock.scale].every((n) => typeof n === 'number')
	);
}
