/**
 * Reading the README's hand-written tables, for the tests that check them against the tables in
 * the code they copy.
 */
import { readFileSync } from 'node:fs';

const readme = readFileSync('README.md', 'utf8');

/** The README's section, from its heading to the next heading of the same level. */
export function section(title: string): string {
	const start = readme.indexOf(`\n## ${title}\n`);
	if (start < 0) throw new Error(`README has no section "${title}"`);
	const end = readme.indexOf('\n## ', start + 1);
	return readme.slice(start, end < 0 ? undefined : end);
}

/**
 * The rows of the Markdown table whose header line starts with `header`: cells as written, or
 * without backticks when `stripBackticks` (for comparing with the plain values of a table).
 */
export function tableRows(
	text: string,
	header: string,
	{ stripBackticks = false }: { stripBackticks?: boolean } = {}
): string[][] {
	const lines = text.split('\n');
	const at = lines.findIndex((line) => line.startsWith(header));
	if (at < 0) throw new Error(`no table starting "${header}"`);
	const rows: string[][] = [];
	for (const line of lines.slice(at + 2)) {
		if (!line.startsWith('|')) break;
		rows.push(
			line
				.slice(1, -1)
				.split(' | ')
				.map((cell) => (stripBackticks ? cell.trim().replace(/`/g, '') : cell.trim()))
		);
	}
	return rows;
}
