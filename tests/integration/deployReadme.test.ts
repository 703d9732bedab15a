import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The README shows the heart of the deploy files (nginx site, systemd unit): each line it shows
 * must stand in the committed file, so the two cannot drift apart. The files themselves are run
 * by tests/e2e/reverseProxy.spec.ts.
 */
function block(readme: string, language: string): string[] {
	const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(readme);
	expect(match, `a \`\`\`${language} block in the README`).not.toBeNull();
	return match![1]
		.split('\n')
		.map((line) => line.replace(/\s+#.*$/, '').trim())
		.filter((line) => line && line !== '}' && !line.endsWith('{'));
}

const normalise = (text: string) =>
	text
		.split('\n')
		.map((line) => line.replace(/\s+#.*$/, '').trim())
		.filter(Boolean);

describe('the README shows the deploy files as they are', () => {
	const readme = readFileSync('README.md', 'utf8');

	it.each([
		['nginx', 'deploy/nginx/smtp-lab.conf'],
		['ini', 'deploy/smtp-lab.service']
	])('every line of its ```%s block stands in %s', (language, file) => {
		const lines = new Set(normalise(readFileSync(file, 'utf8')));
		for (const line of block(readme, language)) expect(lines, line).toContain(line);
	});
});
