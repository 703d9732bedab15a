/**
 * The lab's IMAP parts, loaded with a dynamic import() only when an IMAP listener is picked, so
 * /lab's first load carries none of them (bench/labBrowser.ts, budget 150 KB gzipped): where a
 * response ends (its tagged completion), completion from the IMAP command and state tables with
 * the next tag, the state diagram's IMAP states, and how a session says goodbye.
 */
import type { SessionEvent } from '$lib/messages';
import { completeImap } from '$lib/terminal/completeImap';
import { nextImapTag } from '$lib/terminal/imapResponses';

export { ImapResponses as Responses } from '$lib/terminal/imapResponses';
export { imapDiagramStates as diagramStates } from '$lib/components/imapDiagram';
export { nextImapTag as nextTag };

/** Completion in the session's state, the next tag offered on an empty line. */
export function complete(before: string, state: string | null, events: readonly SessionEvent[]) {
	return completeImap(before, state, nextImapTag(events));
}

/** RFC 3501 §6.1.3: LOGOUT is answered by an untagged BYE, then the tagged OK. */
export function saidGoodbye(lastCommand: string, lastReply: string): boolean {
	return /^\S+ LOGOUT\s*$/i.test(lastCommand) && /^\S+ OK\b/i.test(lastReply);
}
