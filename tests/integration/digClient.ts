/**
 * Debian's dig (bind9-dnsutils, checked by tests/prerequisites.js) asking a lab's name server, its
 * answer read into the parts the DNS tests check.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DigResult {
	stdout: string;
	status: string;
	flags: string[];
	answer: string[];
	authority: string[];
	additional: string[];
}

/**
 * Runs `dig @127.0.0.1 -p <port> <options> <type> <name>`, one try of 5 s. With `squeezeWhitespace`
 * a section's lines have each run of white space as one space (dig aligns columns with tabs);
 * without, they are as printed, for reading TXT strings exactly.
 */
export async function dig(
	port: number,
	type: string,
	name: string,
	options: string[] = [],
	{ squeezeWhitespace = false }: { squeezeWhitespace?: boolean } = {}
): Promise<DigResult> {
	const { stdout } = await run('/usr/bin/dig', [
		'@127.0.0.1',
		'-p',
		String(port),
		'+tries=1',
		'+time=5',
		...options,
		type,
		name
	]);
	const section = (title: string) => {
		const at = stdout.indexOf(`;; ${title} SECTION:\n`);
		if (at < 0) return [];
		const lines = stdout.slice(at).split('\n').slice(1);
		const printed = lines.slice(0, lines.indexOf(''));
		return squeezeWhitespace ? printed.map((line) => line.replace(/\s+/g, ' ')) : printed;
	};
	return {
		stdout,
		status: /status: (\w+)/.exec(stdout)?.[1] ?? '',
		flags: (/flags: ([a-z ]*);/.exec(stdout)?.[1] ?? '').split(' '),
		answer: section('ANSWER'),
		authority: section('AUTHORITY'),
		additional: section('ADDITIONAL')
	};
}
