import type { Exercise } from './catalogue';
import type { ExerciseWork } from './work';

export type { ExerciseWork, ExerciseMessage, ExerciseSession } from './work';

export interface CheckResult {
	id: string;
	label: string;
	passed: boolean;
}

export interface ExerciseResult {
	exercise: string;
	checks: CheckResult[];
	/** Every check passed. */
	passed: boolean;
}

/** Runs an exercise's checklist over a student's work, in the checklist's order. */
export function evaluate(exercise: Exercise, work: ExerciseWork): ExerciseResult {
	const checks = exercise.checks.map((c) => ({ id: c.id, label: c.label, passed: c.passes(work) }));
	return { exercise: exercise.id, checks, passed: checks.every((c) => c.passed) };
}
