import { commandsByVerb } from '../tables/commands';

/*
 * RFC 2920 §3.1: "The EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP commands can only appear as
 * the last command in a group since their success or failure produces a change of state which
 * the client SMTP must accommodate." STARTTLS and AUTH change the session just as much (TLS
 * starts; a challenge may follow), so they end a group too (CommandRow.endsPipelineGroup).
 * The message content is sent only after 354, and "is explicitly allowed to be the first
 * 'command' in a group".
 */

export interface PipelineGroup {
	/** Lines sent together before reading any reply. */
	lines: string[];
	/** What this group holds. */
	kind: 'commands' | 'content' | 'auth-response';
	/** The verb that ends the group (the client must read its reply first), if any. */
	endsWith?: string;
}

const VERB = /^\s*([A-Za-z][A-Za-z0-9-]*)/;

function verbOf(line: string): string | undefined {
	const m = VERB.exec(line);
	const verb = m?.[1].toUpperCase();
	return verb && commandsByVerb.has(verb) ? verb : undefined;
}

/** Splits a pasted block of client lines into the groups a pipelining client would send. */
export function splitPipelineGroups(block: string): PipelineGroup[] {
	const lines = block.split(/\r?\n/);
	if (lines.length && lines[lines.length - 1] === '') lines.pop();
	const groups: PipelineGroup[] = [];
	let current: PipelineGroup = { lines: [], kind: 'commands' };
	let mode: 'commands' | 'content' | 'auth' = 'commands';
	const close = (endsWith?: string) => {
		if (current.lines.length) groups.push({ ...current, endsWith });
		current = { lines: [], kind: 'commands' };
	};
	for (const line of lines) {
		if (mode === 'content') {
			current.lines.push(line);
			if (line === '.') mode = 'commands';
			continue;
		}
		const verb = verbOf(line);
		if (mode === 'auth' && !verb) {
			close();
			groups.push({ lines: [line], kind: 'auth-response' });
			continue;
		}
		mode = 'commands';
		current.lines.push(line);
		if (!verb) continue;
		const row = commandsByVerb.get(verb)!;
		if (row.endsPipelineGroup) {
			close(verb);
			if (verb === 'DATA') {
				mode = 'content';
				current.kind = 'content';
			} else if (verb === 'AUTH') mode = 'auth';
		}
	}
	close();
	return groups;
}
