/**
 * What /journey/<id> draws (issue 17): a message's journey as a sequence of steps, each an arrow
 * from one participant to the next. The shared head (mail program, submission server, queue) is
 * one row; then the split: one lane per leg (one destination server, RFC 5321 §4.5.4.1), each its
 * lookup, its tries, the mailbox or the bounce, and its readers (issue 18). Pure: the
 * page renders it, the tests read it.
 */
import {
	JOURNEY_RULES,
	type Journey,
	type JourneyLeg,
	type JourneyRead
} from '$lib/delivery/journey';
import { mailboxLabel, readerActNote } from '$lib/mail/readerActs';
import { utcTime } from '$lib/mail/format';
import { OUTGOING_HOST } from '$lib/delivery/mailHosts';
import type { RfcRef } from '$lib/messages';
import { ref } from '$lib/smtp/rfc';
import { onwardStepTable, type OnwardStepId } from '$lib/smtp/tables/onwardDelivery';

/** How a step stands: the page gives each a colour, a symbol and a word. */
export type StepTone =
	| 'done' // it happened and went through
	| 'waiting' // it happened and must be tried again (4xx, no connection)
	| 'failed' // refused for good, or bounced
	| 'pending' // due now or next
	| 'future'; // not part of the journey yet (the reading side)

export interface StepLink {
	href: string;
	label: string;
}

export type StepKind =
	| 'submit'
	| 'accept'
	| 'queue'
	| 'resend'
	| 'lookup'
	| 'attempt'
	| 'next'
	| 'delay'
	| 'mailbox'
	| 'bounce'
	| 'reading';

export interface SequenceStep {
	/** The element id, so that /journey/<id>#<anchor> opens at this step. */
	anchor: string;
	kind: StepKind;
	/** The arrow: who hands what to whom. */
	from: string;
	to: string;
	title: string;
	/** What happened, a line each (replies are shown as sent). */
	lines: string[];
	tone: StepTone;
	links: StepLink[];
	/** When it happened, on both clocks. */
	at: { real: number; simulated: number } | null;
	/** Why it happens so, with its RFC sections. */
	explains: { text: string; rfc: readonly RfcRef[] } | null;
}

export interface SequenceLane {
	/** `leg-<id>`: the whole lane. */
	anchor: string;
	leg: JourneyLeg;
	heading: string;
	steps: SequenceStep[];
}

export interface JourneySequence {
	head: SequenceStep[];
	/** The reading of the copies delivered where the message arrived (empty when none was). */
	local: SequenceStep[];
	lanes: SequenceLane[];
}

/** The participants, as the arrows name them. */
export const PARTICIPANTS = {
	program: 'Mail program',
	submission: 'Submission server',
	outgoing: OUTGOING_HOST.name,
	dns: 'Sandbox DNS',
	mailbox: 'Mailbox',
	sender: 'Sender’s mailbox',
	reader: 'Mail reader'
} as const;

/** The teaching text of the steps that are not the queue's rules (JOURNEY_RULES). */
export const STEP_TEXT = {
	submit: {
		text: 'The mail program hands the message to its provider’s submission server (port 587), logged in, with the envelope: MAIL FROM, one RCPT TO per recipient, then DATA.',
		rfc: [ref(6409, '3'), ref(5321, '3.3')]
	},
	accept: {
		text: 'The submission server takes responsibility for the message (250 after the data) and puts each recipient it cannot deliver itself in the outgoing queue.',
		rfc: [ref(5321, '4.2.1'), ref(5321, '6.1')]
	},
	mailbox: {
		text: 'Final delivery: the destination host stores the message in the recipient’s mailbox and adds Return-Path, with the envelope sender.',
		rfc: [ref(5321, '4.4')]
	},
	delay: {
		text: 'The sender asked for NOTIFY=DELAY: the queue tells them the message is still waiting, and keeps trying.',
		rfc: [ref(3461, '4.1'), ref(3464, '2.3.3')]
	},
	reading: {
		text: 'Reading the mailbox is not SMTP: the recipient’s program downloads it with POP3 (port 110, or 995 with TLS), or works with it where it lies with IMAP (port 143, or 993 with TLS): folders, flags, new mail as it arrives. Nobody has read this copy here yet.',
		rfc: [ref(1939, '3'), ref(3501, '3')]
	}
} as const satisfies Record<string, { text: string; rfc: RfcRef[] }>;

const onward = (id: OnwardStepId) => {
	const row = onwardStepTable.find((r) => r.id === id)!;
	return { text: `${row.title}. ${row.summary}`, rfc: row.rfc };
};

