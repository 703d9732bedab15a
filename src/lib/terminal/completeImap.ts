/**
 * Tab completion on an IMAP session. Every command starts with a tag (RFC 3501 §2.2.1): on an
 * empty line the lab offers the next one; after a tag, the commands the IMAP state table allows
 * in the session's state (any other is answered BAD or NO, §3), with a space when the command
 * takes arguments; after AUTHENTICATE, PLAIN (the one mechanism offered, RFC 4616).
 */
import { imapCommandsByName } from '../imap/commands';
import { imapStatesById } from '../imap/stateMachine';

/** The commands valid in a state; before the greeting names one, those of not authenticated. */
export function imapCommandsIn(state: string | null): readonly string[] {
	const row = imapStatesById.get(state ?? '');
	return row?.validNext.length
		? row.validNext
		: imapStatesById.get('imap-not-authenticated')!.validNext;
}

/** A syntax with nothing after the command name (IDLE's "… DONE" is a later line, RFC 2177 §3). */
const TAKES_NOTHING = /^tag (\[UID\] )?\S+( … DONE)?$/;

/** Candidates replacing the text before the cursor; the line editor filters them by prefix. */
export function completeImap(before: string, state: string | null, nextTag: string): string[] {
	const words = before.split(' ');
	if (words.length === 1) return [`${nextTag} `];
	const [tag] = words;
	if (words.length === 2)
		return imapCommandsIn(state).map((name) =>
			TAKES_NOTHING.test(imapCommandsByName.get(name)?.syntax ?? '')
				? `${tag} ${name}`
				: `${tag} ${name} `
		);
	if (words.length === 3 && /^AUTHENTICATE$/i.test(words[1])) return [`${tag} AUTHENTICATE PLAIN`];
	return [];
}
