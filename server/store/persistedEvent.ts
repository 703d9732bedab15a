/**
 * A session's events as the database keeps them: without the annotation where the session
 * annotator gives it back when it reads the session's lines again, in order, at load. The
 * annotation (teaching text, citations, notes) was two thirds of an event's bytes and most of
 * the database's write time (npm run bench); it is a function of the lines read before it.
 * Storage-agnostic: every persistence writes and loads these.
 */
import type { Annotation, SessionEvent } from '../../src/lib/messages';
import type { Annotator } from '../recorder/sessionRecorder';

/** How the recorder's annotator read an event (see SessionRecorder). */
export interface EventReading {
	/** The line was read as a message's whole content (the DATA event). */
	isData: boolean;
	/**
	 * The annotation is exactly what the annotator said (with `note` after its notes), and the
	 * annotator read every earlier line as it was stored (false once a line was masked: the
	 * annotator saw the credential).
	 */
	exact: boolean;
	/** A note the recorder added after the annotator's (how much of a long message is shown). */
	note?: string;
}

export interface PersistedEvent extends Omit<SessionEvent, 'annotation'> {
	/** Present when reading the lines again would not give it back. */
	annotation?: Annotation;
	/** How the annotator read the line; absent for the store's own events, never read. */
	read?: 'line' | 'data';
	/** The recorder's note, added after the annotator's when the annotation is given back. */
	note?: string;
}

/**
 * The form to write: `reading` is how the annotator read it, if it did. An exact annotation is
 * not even read: the recorder makes it only when someone asks (SessionRecorder's #unread).
 */
export function persistedEvent(event: SessionEvent, reading?: EventReading): PersistedEvent {
	const { seq, at, dir, text, anomalies, replyId, messageId, kind } = event;
	// SessionEvent's field order; absent fields are undefined, which JSON leaves out.
	const stored: PersistedEvent = { seq, at, dir, text, anomalies, replyId, messageId, kind };
	if (reading) stored.read = reading.isData ? 'data' : 'line';
	if (!reading?.exact) stored.annotation = event.annotation;
	else if (reading.note) stored.note = reading.note;
	return stored;
}

/**
 * The events as recorded: `annotator`, of the session's listener, reads the lines in order, as
 * the recorder's did, and gives each its annotation unless one was stored. A fresh annotator
 * reads a whole session; one that already read the session's earlier events goes on with the
 * next ones (a session another instance records arrives a batch at a time: LabStore.applyRemote).
 */
export function restoredEvents(annotator: Annotator, stored: PersistedEvent[]): SessionEvent[] {
	return stored.map(({ read, annotation, note, seq, at, dir, text, anomalies, ...rest }) => {
		const derived = read
			? annotator.annotate({ dir, text, kind: rest.kind, isData: read === 'data' })
			: undefined;
		if (derived && note) derived.notes = [...(derived.notes ?? []), note];
		// The recorder's field order, so that an event reads the same as before the restart.
		return { seq, at, dir, text, anomalies, annotation: annotation ?? derived!, ...rest };
	});
}
