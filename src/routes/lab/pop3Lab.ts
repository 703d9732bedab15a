/**
 * The lab's POP3 parts, loaded with a dynamic import() only when a POP3 listener is picked, so
 * /lab's first load carries none of them (bench/labBrowser.ts, budget 150 KB gzipped): where a
 * response ends, completion from the POP3 command table, the state diagram's POP3 states, and how
 * a session says goodbye. imapLab.ts has the same exports for IMAP.
 */
import type { SessionEvent } from '$lib/messages';
import { completePop3, saslMechanismsIn } from '$lib/terminal/completePop3';

export { Pop3Responses as Responses } from '$lib/terminal/pop3Responses';
export { pop3DiagramStates as diagramStates } from '$lib/components/pop3Diagram';

/** Completion in the session's state, with the SASL mechanisms its last CAPA listed. */
export function complete(before: string, state: string | null, events: readonly SessionEvent[]) {
	const serverLines = events.filter((e) => e.dir === 'server').map((e) => e.text);
	return completePop3(before, state, saslMechanismsIn(serverLines));
}

/** POP3 has no tags. */
export const nextTag = null;

/** RFC 1939 §6: QUIT is answered by +OK. */
export function saidGoodbye(lastCommand: string, lastReply: string): boolean {
	return /^QUIT\s*$/i.test(lastCommand) && lastReply.startsWith('+OK');
}