const ATTEMPT_OUTCOME = {
	delivered: { word: 'delivered', tone: 'done' },
	deferred: { word: 'deferred, will retry', tone: 'waiting' },
	unreachable: { word: 'no connection, will retry', tone: 'waiting' },
	refused: { word: 'refused', tone: 'failed' }
} as const satisfies Record<string, { word: string; tone: StepTone }>;

export const attemptAnchor = (legId: string, n: number) => `attempt-${legId}-${n}`;
export const legAnchor = (legId: string) => `leg-${legId}`;

export function journeySequence(journey: Journey): JourneySequence {
	// A mailing list's legs (leg.resent) come later, from its host: not part of the submission.
	const submittedLegs = journey.legs.filter((leg) => !leg.resent);
	const queued = submittedLegs.flatMap((leg) => leg.recipients);
	const at = { real: journey.queuedAt, simulated: journey.simulatedQueuedAt };
	const head: SequenceStep[] = [
		{
			anchor: 'submit',
			kind: 'submit',
			from: PARTICIPANTS.program,
			to: PARTICIPANTS.submission,
			title: 'Submitted',
			lines: [
				`MAIL FROM:<${journey.from}>`,
				...[...journey.local, ...queued, ...journey.outbox].map((r) => `RCPT TO:<${r}>`),
				`Subject: ${journey.subject || '(none)'}`
			],
			tone: 'done',
			links: journey.sessionId
				? [{ href: `/sessions/${journey.sessionId}`, label: 'The submission session' }]
				: [],
			at,
			explains: STEP_TEXT.submit
		},
		{
			anchor: 'accept',
			kind: 'accept',
			from: PARTICIPANTS.submission,
			to: PARTICIPANTS.outgoing,
			title: 'Accepted and queued',
			lines: [
				`${queued.length} recipient${queued.length === 1 ? '' : 's'} queued for ${submittedLegs.length} destination${submittedLegs.length === 1 ? '' : 's'}`,
				...(journey.local.length
					? [`Delivered where it arrived (the sandbox’s own domains): ${journey.local.join(', ')}`]
					: []),
				...(journey.outbox.length
					? [
							`Outside the sandbox, kept in the outbox, never sent and never looked up: ${journey.outbox.join(', ')}`
						]
					: [])
			],
			tone: 'done',
			links: [{ href: `/mailbox/${journey.id}`, label: 'The submitted message' }],
			at,
			explains: STEP_TEXT.accept
		},
		{
			anchor: 'split',
			kind: 'queue',
			from: PARTICIPANTS.outgoing,
			to: PARTICIPANTS.outgoing,
			title: `Split into ${submittedLegs.length} deliver${submittedLegs.length === 1 ? 'y' : 'ies'}`,
			lines: submittedLegs.map((leg) => `${leg.domain}: ${leg.recipients.join(', ')}`),
			tone: 'done',
			links: submittedLegs.map((leg) => ({ href: `#${legAnchor(leg.id)}`, label: leg.domain })),
			at,
			explains: JOURNEY_RULES.split
		}
	];
	// A journey a list started (a post that reached its host from outside the queue) has no
	// submission: it begins where the list took the post.
	const startedByList = journey.legs.length > 0 && !submittedLegs.length;
	// The recipients delivered where they arrived have the submitted message itself to read.
	const local = journey.local.length
		? [
				readingStep(
					'reading-local',
					PARTICIPANTS.mailbox,
					(journey.reads ?? []).filter((r) => r.messageId === journey.id)
				)
			]
		: [];
	return {
		head: startedByList ? [postedStep(journey, journey.legs[0].resent!)] : head,
		local,
		lanes: journey.legs.map((leg) => lane(journey, leg))
	};
}

/**
 * The journey's end (issue 18): what readers did to one copy, each act a line (when, what, which
 * mailbox), each reading session a link; explained by the last act's row. Nobody yet: still to come.
 */
function readingStep(anchor: string, from: string, reads: readonly JourneyRead[]): SequenceStep {
	const last = reads.at(-1);
	const note = last && readerActNote(last);
	const sessions = [...new Set(reads.map((r) => r.sessionId))];
	const copies = [...new Set(reads.map((r) => r.messageId))];
	return {
		anchor,
		kind: 'reading',
		from,
		to: PARTICIPANTS.reader,
		title: !last
			? 'Not read yet'
			: last.act === 'removed'
				? 'Deleted by the reader'
				: `Read by the reader`,
		lines: reads.map(
			(r) =>
				`${utcTime(r.at)}: ${readerActNote(r)?.title ?? r.act} (${r.command}), the copy in ${mailboxLabel(r.mailbox)}`
		),
		tone: last ? 'done' : 'future',
		links: [
			...sessions.map((id) => ({
				href: `/sessions/${id}`,
				label: sessions.length === 1 ? 'The reading session' : `Reading session ${id}`
			})),
			...copies.map((id) => ({ href: `/mailbox/${id}`, label: 'What its readers did' }))
		],
		at: null,
		explains: note ? { text: note.explanation, rfc: note.rfc } : STEP_TEXT.reading
	};
}

