/**
 * The lab's POP3 parts, loaded with a dynamic import() only when a POP3 listener is picked, so
 * /lab's first load carries none of them (bench/labBrowser.ts, budget 150 KB gzipped): where a
 * response ends, completion from the POP3 command table, and the state diagram's POP3 states.
 */
import type { SessionEvent } from '$lib/messages';
import { completePop3, saslMechanismsIn } from '$lib/terminal/completePop3';

export { Pop3Responses } from '$lib/terminal/pop3Responses';
export { pop3DiagramStates } from '$lib/components/pop3Diagram';

/** Completion in the session's state, with the SASL mechanisms its last CAPA listed. */
export function complete(before: string, state: string | null, events: readonly SessionEvent[]) {
	const serverLines = events.filter((e) => e.dir === 'server').map((e) => e.text);
	return completePop3(before, state, saslMechanismsIn(serverLines));
}
