/**
 * The join code of a class (src/lib/classes.ts), apart from the rest of classes.ts: the site's
 * navigation names a taught class by its code on every page, /lab's first load included, and
 * must not bring the nickname rules and the class API's shapes with it.
 *
 * A join code is a DNS label (RFC 1035 §2.3.1: letters and digits).
 */

/** Letters and digits that cannot be misread on a projector: no 0/O, 1/I/L, 5/S, 2/Z, 8/B. */
export const JOIN_CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const JOIN_CODE_LENGTH = 6;

/** What a person typed (`k7m 2qp`, `k7m-2qp`) as a code: upper case, without spaces or dashes. */
export function normaliseJoinCode(typed: string): string {
	return typed.replace(/[\s-]/g, '').toUpperCase();
}

/** A code as the projector shows it and a person reads it aloud: `K7M 4QP`. */
export function spacedJoinCode(code: string): string {
	return `${code.slice(0, JOIN_CODE_LENGTH / 2)} ${code.slice(JOIN_CODE_LENGTH / 2)}`;
}

/** True for a well-formed code (not necessarily a class's). */
export function isJoinCode(code: string): boolean {
	return code.length === JOIN_CODE_LENGTH && [...code].every((c) => JOIN_CODE_ALPHABET.includes(c));
}