function lane(journey: Journey, leg: JourneyLeg): SequenceLane {
	const sender = senderOf(leg);
	const steps: SequenceStep[] = [...resendSteps(leg), lookupStep(leg)];
	for (const attempt of leg.attempts) {
		const outcome = ATTEMPT_OUTCOME[attempt.outcome];
		const differs = new Set(attempt.recipients.map((r) => r.reply)).size > 1;
		steps.push({
			anchor: attemptAnchor(leg.id, attempt.number),
			kind: 'attempt',
			from: sender,
			to: attempt.host,
			title: `Try ${attempt.number}: ${outcome.word}`,
			lines: [
				`${attempt.host} (${attempt.address} port ${attempt.port})`,
				attempt.reply,
				...(differs ? attempt.recipients.map((r) => `${r.address}: ${r.reply}`) : [])
			],
			tone: outcome.tone,
			links: attempt.sessionId
				? [{ href: `/sessions/${attempt.sessionId}`, label: `${attempt.host}’s session` }]
				: [],
			at: { real: attempt.at, simulated: attempt.simulatedAt },
			explains:
				attempt.outcome === 'delivered'
					? onward('reply-2xx')
					: attempt.outcome === 'refused'
						? onward('reply-5xx')
						: JOURNEY_RULES.retry
		});
	}
	for (const [i, id] of leg.delayNoticeIds.entries())
		steps.push({
			anchor: `delay-${leg.id}-${i + 1}`,
			kind: 'delay',
			from: sender,
			to: PARTICIPANTS.sender,
			title: 'Delay notice sent',
			lines: [`To ${leg.resent?.from ?? journey.from}, from <>`],
			tone: 'waiting',
			links: [{ href: `/mailbox/${id}`, label: 'The delay notice' }],
			at: null,
			explains: STEP_TEXT.delay
		});
	if (leg.state === 'queued' || leg.state === 'sending')
		steps.push({
			anchor: `next-${leg.id}`,
			kind: 'next',
			from: sender,
			to: leg.route[0]?.host ?? leg.domain,
			title:
				leg.state === 'sending'
					? `Try ${leg.attempts.length + 1}: under way`
					: `Try ${leg.attempts.length + 1}: waiting`,
			lines: [],
			tone: 'pending',
			links: [],
			at: null,
			explains: leg.attempts.length ? JOURNEY_RULES.retry : onward('connect')
		});
	if (leg.deliveredMessageId)
		steps.push({
			anchor: `mailbox-${leg.id}`,
			kind: 'mailbox',
			from: leg.attempts.findLast((a) => a.outcome === 'delivered')?.host ?? leg.domain,
			to: PARTICIPANTS.mailbox,
			title: 'In the mailbox',
			lines: [leg.recipients.join(', ')],
			tone: 'done',
			// The receiving MX checked SPF, DKIM and DMARC before it took the copy (issue 20).
			links: [
				{ href: `/mailbox/${leg.deliveredMessageId}`, label: 'The delivered copy' },
				{
					href: `/mailbox/${leg.deliveredMessageId}/authentication`,
					label: 'Its SPF, DKIM and DMARC checks'
				}
			],
			at: null,
			explains: STEP_TEXT.mailbox
		});
	const envelopeSender = leg.resent?.from ?? journey.from;
	if (leg.state === 'bounced')
		steps.push({
			anchor: `bounce-${leg.id}`,
			kind: 'bounce',
			from: sender,
			to: PARTICIPANTS.sender,
			title: leg.bounceMessageId ? 'Bounced to the sender' : 'Failed: no bounce sent',
			lines: [
				leg.bounceMessageId
					? `To ${envelopeSender}, from <>`
					: envelopeSender
						? 'The sender asked not to be told (NOTIFY=NEVER).'
						: 'The sender was <>: never a bounce about a bounce (RFC 5321 §4.5.5).'
			],
			tone: 'failed',
			links: leg.bounceMessageId
				? [{ href: `/mailbox/${leg.bounceMessageId}`, label: 'The bounce' }]
				: [],
			at: null,
			explains: bounceRule(leg)
		});
	steps.push(
		readingStep(
			`reading-${leg.id}`,
			// What is left to read of a leg that bounced whole is the bounce, in the sender's mailbox.
			leg.deliveredMessageId || leg.state !== 'bounced'
				? PARTICIPANTS.mailbox
				: PARTICIPANTS.sender,
			(journey.reads ?? []).filter(
				(r) => r.messageId === leg.deliveredMessageId || r.messageId === leg.bounceMessageId
			)
		)
	);
	return {
		anchor: legAnchor(leg.id),
		leg,
		heading: `${leg.domain} — ${leg.recipients.join(', ')}${leg.resent ? ` (re-sent by ${leg.resent.by})` : ''}`,
		steps
	};
}

