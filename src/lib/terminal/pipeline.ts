/**
 * Plans how a pasted block of SMTP is sent. With PIPELINING (RFC 2920) commands go out in
 * groups without waiting for each reply; a group ends at a command whose outcome changes what
 * the client may send next. The message body waits for the 354 reply to DATA in every case.
 * @see https://www.rfc-editor.org/rfc/rfc2920#section-3.1
 */

/**
 * "EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP … can only appear as the last command in a
 * group" (RFC 2920 §3.1); STARTTLS (RFC 3207 §4) and AUTH (RFC 4954 §4) change the session too.
 */
const GROUP_ENDERS = new Set([
	'EHLO',
	'HELO',
	'DATA',
	'VRFY',
	'EXPN',
	'TURN',
	'QUIT',
	'NOOP',
	'STARTTLS',
	'AUTH',
	'BDAT'
]);

export type PasteStep =
	/** Commands sent together; the step is done when each has its reply. */
	| { kind: 'commands'; lines: string[] }
	/** Message lines for DATA, sent after 354; `complete` when the paste held the final ".". */
	| { kind: 'body'; lines: string[]; complete: boolean };

export function endsGroup(line: string): boolean {
	const verb = /^[A-Za-z]+/.exec(line)?.[0]?.toUpperCase() ?? '';
	return GROUP_ENDERS.has(verb);
}

/**
 * Splits pasted lines into steps. `inData` says the session already got its 354, so the paste
 * starts inside a message body.
 */
export function planPaste(
	lines: readonly string[],
	options: { pipelining: boolean; inData: boolean }
): PasteStep[] {
	const steps: PasteStep[] = [];
	let group: string[] = [];
	let body: string[] | null = options.inData ? [] : null;
	const flush = () => {
		if (group.length) steps.push({ kind: 'commands', lines: group });
		group = [];
	};
	for (const line of lines) {
		if (body) {
			if (line === '.') {
				steps.push({ kind: 'body', lines: [...body, '.'], complete: true });
				body = null;
			} else {
				body.push(line);
			}
			continue;
		}
		// A blank line between commands would only earn a 500: leave it out.
		if (line.trim() === '') continue;
		group.push(line);
		if (!options.pipelining || endsGroup(line)) flush();
		if (/^DATA\s*$/i.test(line)) body = [];
	}
	flush();
	if (body && body.length) steps.push({ kind: 'body', lines: body, complete: false });
	return steps;
}

/** What the lab says about a paste it is about to send. */
export function pasteNote(count: number, steps: readonly PasteStep[], pipelining: boolean): string {
	const groups = steps.filter((s) => s.kind === 'commands').length;
	return pipelining
		? `Pasted ${count} lines: the server offered PIPELINING, so they go out in ${groups} group(s) without waiting for each reply (RFC 2920); the message body waits for 354.`
		: `Pasted ${count} lines: the server did not offer PIPELINING, so each command waits for its reply.`;
}
