/**
 * Exercises in a class (issue 16): what the live checklists cost the server. A lab in this process
 * (the checks run in it, as in production), a class of STUDENTS with every exercise of the
 * catalogue handed out, each student with SESSIONS_PER_STUDENT ended submission sessions of their
 * own (STARTTLS, AUTH with their class login, one message, QUIT) over real sockets. Measured per
 * student, median over the class: working a checklist out again (its ended sessions' annotated
 * events cached by ClassExercises), against the baseline of reading the same sessions' events
 * once (the store annotates an ended session again on each read): the work any page showing
 * them does.
 * With EXERCISE_EVALUATE_INTERVAL_MS, the worst case is every student re-evaluated that often.
 */
import { EXERCISE_EVALUATE_INTERVAL_MS } from '../server/classes/classExercises';
import type { Lab } from '../server/lab';
import { studentAddress } from '../src/lib/classes';
import { EXERCISES } from '../src/lib/exercises/catalogue';
import { startTestLab } from '../tests/integration/harness';
import { message, ready, transaction } from '../tests/integration/smtpSession';

const STUDENTS = 30;
const SESSIONS_PER_STUDENT = 10;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function studentSession(lab: Lab, login: [string, string], subject: string): Promise<void> {
	const { c } = await ready(lab, 'submission', login);
	const t = await transaction(c, login[0], ['bob@example.com'], message(subject));
	if (!t.end?.startsWith('250')) throw new Error(`not accepted: ${t.end}`);
	await c.command('QUIT');
	await c.closed;
}

export async function benchClassExercises(): Promise<string[]> {
	const lab = await startTestLab({ maxSessionsPerAddress: STUDENTS * 2 });
	try {
		const teacher = { ownerId: lab.owners.signer.issueOwner().id, operator: false };
		const room = lab.classes.create(teacher, 'Bench class');
		for (const exercise of EXERCISES) lab.bridge.classExercises.handOut(room, exercise.id);
		const students = Array.from({ length: STUDENTS }, (_, i) =>
			lab.classes.join(
				{ ownerId: lab.owners.signer.issueOwner().id, operator: false },
				room.code,
				`student${i}`
			)
		);
		await Promise.all(
			students.map(async (student) => {
				const login: [string, string] = [
					studentAddress(student.nickname, room.code),
					lab.owners.owner(student.ownerId).password
				];
				for (let n = 0; n < SESSIONS_PER_STUDENT; n++)
					await studentSession(lab, login, `${student.nickname} ${n}`);
			})
		);
		// Let the evaluations the sessions set off run out before measuring.
		await new Promise((resolve) => setTimeout(resolve, EXERCISE_EVALUATE_INTERVAL_MS * 3));

		const warm: number[] = [];
		const baseline: number[] = [];
		for (const student of students) {
			const sessions = [...lab.store.sessions.values()].filter((s) =>
				s.owners.includes(student.ownerId)
			);
			let started = performance.now();
			for (const stored of sessions) void stored.events.length;
			baseline.push(performance.now() - started);
			// Each checklist was worked out as the sessions ended: their events are cached now.
			lab.bridge.classExercises.workChanged([student.ownerId]);
			started = performance.now();
			await lab.bridge.classExercises.progress(student);
			warm.push(performance.now() - started);
		}
		const worstShare = (median(warm) * STUDENTS) / EXERCISE_EVALUATE_INTERVAL_MS;
		return [
			`one student's checklist, ${SESSIONS_PER_STUDENT} sessions, ${EXERCISES.length} exercises handed out (median of ${STUDENTS} students):`,
			`  worked out again: ${median(warm).toFixed(2)} ms; reading the same sessions' events once (baseline): ${median(baseline).toFixed(2)} ms; ratio ${(median(warm) / median(baseline)).toFixed(2)}`,
			`worst case, all ${STUDENTS} students typing at once (each re-evaluated every ${EXERCISE_EVALUATE_INTERVAL_MS} ms): ${(worstShare * 100).toFixed(1)} % of one core`
		];
	} finally {
		await lab.close();
	}
}
