/**
 * The answer of POST /api/annotate, compact: teaching text is sent once and referred to. An
 * annotation's static part (title, summary, detail, RFC sections, reference key — rows of the
 * tables) goes to `teaching`, keyed by an id; its notes go to `notes`, each text once, by
 * index; each event keeps only its own states and those references. A 10,000-line transcript
 * of one command repeated carries its explanation once, not 10,000 times.
 */
import type { Annotation, Protocol, SessionEvent } from './messages';

export type Teaching = Omit<Annotation, 'notes' | 'stateBefore' | 'stateAfter'>;

export interface CompactAnnotation extends Pick<Annotation, 'stateBefore' | 'stateAfter'> {
	/** Key into AnnotateAnswer.teaching. */
	teaching: string;
	/** Indexes into AnnotateAnswer.notes. */
	notes?: number[];
}

export type CompactEvent = Omit<SessionEvent, 'annotation'> & { annotation: CompactAnnotation };

export interface AnnotateAnswer {
	/** The protocol the transcript was read as (asked for, or recognised); set by the endpoint. */
	protocol?: Protocol;
	events: CompactEvent[];
	teaching: Record<string, Teaching>;
	notes: string[];
}

/** Makes compact events one at a time (the server yields to its event loop between them). */
export class AnnotateAnswerCompactor {
	readonly teaching: Record<string, Teaching> = {};
	readonly notes: string[] = [];
	/** The engine reuses annotation objects: most lines are found by identity. */
	#byObject = new Map<Annotation, string>();
	#byText = new Map<string, string>();
	#noteIds = new Map<string, number>();

	compact(event: SessionEvent): CompactEvent {
		const { annotation, ...rest } = event;
		const { notes, stateBefore, stateAfter, ...teaching } = annotation;
		const own: CompactAnnotation = { teaching: this.#teachingId(annotation, teaching) };
		if (notes !== undefined) own.notes = notes.map((note) => this.#noteId(note));
		if (stateBefore !== undefined) own.stateBefore = stateBefore;
		if (stateAfter !== undefined) own.stateAfter = stateAfter;
		return { ...rest, annotation: own };
	}

	#teachingId(annotation: Annotation, teaching: Teaching): string {
		const known = this.#byObject.get(annotation);
		if (known) return known;
		const key = JSON.stringify(teaching);
		let id = this.#byText.get(key);
		if (!id) {
			id = `t${this.#byText.size + 1}`;
			this.#byText.set(key, id);
			this.teaching[id] = teaching;
		}
		this.#byObject.set(annotation, id);
		return id;
	}

	#noteId(note: string): number {
		let id = this.#noteIds.get(note);
		if (id === undefined) {
			id = this.notes.push(note) - 1;
			this.#noteIds.set(note, id);
		}
		return id;
	}
}

export function compactAnswer(events: Iterable<SessionEvent>): AnnotateAnswer {
	const compactor = new AnnotateAnswerCompactor();
	const compacted = [...events].map((event) => compactor.compact(event));
	return { events: compacted, teaching: compactor.teaching, notes: compactor.notes };
}

/** The events in the recorder's shape again, each with its whole annotation. */
export function expandAnnotateAnswer(answer: AnnotateAnswer): SessionEvent[] {
	return answer.events.map(({ annotation, ...rest }) => {
		const { teaching, notes, ...own } = annotation;
		const whole: Annotation = { ...answer.teaching[teaching], ...own };
		if (notes) whole.notes = notes.map((id) => answer.notes[id]);
		return { ...rest, annotation: whole };
	});
}
