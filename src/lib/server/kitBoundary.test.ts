/**
 * Issue 12 §7: SvelteKit's code (src/) imports nothing from server/ but types, so server code
 * (nodemailer, smtp-server, sockets) never lands in the Kit bundle; routes reach the lab only
 * through its narrow interface (server/labApi.ts, via src/lib/server/labAccess.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const SERVER = join(ROOT, 'server') + sep;

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sources(path);
		return /\.(ts|js|svelte)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
	});
}

/** Static imports and re-exports (not `import type` / `export type`), and dynamic import(). */
const VALUE_IMPORT =
	/(?:^|\n)\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function serverValueImports(file: string, text: string): string[] {
	const found: string[] = [];
	for (const match of text.matchAll(VALUE_IMPORT)) {
		const specifier = match[1] ?? match[2];
		if (!specifier.startsWith('.')) continue;
		if (resolve(dirname(file), specifier).startsWith(SERVER)) found.push(specifier);
	}
	return found;
}

describe('the boundary between SvelteKit and the server', () => {
	it('finds a value import of server code, and lets a type import through', () => {
		const file = join(ROOT, 'src/routes/api/x/+server.ts');
		const text = [
			"import { composeExample } from '../../../../server/examples/compose';",
			"import type { Lab } from '../../../../server/lab';",
			"export { LAB_API_KEY } from '../../../../server/labApi';",
			"const m = await import('../../../../server/lab');"
		].join('\n');
		expect(serverValueImports(file, text)).toEqual([
			'../../../../server/examples/compose',
			'../../../../server/labApi',
			'../../../../server/lab'
		]);
	});

	it('has no value import of server/ anywhere in src/', () => {
		const offenders = sources(join(ROOT, 'src')).flatMap((file) =>
			serverValueImports(file, readFileSync(file, 'utf8')).map(
				(specifier) => `${relative(ROOT, file)}: ${specifier}`
			)
		);
		expect(offenders).toEqual([]);
	});

	it('routes reach the lab only through labApi()', () => {
		const reaching = sources(join(ROOT, 'src/routes')).filter((file) =>
			/\blab\(\)|\.store\.|\.sandbox\.|\.bridge\./.test(readFileSync(file, 'utf8'))
		);
		expect(reaching.map((file) => relative(ROOT, file))).toEqual([]);
	});
});
