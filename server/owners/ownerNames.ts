/**
 * Personal sandbox names such as `quiet-otter-42`: readable on a projector and easy to type into
 * a mail program's settings. The name is the owner's submission user name and, with `.test`
 * (RFC 2606 §2: reserved for testing, never a real domain), its personal mail domain. Each is
 * also a valid DNS label (RFC 1035 §2.3.1: letters, digits, hyphens, ≤ 63 octets).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { SANDBOX_TLD } from '../../src/lib/sandboxPolicy';

const ADJECTIVES = [
	'amber',
	'bold',
	'brave',
	'bright',
	'calm',
	'clever',
	'cosy',
	'curious',
	'eager',
	'fancy',
	'gentle',
	'glad',
	'happy',
	'jolly',
	'keen',
	'kind',
	'lively',
	'lucky',
	'mellow',
	'merry',
	'misty',
	'nimble',
	'noble',
	'proud',
	'quick',
	'quiet',
	'rapid',
	'shy',
	'sunny',
	'swift',
	'tidy',
	'witty'
];
const ANIMALS = [
	'badger',
	'beaver',
	'bison',
	'crane',
	'dolphin',
	'eagle',
	'falcon',
	'ferret',
	'finch',
	'fox',
	'gecko',
	'heron',
	'ibis',
	'koala',
	'lemur',
	'lynx',
	'marten',
	'moose',
	'newt',
	'otter',
	'owl',
	'panda',
	'puffin',
	'raven',
	'robin',
	'seal',
	'stoat',
	'swan',
	'tapir',
	'toad',
	'walrus',
	'wren'
];

/** Tries at each length of number before the number gets one digit longer. */
const TRIES_PER_LENGTH = 10;
/** Enough for any directory: 32 × 32 × 10¹² names. */
const MAX_DIGITS = 12;

/**
 * A name no one has yet (`taken` says whether one is in use). Two-digit numbers first; once
 * those are crowded (32 × 32 × 98 ≈ 100,000 names), longer ones, so a full directory never
 * loops forever.
 */
export function personalName(taken: (name: string) => boolean): string {
	for (let tries = 0; ; tries++) {
		const digits = Math.min(2 + Math.floor(tries / TRIES_PER_LENGTH), MAX_DIGITS);
		const name = `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${randomInt(2, 10 ** digits)}`;
		if (!taken(name)) return name;
	}
}

export function personalDomain(name: string): string {
	return `${name}${SANDBOX_TLD}`;
}

/** A submission password: 96 random bits, in characters a mail program's field accepts. */
export function personalPassword(): string {
	return randomBytes(12).toString('base64url');
}

function pick(words: string[]): string {
	return words[randomInt(words.length)];
}
