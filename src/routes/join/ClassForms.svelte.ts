import {
	nicknameProblem,
	normaliseJoinCode,
	type ClassInvitation,
	type StudentCard
} from '$lib/classes';
import {
	classApi,
	codeProblem,
	refusal,
	type ClassField,
	type ClassRequest
} from '$lib/client/classRequests';
import { myClasses } from '$lib/client/myClasses.svelte';

type Problems = Partial<Record<ClassField, string>>;

/**
 * What joining and rejoining share: the fields' problems (checked here first, then the server's
 * refusal beside its field), the request under way, and the student's card once in. The typed
 * values are never cleared by a refusal.
 */
abstract class StudentForm {
	code = $state('');
	nickname = $state('');
	problems = $state<Problems>({});
	busy = $state(false);
	/** The student, once joined or rejoined. */
	card = $state<StudentCard | null>(null);

	/** Problems found before sending, in the order of the fields. */
	protected abstract typedProblems(): Problems;
	protected abstract send(code: string): ReturnType<typeof classApi<StudentCard>>;
	protected abstract readonly request: ClassRequest;

	/** Sends the form; answers the field to move focus to when something is wrong. */
	async submit(): Promise<ClassField | null> {
		const typed = this.typedProblems();
		this.problems = typed;
		const [first] = Object.keys(typed) as ClassField[];
		if (first) return first;
		const code = normaliseJoinCode(this.code);
		this.busy = true;
		try {
			const answer = await this.send(code);
			if (answer.ok) {
				this.card = answer.value;
				void myClasses.refresh();
				return null;
			}
			const { field, message } = refusal(this.request, answer, code);
			this.problems = { [field]: message };
			return field;
		} finally {
			this.busy = false;
		}
	}

	protected codeAndNicknameProblems(): Problems {
		const problems: Problems = {};
		const code = codeProblem(this.code, 'class code');
		if (code) problems.code = code;
		const nickname = nicknameProblem(this.nickname.trim());
		if (nickname) problems.nickname = nickname;
		return problems;
	}
}

/** /join: a class code and a nickname make a new student (POST /api/classes/<code>/students). */
export class JoinForm extends StudentForm {
	protected readonly request = 'join';
	/** The class the code names, once looked up: its name confirms the code before joining. */
	invitation = $state<ClassInvitation | null>(null);

	constructor(code: string, invitation: ClassInvitation | null, problem: string | null) {
		super();
		this.code = code;
		this.invitation = invitation;
		if (problem) this.problems = { code: problem };
	}

	/** Looks the code up once it has the form of one. */
	async lookUp(): Promise<void> {
		const code = normaliseJoinCode(this.code);
		if (codeProblem(this.code, 'class code') !== null) {
			this.invitation = null;
			return;
		}
		if (this.invitation?.code === code) return;
		const answer = await classApi<ClassInvitation>('GET', `/api/classes/${code}`);
		// Typed on meanwhile: this answer is about another code.
		if (normaliseJoinCode(this.code) !== code) return;
		this.invitation = answer.ok ? answer.value : null;
		const others = { ...this.problems };
		delete others.code;
		this.problems = answer.ok ? others : { ...others, code: refusal('join', answer, code).message };
	}

	protected typedProblems(): Problems {
		return this.codeAndNicknameProblems();
	}

	protected send(code: string) {
		return classApi<StudentCard>('POST', `/api/classes/${code}/students`, {
			nickname: this.nickname.trim()
		});
	}
}

/**
 * /join's second form: the class code, the nickname and the rejoin code shown at joining bring a
 * student back on another browser (POST /api/classes/<code>/rejoin sets this browser's owner).
 */
export class RejoinForm extends StudentForm {
	protected readonly request = 'rejoin';
	rejoinCode = $state('');

	protected typedProblems(): Problems {
		const problems = this.codeAndNicknameProblems();
		const rejoinCode = codeProblem(this.rejoinCode, 'rejoin code');
		if (rejoinCode) problems.rejoinCode = rejoinCode;
		return problems;
	}

	protected send(code: string) {
		return classApi<StudentCard>('POST', `/api/classes/${code}/rejoin`, {
			nickname: this.nickname.trim(),
			rejoinCode: normaliseJoinCode(this.rejoinCode)
		});
	}
}
