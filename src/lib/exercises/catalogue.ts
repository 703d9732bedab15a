/**
 * The exercises a teacher hands out (issue 16): each a task in plain words and an ordered
 * checklist, every check a predicate over the student's recorded work (./work.ts) and citing the
 * RFC section it teaches. Pure data and pure functions, shared by server and browser.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';
import {
	addressesIn,
	allExchanges,
	flattenParts,
	hasAngleBrackets,
	headerValues,
	isLocalPart,
	isPositive,
	linesOf,
	pathAddress,
	type Exchange,
	type ExerciseMessage,
	type ExerciseWork
} from './work';

export interface ExerciseCheck {
	/** Stable within its exercise: the dashboard and the CSV export name checks by it. */
	id: string;
	label: string;
	rfc?: RfcRef[];
	passes(work: ExerciseWork): boolean;
}

export interface Exercise {
	/** Slug, as a link to the exercise names it. */
	id: string;
	title: string;
	/** What the student must do, for a learner. */
	task: string;
	rfc: RfcRef[];
	checks: ExerciseCheck[];
}

/** Some session has an exchange for which `test` holds (given the session's whole list). */
function someExchange(
	work: ExerciseWork,
	test: (exchange: Exchange, list: Exchange[], i: number) => boolean
): boolean {
	return allExchanges(work).some(({ list }) => list.some((e, i) => test(e, list, i)));
}

function someMessage(work: ExerciseWork, test: (m: ExerciseMessage) => boolean): boolean {
	return work.messages.some(test);
}

const sentMail = (m: ExerciseMessage) => m.kind === 'mail';
const isFinal5xx = (code: number | null) => code !== null && code >= 500 && code < 600;
const isTransient4xx = (code: number | null) => code !== null && code >= 400 && code < 500;

/** The message's content reached the server and was accepted (a 250 to the final dot). */
function messageAccepted(list: Exchange[], from = 0): boolean {
	return list.some((e, i) => i >= from && e.verb === 'END' && isPositive(e.code));
}

/** An envelope recipient that no To or Cc field names: a blind copy (RFC 5322 §3.6.3). */
function blindRecipients(m: ExerciseMessage): string[] {
	const visible = new Set(
		[...headerValues(m, 'To'), ...headerValues(m, 'Cc')].flatMap(addressesIn)
	);
	return m.envelope.rcptTo
		.map((r) => r.address.toLowerCase())
		.filter((address) => address && !visible.has(address));
}

/** Exchanges from position `from` on, up to (not including) the next MAIL. */
function transactionFrom(list: Exchange[], from: number): Exchange[] {
	const next = list.findIndex((e, i) => i > from && e.verb === 'MAIL');
	return list.slice(from, next < 0 ? list.length : next);
}

/** The RCPT exchanges of transactions whose MAIL was accepted. */
function acceptedTransactions(list: Exchange[]): Exchange[][] {
	return list
		.map((e, i) => (e.verb === 'MAIL' && isPositive(e.code) ? transactionFrom(list, i) : null))
		.filter((t): t is Exchange[] => t !== null);
}

/** A session's exchanges after its TLS started (the recorder's 'tls' system event). */
function afterTls(work: ExerciseWork): Exchange[][] {
	return allExchanges(work)
		.map(({ session, list }) => {
			const tlsAt = session.events.findIndex((e) => e.dir === 'system' && e.kind === 'tls');
			return tlsAt < 0 ? null : list.filter((e) => e.index > tlsAt);
		})
		.filter((l): l is Exchange[] => l !== null);
}

/** The content lines the client began with a dot: '..x' once stuffed (RFC 5321 §4.5.2). */
function stuffedLines(content: string): string[] {
	return linesOf(content).filter((line) => line.startsWith('..'));
}

