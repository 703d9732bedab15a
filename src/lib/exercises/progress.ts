/**
 * How a class stands on the exercises its teacher handed out (issue 16): the shapes the server
 * sends (the roster, the student's checklist, the CSV export) and the one way to compute them.
 */
import { EXERCISES_BY_ID, type Exercise } from './catalogue';
import { evaluate } from './evaluate';
import type { ExerciseWork } from './work';

/** An exercise the teacher handed out to the class; work counts from handedOutAt on. */
export interface Handout {
	/** The exercise's id in EXERCISES (src/lib/exercises/catalogue.ts). */
	exercise: string;
	handedOutAt: number;
}

/** One student's standing on one handed-out exercise. */
export interface ExerciseProgress {
	exercise: string;
	/** The exercise's checklist, in its order: which checks the student's work passes now. */
	checks: { id: string; passed: boolean }[];
	/**
	 * When every check first passed at once, or null. Kept once set (GitHub Classroom keeps a
	 * grade): deleting the work later does not take a pass back.
	 */
	passedAt: number | null;
}

/** What the student's page shows: the class's handouts and their own progress on each. */
export interface StudentExercises {
	handouts: Handout[];
	/** One per handout, in the same order. */
	progress: ExerciseProgress[];
}

/** The exercise a handout names (handouts only ever name catalogue exercises). */
export function exerciseOf(handout: Handout): Exercise {
	const exercise = EXERCISES_BY_ID.get(handout.exercise);
	if (!exercise) throw new Error(`no exercise ${handout.exercise}`);
	return exercise;
}

/**
 * The student's progress on a handout: its checks over the work done since it was handed out
 * (`work` already holds only that), and the pass time kept from before or `now` if it passes now.
 */
export function progressOn(
	handout: Handout,
	work: ExerciseWork,
	passedBefore: number | null,
	now: number
): ExerciseProgress {
	const result = evaluate(exerciseOf(handout), work);
	return {
		exercise: handout.exercise,
		checks: result.checks.map(({ id, passed }) => ({ id, passed })),
		passedAt: passedBefore ?? (result.passed ? now : null)
	};
}

/** A progress with no work yet: every check open. */
export function progressBeforeWork(handout: Handout, passedAt: number | null): ExerciseProgress {
	return {
		exercise: handout.exercise,
		checks: exerciseOf(handout).checks.map(({ id }) => ({ id, passed: false })),
		passedAt
	};
}
