/**
 * "Try it from here" (issue 15): opens a fresh session of the learner's own on the listener of the
 * followed session and sends, reply by reply, what brings it to the same protocol point — with the
 * learner's class login and address, never the followed session's credentials or message
 * (src/lib/client/protocolPoint.ts). A refusal stops it and says why; then the learner types on.
 * Loaded by LabSession.tryFrom only when a page asks for it (/lab?from=…).
 */
import type { StudentCard } from '$lib/classes';
import { classApi } from '$lib/client/classRequests';
import {
	catchUpSteps,
	protocolPointOf,
	type CatchUpStep,
	type LearnerCredentials
} from '$lib/client/protocolPoint';
import type { SessionEvent, SessionSummary } from '$lib/messages';
import type { CatchUp, LabSession, Phase } from './LabSession.svelte';

/** What the catch-up drives: the lab, and the two of its private ways it needs. */
export interface CatchUpDriver {
	lab: LabSession;
	/** The next reply's code and line (null and '' when the session ended instead). */
	nextReply: () => Promise<{ code: number | null; line: string }>;
	/** A line of the lab's own in the terminal. */
	note: (text: string) => void;
}

export async function catchUpTo(sessionId: string, { lab, nextReply, note }: CatchUpDriver) {
	const followed = await classApi<{ session: SessionSummary; events: SessionEvent[] }>(
		'GET',
		`/api/sessions/${encodeURIComponent(sessionId)}`
	);
	if (!followed.ok) {
		lab.catchUp = {
			steps: [],
			done: true,
			problem:
				followed.status === 404
					? 'The session you followed is no longer there (it may have been cleared).'
					: `Could not read the session you followed: ${followed.error ?? followed.status}.`
		};
		return;
	}
	const mine = await classApi<{ student: StudentCard | null }>('GET', '/api/classes/mine');
	const student = mine.ok ? mine.value.student : null;
	const credentials: LearnerCredentials | null = student && {
		address: student.address,
		password: student.password
	};
	const point = protocolPointOf(followed.value.session.listener, followed.value.events);
	let steps: CatchUpStep[];
	try {
		steps = catchUpSteps(point, credentials, clientNameOf(credentials));
	} catch {
		lab.catchUp = {
			steps: [],
			done: true,
			problem:
				'The session you followed had logged in or started a message: to do the same with your own login and address, join a class first.'
		};
		return;
	}
	const catchUp: CatchUp = {
		steps: steps.map((step) => ({ ...step, status: 'waiting' })),
		problem: null,
		done: false
	};
	const update = (change: Partial<CatchUp>): void => {
		lab.catchUp = { ...catchUp, ...change };
	};
	update({});
	lab.listener = point.listener;
	const greeting = nextReply();
	lab.connect();
	// connect() did not get the request out (phase widened: TypeScript keeps the narrowing).
	if ((lab.phase as Phase) !== 'opening') return update({ done: true, problem: lab.error });
	const greeted = await greeting;
	if (greeted.code !== 220)
		return update({
			done: true,
			problem: `The server did not greet the new session: ${greeted.line || 'it closed it'}.`
		});
	for (const [i, step] of catchUp.steps.entries()) {
		catchUp.steps = catchUp.steps.with(i, { ...step, status: 'sent' });
		update({});
		const reply = nextReply();
		lab.submit(step.line);
		const { code, line } = await reply;
		const worked = code === step.expect;
		catchUp.steps = catchUp.steps.with(i, { ...step, status: worked ? 'done' : 'refused' });
		if (!worked)
			return update({
				done: true,
				problem: `${step.label} was answered “${line || 'nothing: the session ended'}”, so the rest was not sent. Carry on from here by hand.`
			});
	}
	update({ done: true });
	note("Your session is at the teacher's point, with your own login and address. Type on.");
}

/**
 * The EHLO name of a catch-up session: a host below the learner's class domain (RFC 5321 §4.1.1.1
 * asks for the client's own name; a learner's laptop has none in the sandbox).
 */
function clientNameOf(credentials: LearnerCredentials | null): string {
	const domain = credentials?.address.split('@')[1] ?? 'example.test';
	return `laptop.${domain}`;
}