export const EXERCISES: Exercise[] = [
	{
		id: 'one-refused-recipient',
		title: 'Two recipients, one refused',
		task: 'Send one message to two recipients in the same transaction, one of them unknown@example.com. The server refuses that one at RCPT; send the message anyway and see it delivered to the other.',
		rfc: [ref(5321, '3.3'), ref(5321, '4.1.1.3')],
		checks: [
			{
				id: 'two-rcpt',
				label: 'One transaction named two recipients (two RCPT TO after one MAIL FROM)',
				rfc: [ref(5321, '3.3')],
				passes: (work) =>
					allExchanges(work).some(({ list }) =>
						acceptedTransactions(list).some((t) => t.filter((e) => e.verb === 'RCPT').length >= 2)
					)
			},
			{
				id: 'rcpt-refused',
				label: 'The server refused one recipient with a 5xx reply to its RCPT TO',
				rfc: [ref(5321, '3.3'), ref(5321, '4.2.2')],
				passes: (work) => someExchange(work, (e) => e.verb === 'RCPT' && isFinal5xx(e.code))
			},
			{
				id: 'other-delivered',
				label: 'The message was accepted and delivered to the other recipient',
				rfc: [ref(5321, '3.3')],
				passes: (work) =>
					someMessage(
						work,
						(m) =>
							sentMail(m) &&
							m.recipients.some((r) => r.outcome === 'refused' && r.reply.startsWith('5')) &&
							m.recipients.some((r) => r.outcome === 'delivered' || r.outcome === 'outbox')
					)
			}
		]
	},
	{
		id: 'starttls-then-auth',
		title: 'Submission: STARTTLS, then AUTH',
		task: 'Connect to the submission port, start TLS with STARTTLS, say EHLO again, then log in with AUTH (alice / wonderland) and send a message.',
		rfc: [ref(3207, '4'), ref(4954, '4'), ref(6409, '')],
		checks: [
			{
				id: 'starttls',
				label: 'STARTTLS was answered 220 and TLS started',
				rfc: [ref(3207, '4')],
				passes: (work) =>
					allExchanges(work).some(
						({ session, list }) =>
							list.some((e) => e.verb === 'STARTTLS' && e.code === 220) &&
							session.events.some((e) => e.dir === 'system' && e.kind === 'tls')
					)
			},
			{
				id: 'ehlo-again',
				label: 'EHLO again inside TLS: the session starts over, extensions included',
				rfc: [ref(3207, '4.2')],
				passes: (work) =>
					afterTls(work).some((list) => list.some((e) => e.verb === 'EHLO' && isPositive(e.code)))
			},
			{
				id: 'auth-in-tls',
				label: 'AUTH succeeded (235) inside TLS',
				rfc: [ref(4954, '4'), ref(4954, '6')],
				passes: (work) =>
					afterTls(work).some((list) => list.some((e) => e.verb === 'AUTH' && e.code === 235))
			},
			{
				id: 'sent-authenticated',
				label: 'A message was accepted in that authenticated, encrypted session',
				rfc: [ref(6409, '4.3')],
				passes: (work) =>
					afterTls(work).some((list) => {
						const auth = list.findIndex((e) => e.verb === 'AUTH' && e.code === 235);
						return auth >= 0 && messageAccepted(list, auth);
					})
			}
		]
	},
	{
		id: 'greylisted-retry',
		title: 'Get greylisted, then retry',
		task: 'Send a message to greylist@example.com. The first try gets a 451 temporary failure: wait, then try again with the same sender and recipient until it is accepted.',
		rfc: [ref(6647, ''), ref(5321, '4.2.1'), ref(5321, '4.5.4.1')],
		checks: [
			{
				id: 'deferred',
				label: 'RCPT TO greylist@ got a 4xx reply: a temporary failure',
				rfc: [ref(5321, '4.2.1'), ref(6647, '')],
				passes: (work) =>
					someExchange(
						work,
						(e) =>
							e.verb === 'RCPT' &&
							isLocalPart(pathAddress(e.text), 'greylist') &&
							isTransient4xx(e.code)
					)
			},
			{
				id: 'retried',
				label: 'A later RCPT TO the same address was accepted',
				rfc: [ref(5321, '4.5.4.1')],
				passes: (work) => {
					const tries = allExchanges(work).flatMap(({ list }) =>
						list.filter((e) => e.verb === 'RCPT' && isLocalPart(pathAddress(e.text), 'greylist'))
					);
					const first = tries.findIndex((e) => isTransient4xx(e.code));
					return first >= 0 && tries.slice(first + 1).some((e) => isPositive(e.code));
				}
			},
			{
				id: 'delivered',
				label: 'The message was delivered to greylist@',
				passes: (work) =>
					someMessage(work, (m) =>
						m.recipients.some(
							(r) => isLocalPart(r.address, 'greylist') && r.outcome === 'delivered'
						)
					)
			}
		]
	},
	{
		id: 'pipeline-transaction',
		title: 'Pipeline MAIL, RCPT and DATA',
		task: 'After EHLO shows PIPELINING, send MAIL FROM, RCPT TO and DATA in one go (paste them together) before reading any reply; then, after the 354, send the message.',
		rfc: [ref(2920, '3.1')],
		checks: [
			{
				id: 'one-group',
				label: 'MAIL FROM, RCPT TO and DATA went in one group, DATA last',
				rfc: [ref(2920, '3.1')],
				passes: (work) =>
					someExchange(work, (e, list, i) => {
						if (e.verb !== 'DATA') return false;
						const group = list.filter((x) => x.group === e.group);
						return (
							group[group.length - 1] === list[i] &&
							group.some((x) => x.verb === 'MAIL') &&
							group.some((x) => x.verb === 'RCPT')
						);
					})
			},
			{
				id: 'body-after-354',
				label: 'The message content came only after the 354',
				rfc: [ref(2920, '3.1')],
				passes: (work) =>
					someExchange(work, (e, list, i) => {
						const data = list[i - 1];
						return (
							e.verb === 'CONTENT' &&
							data?.verb === 'DATA' &&
							data.code === 354 &&
							e.group > data.group
						);
					})
			},
			{
				id: 'accepted',
				label: 'The pipelined message was accepted',
				rfc: [ref(5321, '4.1.1.4')],
				passes: (work) =>
					someExchange(work, (e, list, i) => {
						if (e.verb !== 'DATA' || e.code !== 354) return false;
						const group = list.filter((x) => x.group === e.group);
						return group.some((x) => x.verb === 'MAIL') && messageAccepted(list, i);
					})
			}
		]
	},
	{
		id: 'base64-attachment',
		title: 'An attachment in base64',
		task: 'Send a message with an attachment: a multipart/mixed message whose second part has a file name (Content-Disposition: attachment) and is encoded with Content-Transfer-Encoding: base64.',
		rfc: [ref(2045, '6.8'), ref(2046, '5.1'), ref(2183, '2')],
		checks: [
			{
				id: 'multipart',
				label: 'The message is multipart',
				rfc: [ref(2046, '5.1')],
				passes: (work) =>
					someMessage(
						work,
						(m) => sentMail(m) && m.parts.some((p) => p.contentType.startsWith('multipart/'))
					)
			},
			{
				id: 'attachment',
				label: 'One part is an attachment with a file name',
				rfc: [ref(2183, '2')],
				passes: (work) =>
					someMessage(
						work,
						(m) =>
							sentMail(m) &&
							flattenParts(m.parts).some((p) => p.disposition === 'attachment' && p.filename)
					)
			},
			{
				id: 'base64',
				label: 'The attachment is encoded in base64',
				rfc: [ref(2045, '6.8')],
				passes: (work) =>
					someMessage(
						work,
						(m) =>
							sentMail(m) &&
							flattenParts(m.parts).some(
								(p) => p.disposition === 'attachment' && p.encoding?.toLowerCase() === 'base64'
							)
					)
			}
		]
	},
	{
		id: 'bounce-dsn',
		title: 'Produce a bounce and find the DSN',
		task: 'Send a message from one of your sandbox addresses to bounce@example.com. The server accepts it, then a bounce comes back to the sender: find it in the mailbox and its delivery-status part.',
		rfc: [ref(3464, '2'), ref(6522, '3'), ref(5321, '4.5.5')],
		checks: [
			{
				id: 'accepted',
				label: 'The message to bounce@ was accepted',
				rfc: [ref(5321, '3.3')],
				passes: (work) =>
					someMessage(
						work,
						(m) =>
							sentMail(m) &&
							m.recipients.some((r) => isLocalPart(r.address, 'bounce') && r.outcome === 'bounced')
					)
			},
			{
				id: 'bounce-back',
				label: 'A bounce reports on it, sent from the null sender <>',
				rfc: [ref(5321, '4.5.5')],
				passes: (work) =>
					someMessage(
						work,
						(b) =>
							b.kind === 'bounce' &&
							b.envelope.mailFrom.address === '' &&
							work.messages.some((m) => m.id === b.reportsOn && sentMail(m))
					)
			},
			{
				id: 'delivery-status',
				label: 'The bounce is a multipart/report with a message/delivery-status part',
				rfc: [ref(6522, '3'), ref(3464, '2')],
				passes: (work) =>
					someMessage(work, (b) => {
						const parts = flattenParts(b.parts);
						return (
							b.kind === 'bounce' &&
							parts.some((p) => p.contentType === 'multipart/report') &&
							parts.some((p) => p.contentType === 'message/delivery-status')
						);
					})
			}
		]
	},
	{
		id: 'blind-copy',
		title: 'Send a Bcc',
		task: 'Send one message to two recipients, but name only the first in the To field: the second is a blind copy. Write no Bcc field: the envelope (RCPT TO) alone carries the blind recipient.',
		rfc: [ref(5322, '3.6.3'), ref(5321, '3.3')],
		checks: [
			{
				id: 'blind-recipient',
				label: 'An envelope recipient is named in neither To nor Cc',
				rfc: [ref(5322, '3.6.3')],
				passes: (work) =>
					someMessage(
						work,
						(m) => sentMail(m) && blindRecipients(m).length > 0 && headerValues(m, 'To').length > 0
					)
			},
			{
				id: 'delivered',
				label: 'The blind copy was delivered',
				rfc: [ref(5321, '3.3')],
				passes: (work) =>
					someMessage(work, (m) => {
						const blind = blindRecipients(m);
						return (
							sentMail(m) &&
							m.recipients.some(
								(r) => blind.includes(r.address.toLowerCase()) && r.outcome === 'delivered'
							)
						);
					})
			},
			{
				id: 'not-in-headers',
				label: 'No header field of the message shows the blind recipient',
				rfc: [ref(5322, '3.6.3')],
				passes: (work) =>
					someMessage(work, (m) => {
						const blind = blindRecipients(m);
						const shown = new Set(m.headers.flatMap((h) => addressesIn(h.value)));
						return sentMail(m) && blind.length > 0 && blind.every((a) => !shown.has(a));
					})
			}
		]
	},
	{
		id: 'angle-brackets',
		title: 'Fix a 501 with angle brackets',
		task: 'Send MAIL FROM (or RCPT TO) with the address bare, without angle brackets, and read the 501. Then send it again with the address inside < and > and get a 250.',
		rfc: [ref(5321, '4.1.2')],
		checks: [
			{
				id: 'refused-bare',
				label: 'A MAIL FROM or RCPT TO without angle brackets got a 501',
				rfc: [ref(5321, '4.1.2'), ref(5321, '4.2.2')],
				passes: (work) =>
					someExchange(
						work,
						(e) =>
							(e.verb === 'MAIL' || e.verb === 'RCPT') &&
							!hasAngleBrackets(e.text) &&
							e.code === 501
					)
			},
			{
				id: 'accepted-bracketed',
				label: 'The same command with <address> was then accepted',
				rfc: [ref(5321, '4.1.1.2'), ref(5321, '4.1.1.3')],
				passes: (work) =>
					someExchange(
						work,
						(e, list, i) =>
							(e.verb === 'MAIL' || e.verb === 'RCPT') &&
							!hasAngleBrackets(e.text) &&
							e.code === 501 &&
							list
								.slice(i + 1)
								.some(
									(later) =>
										later.verb === e.verb && hasAngleBrackets(later.text) && isPositive(later.code)
								)
					)
			}
		]
	},
	{
		id: 'dot-stuffing',
		title: 'A line that starts with a dot',
		task: 'Send a message with a body line that starts with a dot, for example ".signature". Type it yourself the way a client must send it, with the dot doubled ("..signature"), then check in the mailbox that the server removed the extra dot.',
		rfc: [ref(5321, '4.5.2')],
		checks: [
			{
				id: 'stuffed',
				label: 'The content had a line the client began with an extra dot',
				rfc: [ref(5321, '4.5.2')],
				passes: (work) =>
					someExchange(work, (e) => e.verb === 'CONTENT' && stuffedLines(e.text).length > 0)
			},
			{
				id: 'accepted',
				label: 'The message was accepted',
				rfc: [ref(5321, '4.1.1.4')],
				passes: (work) =>
					someExchange(
						work,
						(e, list, i) =>
							e.verb === 'CONTENT' &&
							stuffedLines(e.text).length > 0 &&
							list[i + 1]?.verb === 'END' &&
							isPositive(list[i + 1].code)
					)
			},
			{
				id: 'unstuffed',
				label: 'The stored message has the line with one dot: the server removed the other',
				rfc: [ref(5321, '4.5.2')],
				passes: (work) =>
					someExchange(work, (e) => {
						const message = work.messages.find((m) => m.id === e.messageId);
						if (e.verb !== 'CONTENT' || !message) return false;
						const stored = new Set(linesOf(message.raw));
						const stuffed = stuffedLines(e.text);
						return stuffed.length > 0 && stuffed.every((line) => stored.has(line.slice(1)));
					})
			}
		]
	},
	{
		id: 'rset-transaction',
		title: 'Start over with RSET',
		task: 'Begin a transaction (MAIL FROM, RCPT TO), then abandon it with RSET. Start a new one with another MAIL FROM: no 503, because RSET cleared the first.',
		rfc: [ref(5321, '4.1.1.5')],
		checks: [
			{
				id: 'transaction-open',
				label: 'A transaction began: MAIL FROM was accepted',
				rfc: [ref(5321, '4.1.1.2')],
				passes: (work) => someExchange(work, (e) => e.verb === 'MAIL' && isPositive(e.code))
			},
			{
				id: 'rset',
				label: 'RSET (answered 250) abandoned it before the message was sent',
				rfc: [ref(5321, '4.1.1.5')],
				passes: (work) => someExchange(work, (e, list, i) => isRsetOfOpenTransaction(list, i))
			},
			{
				id: 'new-transaction',
				label: 'A new MAIL FROM after the RSET was accepted',
				rfc: [ref(5321, '4.1.1.5'), ref(5321, '4.1.1.2')],
				passes: (work) =>
					someExchange(
						work,
						(e, list, i) =>
							isRsetOfOpenTransaction(list, i) &&
							list.slice(i + 1).some((x) => x.verb === 'MAIL' && isPositive(x.code))
					)
			}
		]
	}
];

/** Exchange `i` is an accepted RSET while a MAIL was accepted and its message not yet sent. */
function isRsetOfOpenTransaction(list: Exchange[], i: number): boolean {
	if (list[i].verb !== 'RSET' || !isPositive(list[i].code)) return false;
	for (let j = i - 1; j >= 0; j--) {
		const e = list[j];
		if (e.verb === 'END' || e.verb === 'RSET' || e.verb === 'EHLO' || e.verb === 'HELO')
			return false;
		if (e.verb === 'MAIL' && isPositive(e.code)) return true;
	}
	return false;
}

export const EXERCISES_BY_ID = new Map(EXERCISES.map((e) => [e.id, e]));
