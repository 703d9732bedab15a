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

/** A name no one has yet (`taken` says whether one is in use). */
export function personalName(taken: (name: string) => boolean): string {
	for (;;) {
		const name = `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${randomInt(2, 100)}`;
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
