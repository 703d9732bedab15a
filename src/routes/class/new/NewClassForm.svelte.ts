import { CLASS_NAME_MAX_CHARACTERS, type ClassConsole } from '$lib/classes';
import { classApi, refusal } from '$lib/client/classRequests';
import { myClasses } from '$lib/client/myClasses.svelte';

/** /class/new: a name makes a class whose teacher is this browser (POST /api/classes). */
export class NewClassForm {
	name = $state('');
	problem = $state<string | null>(null);
	busy = $state(false);

	/** The new class, or null when refused (`problem` says why). */
	async submit(): Promise<ClassConsole | null> {
		const name = this.name.trim();
		this.problem =
			name.length === 0
				? 'Give the class a name: students see it when they join.'
				: name.length > CLASS_NAME_MAX_CHARACTERS
					? `A class name is at most ${CLASS_NAME_MAX_CHARACTERS} characters.`
					: null;
		if (this.problem) return null;
		this.busy = true;
		try {
			const answer = await classApi<ClassConsole>('POST', '/api/classes', { name });
			if (answer.ok) {
				await myClasses.refresh();
				return answer.value;
			}
			this.problem = refusal('create', answer, '').message;
			return null;
		} finally {
			this.busy = false;
		}
	}
}
