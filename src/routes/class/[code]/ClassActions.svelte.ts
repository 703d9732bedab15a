import { invalidate } from '$app/navigation';
import { classApi } from '$lib/client/classRequests';
import type { Handout } from '$lib/exercises/progress';
import { myClasses } from '$lib/client/myClasses.svelte';

/** What DELETE /api/classes/<code> answers: the class's data that ending deleted. */
export interface Ending {
	deletedSessions: number;
	deletedMessages: number;
}

/**
 * The teacher's actions on their class: hand out and withdraw an exercise, release a nickname,
 * end the class. A refusal throws with the server's words, which the page (or the
 * ConfirmDialog) shows.
 */
export class ClassActions {
	/** Set once the class has ended: the page then says what went, instead of the console. */
	ended = $state<Ending | null>(null);
	readonly #code: string;

	constructor(code: string) {
		this.#code = code;
	}

	/** Hands the exercise out to the class; the class's handouts after it. */
	async handOut(exercise: string): Promise<Handout[]> {
		const answer = await classApi<{ handouts: Handout[] }>(
			'POST',
			`/api/classes/${this.#code}/exercises`,
			{ exercise }
		);
		if (!answer.ok) throw new Error(answer.error ?? `the server answered ${answer.status}`);
		return answer.value.handouts;
	}

	/** Withdraws a handed-out exercise (the server forgets its passes); the handouts left. */
	async withdraw(exercise: string): Promise<Handout[]> {
		const answer = await classApi<{ handouts: Handout[] }>(
			'DELETE',
			`/api/classes/${this.#code}/exercises/${encodeURIComponent(exercise)}`
		);
		if (!answer.ok) throw new Error(answer.error ?? `the server answered ${answer.status}`);
		return answer.value.handouts;
	}

	async release(nickname: string): Promise<void> {
		const answer = await classApi(
			'DELETE',
			`/api/classes/${this.#code}/students/${encodeURIComponent(nickname)}`
		);
		if (!answer.ok) throw new Error(answer.error ?? `the server answered ${answer.status}`);
		await invalidate('app:class');
	}

	async end(): Promise<void> {
		const answer = await classApi<Ending>('DELETE', `/api/classes/${this.#code}`);
		if (!answer.ok) throw new Error(answer.error ?? `the server answered ${answer.status}`);
		this.ended = answer.value;
		void myClasses.refresh();
	}
}
