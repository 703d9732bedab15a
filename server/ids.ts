import { randomBytes } from 'node:crypto';

/**
 * Ids for sessions and messages: a random per-process prefix and a counter, so they are unique
 * and cheap (one randomBytes call per id cost more than the rest of a small message's handling).
 * They name things and appear in URLs; secrets (resume tokens) use randomBytes directly.
 */
const prefix = randomBytes(6).toString('base64url');
let counter = 0;

export function newId(): string {
	counter++;
	return `${prefix}${counter.toString(36).padStart(4, '0')}`;
}
