import type { ListenerName } from '../../src/lib/messages';
import { SessionAnnotator } from '../../src/lib/smtp/annotate/annotate';
import type { Annotator } from './sessionRecorder';

/** Each recorded session gets its own stateful annotator from the shared engine (src/lib/smtp). */
export function createAnnotator(listener: ListenerName): Annotator {
	return new SessionAnnotator({ listener });
}
