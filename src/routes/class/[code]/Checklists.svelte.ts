import { watchExercises } from '$lib/client/ClassChannel';
import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import type { Exercise } from '$lib/exercises/catalogue';
import {
	exerciseOf,
	progressBeforeWork,
	type ExerciseProgress,
	type Handout,
	type StudentExercises
} from '$lib/exercises/progress';

/** One handed-out exercise as the student's page shows it. */
export interface Checklist {
	handout: Handout;
	exercise: Exercise;
	progress: ExerciseProgress;
}

/**
 * A student's checklists on the exercises their teacher handed out (issue 16): the page's first
 * answer from GET /api/classes/<code>/exercises, then live over the class channel
 * (`watch-exercises` → `class-exercises`) as the server evaluates their work.
 */
export class Checklists {
	handouts = $state.raw<Handout[]>([]);
	progress = $state.raw<ExerciseProgress[]>([]);
	socketStatus = $state<SocketStatus>('connecting');
	/** The teacher ended the class (or its time was up) while the page was open. */
	classEnded = $state(false);

	/** Each handout with its exercise and the student's progress on it, oldest first. */
	readonly checklists: Checklist[] = $derived(
		this.handouts.map((handout) => ({
			handout,
			exercise: exerciseOf(handout),
			// A handout the progress does not cover yet (it just came): nothing passes yet.
			progress:
				this.progress.find((p) => p.exercise === handout.exercise) ??
				progressBeforeWork(handout, null)
		}))
	);

	constructor(first: StudentExercises | null = null) {
		if (first) this.take(first);
	}

	take(exercises: StudentExercises): void {
		this.handouts = exercises.handouts;
		this.progress = exercises.progress;
	}

	/** Keeps the checklists live on `socket` (the page's own); returns the cleanup. */
	listen(socket: LabSocket): () => void {
		const offStatus = socket.onStatus((status) => (this.socketStatus = status));
		const offExercises = watchExercises(socket, (exercises) => this.take(exercises));
		const offEnded = socket.onMessage((message) => {
			if (message.type === 'class-ended') this.classEnded = true;
		});
		return () => {
			offStatus();
			offExercises();
			offEnded();
		};
	}

	/** Opens a WebSocket of its own and keeps the checklists live (browser only). */
	start(): () => void {
		const socket = new LabSocket();
		const stop = this.listen(socket);
		return () => {
			stop();
			socket.close();
		};
	}
}
