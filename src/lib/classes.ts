/**
 * Classes (a teacher and the students who joined with a code): the join code, the nickname and
 * the addresses they make, and the shapes the class API answers with. Pure, shared by the server
 * (server/classes/) and the pages (/class, /join).
 *
 * A join code is a DNS label (RFC 1035 §2.3.1: letters and digits) and a nickname a mailbox's
 * local part (RFC 5321 §4.1.2 Dot-string, at most 64 octets by §4.5.3.1.1): a student of class
 * `K7M4QP` called `Ana` is `ana@k7m4qp.class.test` (RFC 2606 §2: .test is never a real domain).
 * Both are compared case-insensitively: the domain always is (RFC 4343 §2), and the local part
 * is here, where the sandbox alone reads it.
 */
import type { ExerciseProgress, Handout } from './exercises/progress';
import { SANDBOX_TLD } from './sandboxPolicy';

// The join code has a module of its own, which the navigation imports alone (see there).
export {
	JOIN_CODE_ALPHABET,
	JOIN_CODE_LENGTH,
	isJoinCode,
	normaliseJoinCode,
	spacedJoinCode
} from './joinCode';
/** Below the class domain of every class: `<code>.class.test`. */
export const CLASS_DOMAIN_SUFFIX = `.class${SANDBOX_TLD}`;
/** RFC 5321 §4.5.3.1.1: the maximum total length of a user name or other local-part. */
export const NICKNAME_MAX_OCTETS = 64;
/** A class's name, as the teacher types it: shown on the projector and the join page. */
export const CLASS_NAME_MAX_CHARACTERS = 80;

/** The class's mail domain: `k7m4qp.class.test`. */
export function classDomain(code: string): string {
	return `${code.toLowerCase()}${CLASS_DOMAIN_SUFFIX}`;
}

/** A domain below `.class.test` (any case): a class's, live or ended, or a mistyped one. */
export function isClassDomain(domain: string): boolean {
	const d = domain.toLowerCase().replace(/\.$/, '');
	return d.endsWith(CLASS_DOMAIN_SUFFIX) && d.length > CLASS_DOMAIN_SUFFIX.length;
}

/**
 * The local part of the class-wide address, `class@k7m4qp.class.test`: mail the class's teacher
 * sends there reaches every student. No student may take it as a nickname.
 */
export const CLASS_WIDE_LOCAL_PART = 'class';

/** The class-wide address: `class@k7m4qp.class.test`. */
export function classWideAddress(code: string): string {
	return `${CLASS_WIDE_LOCAL_PART}@${classDomain(code)}`;
}

/** The student's address, and their submission user name: `ana@k7m4qp.class.test`. */
export function studentAddress(nickname: string, code: string): string {
	return `${nickname.toLowerCase()}@${classDomain(code)}`;
}

/**
 * Letters, digits, `-` and `_`, with single dots between them: a Dot-string of RFC 5321 §4.1.2
 * that needs no quoting anywhere, typed on any keyboard. Other atext characters (`!#$%&'*+/=?^{|}~`)
 * are valid in a local part too, but a nickname read aloud in class should not need them.
 */
const NICKNAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Why the nickname cannot be used, or null when it can (uniqueness is the server's to check). */
export function nicknameProblem(nickname: string): string | null {
	if (nickname.length === 0) return 'Choose a nickname.';
	if (new TextEncoder().encode(nickname).length > NICKNAME_MAX_OCTETS)
		return `A nickname is at most ${NICKNAME_MAX_OCTETS} characters: it becomes the part of your address before the @ (RFC 5321 §4.5.3.1.1).`;
	if (!NICKNAME.test(nickname))
		return 'Use letters, digits, "-" and "_", with single dots between them: your nickname becomes the part of your address before the @ (RFC 5321 §4.1.2).';
	if (nicknameKey(nickname) === CLASS_WIDE_LOCAL_PART)
		return `"${CLASS_WIDE_LOCAL_PART}" is taken by the class itself: mail to ${CLASS_WIDE_LOCAL_PART}@ reaches every student. Choose another nickname.`;
	return null;
}

/** How the same nickname is recognised whatever its case. */
export function nicknameKey(nickname: string): string {
	return nickname.toLowerCase();
}

// ---- What the class API answers (JSON) ----

/** What anyone with the code may know: the join page. */
export interface ClassInvitation {
	code: string;
	name: string;
	/** When the class ends by itself (CLASS_RETENTION_DAYS after it began), ms since the epoch. */
	endsAt: number;
	students: number;
	maxStudents: number;
}

/** A student as they see themselves after joining (and rejoining). */
export interface StudentCard {
	code: string;
	className: string;
	nickname: string;
	/** Also the submission user name. */
	address: string;
	/** The submission password: the owner's personal one (shown on /connect too). */
	password: string;
	/** With the code and the nickname, brings this student back on another browser. */
	rejoinCode: string;
}

/** A student in the teacher's roster. */
export interface RosterRow {
	nickname: string;
	address: string;
	joinedAt: number;
	/** A page of theirs holds a WebSocket to the lab now. */
	connected: boolean;
	/** Their newest session, or null before the first. */
	session: {
		id: string;
		listener: string;
		live: boolean;
		/** The protocol state after the newest reply (src/lib/smtp state names). */
		state: string | null;
		/** 2, 3, 4 or 5: the class of the newest reply, or null before one. */
		lastReplyClass: number | null;
		/** When its newest line (either side's) was recorded, ms since the epoch: how long it idles. */
		lastLineAt: number;
	} | null;
	/** Over all their sessions in the class. */
	replies4xx: number;
	replies5xx: number;
	/** The example they have open and the step they are on, or null. */
	example: { id: string; step: number } | null;
	/** Their progress on each handed-out exercise, in the class's handout order. */
	exercises: ExerciseProgress[];
}

/** The class as its teacher sees it. */
export interface ClassConsole extends ClassInvitation {
	id: string;
	createdAt: number;
	/** `/join?code=K7M4QP` on this server: what the QR code says. */
	joinPath: string;
	/** `/class/K7M4QP/teach#key=…`: reopens the class as its teacher on another device. */
	teacherPath: string;
	roster: RosterRow[];
	/** The session the teacher put on every student's screen, or null. */
	spotlight: string | null;
	/** The exercises handed out, oldest first. */
	handouts: Handout[];
}
