/**
 * The visitor's classes (GET /api/classes/mine), for the site's navigation: the class they are a
 * student of, or the classes they teach. Read in the browser only, after the page loaded, so no
 * page's HTML carries a student's password; the class pages refresh it after joining, creating
 * and ending a class.
 */
import type { ClassInvitation, StudentCard } from '$lib/classes';

export interface Mine {
	student: StudentCard | null;
	teaching: ClassInvitation[];
}

class MyClasses {
	/** Null until the server answered (or when it cannot). */
	student = $state<Pick<StudentCard, 'code' | 'className' | 'nickname'> | null>(null);
	teaching = $state<Pick<ClassInvitation, 'code' | 'name'>[]>([]);

	async refresh(): Promise<void> {
		// A plain fetch, not classRequests' classApi: every page loads the navigation, and the
		// class forms' refusal tables would come with it.
		let mine: Mine;
		try {
			const response = await fetch('/api/classes/mine');
			if (!response.ok) return;
			mine = (await response.json()) as Mine;
		} catch {
			return; // offline or the server restarting: the navigation keeps what it had
		}
		const { student, teaching } = mine;
		this.student = student && {
			code: student.code,
			className: student.className,
			nickname: student.nickname
		};
		this.teaching = teaching.map(({ code, name }) => ({ code, name }));
	}
}

export const myClasses = new MyClasses();
