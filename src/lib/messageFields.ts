/**
 * The fields the messages of src/lib/messages.ts name ids and examples by, and their checks:
 * parseClientMessage (the server's) and the class channel (src/lib/client/ClassChannel.ts) use
 * them. A module apart, because parseServerMessage, in every page's first load, needs none of it
 * (/lab's first-load budget, bench/labBrowser.ts).
 */
import type { ExamplePresence } from './messages';

/** A session's, a message's or a resume token's id. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** An example's slug (src/lib/examples/catalogue.ts), as pages and presence messages name it. */
export const SLUG_PATTERN = /^[a-z0-9-]{1,40}$/;
/** No example has nearly this many steps; a bigger number is a broken page, not a step. */
export const EXAMPLE_STEP_MAX = 1000;

/** A session id or null; undefined when it is neither. */
export function nullableSessionId(value: unknown): string | null | undefined {
	if (value === null) return null;
	return typeof value === 'string' && ID_PATTERN.test(value) ? value : undefined;
}

/** An example and step, or null; undefined when it is neither. */
export function examplePresence(value: unknown): ExamplePresence | null | undefined {
	if (value === null) return null;
	if (typeof value !== 'object') return undefined;
	const { slug, step } = value as Record<string, unknown>;
	if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug)) return undefined;
	if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > EXAMPLE_STEP_MAX)
		return undefined;
	return { slug, step };
}