/** Who sends the leg: the outgoing server, or the mail host that re-sends (a mailing list). */
const senderOf = (leg: JourneyLeg): string => leg.resent?.by ?? PARTICIPANTS.outgoing;

/** A post that reached the list's host directly: where a list-started journey begins. */
function postedStep(journey: Journey, resent: NonNullable<JourneyLeg['resent']>): SequenceStep {
	return {
		anchor: 'posted',
		kind: 'accept',
		from: PARTICIPANTS.program,
		to: resent.by,
		title: `Posted to the list at ${resent.by}`,
		lines: [
			`Sent straight to ${resent.by}, not through this sandbox's submission server`,
			`Subject: ${journey.subject || '(none)'}`
		],
		tone: 'done',
		links: journey.sessionId
			? [{ href: `/sessions/${journey.sessionId}`, label: `The session at ${resent.by}` }]
			: [],
		at: { real: journey.queuedAt, simulated: journey.simulatedQueuedAt },
		explains: JOURNEY_RULES.resent
	};
}

/** A re-sent leg starts where the list took the message and posted a new one (RFC 5321 §3.9.2). */
function resendSteps(leg: JourneyLeg): SequenceStep[] {
	if (!leg.resent) return [];
	const { by, address, messageId, from } = leg.resent;
	return [
		{
			anchor: `resend-${leg.id}`,
			kind: 'resend',
			from: by,
			to: by,
			title: `Re-sent by ${by} as a new message`,
			lines: [
				`From ${by} (${address}), MAIL FROM:<${from}>`,
				...leg.recipients.map((r) => `RCPT TO:<${r}>`)
			],
			tone: 'done',
			links: [{ href: `/mailbox/${messageId}`, label: 'The new message' }],
			at: null,
			explains: JOURNEY_RULES.resent
		}
	];
}

function lookupStep(leg: JourneyLeg): SequenceStep {
	const implicit = leg.route.length === 1 && leg.route[0].preference === null;
	// An empty route with no try: the lookup found a null MX or no domain (the verdict says which).
	const none = leg.route.length === 0;
	return {
		anchor: `lookup-${leg.id}`,
		kind: 'lookup',
		from: senderOf(leg),
		to: PARTICIPANTS.dns,
		title: `MX lookup: ${leg.domain}`,
		lines: none
			? ['No exchanger to try']
			: leg.route.map((r) =>
					r.preference === null ? `no MX: the address of ${r.host}` : `MX ${r.preference} ${r.host}`
				),
		tone: none ? 'failed' : 'done',
		links: leg.lookupIds.map((id, i) => ({
			href: `/dns#lookup-${id}`,
			label: leg.lookupIds.length === 1 ? 'The lookup' : `Lookup ${i + 1}`
		})),
		at: null,
		explains: onward(implicit ? 'no-mx' : 'mx-lookup')
	};
}

/**
 * Why a leg bounced: a 5xx, the give-up, or a loop caught before connecting (its best MX is the
 * outgoing server itself). A null MX or a domain that does not exist leave no route to tell them
 * apart by: the verdict cites their rule.
 */
function bounceRule(leg: JourneyLeg): SequenceStep['explains'] {
	const last = leg.attempts.at(-1);
	if (last) return last.outcome === 'refused' ? JOURNEY_RULES.refused : JOURNEY_RULES.giveUp;
	return leg.route[0]?.host === senderOf(leg) ? JOURNEY_RULES.loop : null;
}

/**
 * A length of time as the page says it: "1 d 4 h", "2 h 30 min", "30 min", and, when `seconds`,
 * "1 min 5 s", "14 s" and "under a second". Rounded down: a countdown never says "0 s" before
 * the time comes.
 */
export function formatDuration(ms: number, unit: 'minutes' | 'seconds'): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const [d, h, m, s] = [
		Math.floor(total / 86_400),
		Math.floor(total / 3600) % 24,
		Math.floor(total / 60) % 60,
		total % 60
	];
	const parts: string[] = [];
	if (d) parts.push(`${d} d`);
	if (h) parts.push(`${h} h`);
	if (m && !d) parts.push(`${m} min`);
	if (unit === 'seconds' && !d && !h && (s || !parts.length)) parts.push(`${s} s`);
	if (unit === 'seconds' && !total && ms > 0) return 'under a second';
	return parts.length ? parts.slice(0, 2).join(' ') : 'under a minute';
}
