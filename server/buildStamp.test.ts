import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAMP, newestInput, staleBecause } from './buildStamp.js';

// Real files in a temp dir, with their times set explicitly (no waiting, no clock races).
const T0 = new Date('2026-01-01T10:00:00Z');
const BEFORE = new Date('2026-01-01T09:00:00Z');
const AFTER = new Date('2026-01-01T11:00:00Z');

let root: string;
function file(path: string, at: Date) {
	const full = join(root, path);
	mkdirSync(dirname(full), { recursive: true });
	writeFileSync(full, path);
	utimesSync(full, at, at);
}

beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'smtp-lab-stamp-'));
	file('src/routes/+page.svelte', BEFORE);
	file('src/lib/smtp/replyCodes.ts', BEFORE);
	file('server/index.ts', BEFORE);
	file('package.json', BEFORE);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const built = () => {
	file('build/server/index.js', T0);
	file(STAMP, T0);
};

describe('staleBecause: npm start builds only when the sources are newer than the build', () => {
	it('a fresh clone (no build) must build', () => {
		expect(staleBecause(root)).toBe('no build yet');
	});

	it('a build without its stamp (it failed half-way) must build again', () => {
		file('build/server/index.js', T0);
		expect(staleBecause(root)).toBe('no build yet');
	});

	it('sources older than the stamp: up to date', () => {
		built();
		expect(staleBecause(root)).toBeNull();
	});

	it.each([
		['a deeply nested source', 'src/lib/smtp/replyCodes.ts'],
		['the server', 'server/index.ts'],
		['package.json', 'package.json'],
		['a new file in static/', 'static/favicon.svg'],
		['vite.config.ts', 'vite.config.ts']
	])('%s changed after the build started: stale', (_name, path) => {
		built();
		file(path, AFTER);
		expect(staleBecause(root)).toBe('sources changed since the last build');
	});

	it('a test file changed after the build: still up to date (tests are not built)', () => {
		built();
		file('src/lib/smtp/replyCodes.test.ts', AFTER);
		file('server/index.spec.ts', AFTER);
		expect(staleBecause(root)).toBeNull();
	});

	it('newestInput finds the latest time among files and folders, absent inputs ignored', () => {
		file('server/sandbox/policy.ts', AFTER);
		expect(newestInput(root, ['src', 'server', 'no-such-folder'])).toBe(AFTER.getTime());
		expect(newestInput(root, ['no-such-folder'])).toBe(0);
	});
});
