/**
 * The class pages' side of the class API (class-design.md, "HTTP API"): what a typed code is
 * wrong about before it is sent, and beside which field a refusal of the server is shown, so a
 * student on a phone sees the problem where they typed.
 */
import {
	JOIN_CODE_ALPHABET,
	JOIN_CODE_LENGTH,
	isJoinCode,
	normaliseJoinCode,
	spacedJoinCode
} from '$lib/classes';

/** The requests a form of the class pages makes. */
export type ClassRequest = 'create' | 'join' | 'rejoin';
/** A form field, or the form as a whole for what belongs to no field. */
export type ClassField = 'name' | 'code' | 'nickname' | 'rejoinCode' | 'form';

/**
 * Beside which field each refusal of the API goes, by request and status (class-design.md's
 * route table); a status not listed goes to the form as a whole.
 */
const FIELD_OF_REFUSAL: Record<ClassRequest, Partial<Record<number, ClassField>>> = {
	create: {
		400: 'name', // a name that is empty, too long, or with control characters
		409: 'name', // this browser is a student: it cannot also teach
		429: 'name' // MAX_CLASSES_PER_OWNER reached
	},
	join: {
		400: 'nickname', // nicknameProblem(): not a local part (RFC 5321 §4.1.2, §4.5.3.1.1)
		403: 'code', // the class is full (CLASS_MAX_STUDENTS)
		404: 'code', // no class has this code
		409: 'nickname', // the nickname is taken (whatever its case), or this browser is in a class
		410: 'code' // the class has ended
	},
	rejoin: {
		400: 'nickname',
		403: 'rejoinCode', // nickname and rejoin code do not match
		404: 'code',
		410: 'code',
		429: 'rejoinCode' // CLASS_REJOIN_FAILURES_PER_MINUTE reached (the server says how long to wait)
	}
};

/** What the server refused, and where the page says so. */
export interface Refusal {
	field: ClassField;
	message: string;
}

/** The server's answer to a refused request. */
export interface RefusedAnswer {
	status: number;
	/** The `{ error }` of the JSON body, if any. */
	error: string | null;
}

/** Characters never in a code, because they are misread on a projector (0/O, 1/I/L, …). */
const MISREADABLE = /[0O1IL5S2Z8B]/;
/** A code that can be, to show the format. */
const EXAMPLE_CODE = 'K7M 4QP';

/** Why a typed join or rejoin code cannot be one, or null when it can (not that it exists). */
export function codeProblem(typed: string, what: 'class code' | 'rejoin code'): string | null {
	const code = normaliseJoinCode(typed);
	if (code.length === 0) return `Type the ${what}.`;
	if (isJoinCode(code)) return null;
	const format = `A ${what} is ${JOIN_CODE_LENGTH} letters and digits, like ${EXAMPLE_CODE}`;
	if (MISREADABLE.test(code))
		return `${format}; it never has 0, O, 1, I, L, 5, S, 2, Z, 8 or B (they are easily misread).`;
	if (code.length !== JOIN_CODE_LENGTH) return `${format}: you typed ${code.length}.`;
	return `${format}, from ${JOIN_CODE_ALPHABET}.`;
}

/**
 * Where a refused request is shown, and in which words: the server's (they name the limit or the
 * rule), or, for a code the server did not explain, ours. `code` is the class code that was sent.
 */
export function refusal(request: ClassRequest, answer: RefusedAnswer, code: string): Refusal {
	const field = FIELD_OF_REFUSAL[request][answer.status] ?? 'form';
	if (answer.error !== null) return { field, message: answer.error };
	if (answer.status === 404 && field === 'code')
		return {
			field,
			message: `No class has the code ${spacedJoinCode(code)}: check it on the projector. A class that has ended has no code any more.`
		};
	if (answer.status === 410 && field === 'code')
		return { field, message: `The class ${spacedJoinCode(code)} has ended.` };
	return { field, message: `The server answered ${answer.status}.` };
}

/** What a request to the class API gave: its JSON, or the refusal's parts. */
export type ApiAnswer<T> = { ok: true; value: T } | ({ ok: false } & RefusedAnswer);

/**
 * A JSON request to the class API, from a page (same origin: the owner cookie goes along), or
 * from a load function with its `fetch`.
 */
export async function classApi<T>(
	method: 'GET' | 'POST' | 'DELETE',
	path: string,
	body?: unknown,
	fetcher: typeof fetch = fetch
): Promise<ApiAnswer<T>> {
	let response: Response;
	try {
		response = await fetcher(path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		return { ok: false, status: 0, error: 'The lab server cannot be reached.' };
	}
	const json = (await response.json().catch(() => null)) as (T & { error?: unknown }) | null;
	if (response.ok) return { ok: true, value: json as T };
	return {
		ok: false,
		status: response.status,
		error: typeof json?.error === 'string' ? json.error : null
	};
}
