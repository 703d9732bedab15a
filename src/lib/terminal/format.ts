import type { SessionEvent } from '../messages';
import { parseReply } from '../smtp/protocol/replyParser';
import { sanitizeForTerminal } from './sanitize';

/**
 * Terminal line styles. They use the 16 basic ANSI colours, which the terminal theme maps to
 * shades chosen for contrast on its dark background (see `terminalTheme`).
 */
const SGR = {
	client: '\x1b[1;37m', // bold white: what the learner typed
	class2: '\x1b[32m',
	class3: '\x1b[34m',
	class4: '\x1b[33m',
	class5: '\x1b[31m',
	server: '\x1b[37m',
	system: '\x1b[35m',
	note: '\x1b[2;3m', // dim italic: the lab's own remarks
	reset: '\x1b[0m'
} as const;

/** Theme for xterm: every foreground has at least 7:1 contrast on the background. */
export const terminalTheme = {
	background: '#0b1220',
	foreground: '#e5e7eb',
	cursor: '#fbbf24',
	cursorAccent: '#0b1220',
	selectionBackground: '#334155',
	black: '#0b1220',
	red: '#fca5a5',
	green: '#86efac',
	yellow: '#fcd34d',
	blue: '#93c5fd',
	magenta: '#d8b4fe',
	cyan: '#67e8f9',
	white: '#e5e7eb',
	brightBlack: '#94a3b8',
	brightWhite: '#ffffff'
};

const PREFIX = { client: 'C: ', server: 'S: ', system: '*  ' } as const;

const IMAP_STATUS_CLASS: Record<string, 'class2' | 'class4' | 'class5'> = {
	OK: 'class2',
	PREAUTH: 'class2',
	NO: 'class5',
	BAD: 'class5',
	BYE: 'class4'
};

function classStyle(text: string): string {
	// POP3's status indicators (RFC 1939 §3) in the colours of SMTP's success and refusal.
	if (/^\+OK\b/.test(text)) return SGR.class2;
	if (/^-ERR\b/.test(text)) return SGR.class5;
	const reply = parseReply(text.split('\n', 1)[0]);
	if (reply) return SGR[`class${Math.floor(reply.code / 100)}` as 'class2'];
	// IMAP's status responses, tagged or untagged (RFC 3501 §7.1): OK as a success, NO and BAD as
	// refusals, BYE as the server closing. One line only: a literal's text is never a status.
	const imap = /^(?:\*|[A-Za-z0-9.]+) (OK|PREAUTH|NO|BAD|BYE)(?: |$)/.exec(text);
	if (imap && !text.includes('\n')) return SGR[IMAP_STATUS_CLASS[imap[1]]];
	return SGR.server;
}

/**
 * A TAB is whitespace (a folded header field's continuation starts with one, RFC 5322 §2.2.3):
 * spaces to the next 8-column stop, not a control picture that fonts may lack.
 */
function expandTabs(line: string): string {
	return line.replace(/[^\t]*\t/g, (run) => run.slice(0, -1).padEnd((run.length + 7) & ~7));
}

/** One styled terminal line per line of the event's text, sanitised. */
export function formatEvent(event: Pick<SessionEvent, 'dir' | 'text'>): string[] {
	const style =
		event.dir === 'client'
			? SGR.client
			: event.dir === 'system'
				? SGR.system
				: classStyle(event.text);
	return event.text
		.replace(/\n$/, '')
		.split('\n')
		.map(
			(line) => `${style}${PREFIX[event.dir]}${sanitizeForTerminal(expandTabs(line))}${SGR.reset}`
		);
}

/** A remark by the lab itself (not on the wire), dimmed so it never passes for a reply. */
export function formatNote(text: string): string {
	return `${SGR.note}${sanitizeForTerminal(text)}${SGR.reset}`;
}

export const PROMPT_STYLE = { command: '\x1b[1;36m', data: '\x1b[1;33m' } as const;
