/**
 * Tab completion on a POP3 session: the verbs the POP3 state table allows in the session's
 * state (RFC 1939 §3: any other gets -ERR), each with a space when its syntax takes an argument,
 * and the SASL mechanisms after AUTH that the server listed in CAPA (RFC 2449 §6.3).
 */
import { pop3CommandsByVerb } from '../pop3/commands';
import { pop3StatesById } from '../pop3/stateMachine';

/** The commands valid in a state; before the greeting names one, those of AUTHORIZATION. */
export function pop3CommandsIn(state: string | null): readonly string[] {
	return (
		pop3StatesById.get(state ?? '')?.validNext ??
		pop3StatesById.get('pop3-authorization')!.validNext
	);
}

/** Candidates replacing the text before the cursor; the line editor filters them by prefix. */
export function completePop3(
	before: string,
	state: string | null,
	saslMechanisms: readonly string[]
): string[] {
	if (!before.includes(' '))
		return pop3CommandsIn(state).map((verb) =>
			pop3CommandsByVerb.get(verb)?.syntax.includes(' ') ? `${verb} ` : verb
		);
	if (/^AUTH [^ ]*$/i.test(before)) return saslMechanisms.map((m) => `AUTH ${m}`);
	return [];
}

/** The mechanisms of the last "SASL" line of a CAPA response (RFC 2449 §6.3), upper case. */
export function saslMechanismsIn(capaLines: readonly string[]): string[] {
	const line = capaLines.findLast((l) => /^SASL\b/i.test(l));
	return line
		? line
				.split(/\s+/)
				.slice(1)
				.map((m) => m.toUpperCase())
		: [];
}
