import { listenerRow } from '../../src/lib/listeners';
import type { ListenerName } from '../../src/lib/messages';
import { ImapAnnotator } from '../../src/lib/imap/annotate';
import { Pop3Annotator } from '../../src/lib/pop3/annotate';
import { SessionAnnotator } from '../../src/lib/smtp/annotate/annotate';
import type { Annotator } from './sessionRecorder';

/**
 * Each recorded session gets its own stateful annotator, the engine of its listener's protocol
 * (src/lib/smtp, src/lib/pop3, src/lib/imap); sessions loaded from the database are explained
 * through it too.
 */
export function createAnnotator(listener: ListenerName): Annotator {
	const { protocol } = listenerRow(listener);
	if (protocol === 'pop3') return new Pop3Annotator({ listener });
	if (protocol === 'imap') return new ImapAnnotator({ listener });
	return new SessionAnnotator({ listener });
}
