/**
 * Each exercise against one piece of work that passes it and one that does not. Sessions are
 * raw transcript lines annotated by the real annotation engine, content as the recorder renders
 * the wire bytes; messages are summarised as the store does and parsed by the message view.
 * Expected results come from each exercise's task and the RFC it cites.
 */
import { describe, expect, test } from 'vitest';
import { inspectData } from '../../../server/recorder/clientStreamTap';
import { wireText } from '../../../server/recorder/wireText';
import { buildMessageView } from '../../../server/store/messageView';
import { sessionSummary, storedMessage } from '../../../tests/storedItems';
import type { ListenerName, MessageSummary, SessionEvent } from '../messages';
import { annotateTranscript, type TranscriptLine } from '../smtp/annotate/annotate';
import { EXERCISES, EXERCISES_BY_ID } from './catalogue';
import {
	evaluate,
	type ExerciseMessage,
	type ExerciseSession,
	type ExerciseWork
} from './evaluate';

type Line = TranscriptLine & { messageId?: string };

const C = (text: string): Line => ({ dir: 'client', text });
const S = (text: string): Line => ({ dir: 'server', text });
const SYS = (kind: SessionEvent['kind'], text = ''): Line => ({ dir: 'system', kind, text });
/** The message content as the recorder records it: one event from the wire bytes, then ".". */
const CONTENT = (wire: string, messageId?: string): Line[] => [
	{ dir: 'client', text: wireText(Buffer.from(wire), true), isData: true, messageId },
	C('.')
];

const GREET = [
	SYS('connect'),
	S('220 lab.example ESMTP'),
	C('EHLO student.example'),
	S('250-lab.example'),
	S('250-PIPELINING'),
	S('250-STARTTLS'),
	S('250 ENHANCEDSTATUSCODES')
];
const MAIL_OK = [C('MAIL FROM:<alice@example.com>'), S('250 2.1.0 Sender OK')];
const RCPT_BOB = [C('RCPT TO:<bob@example.com>'), S('250 2.1.5 Accepted')];
const BODY = 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nHello\r\n';

let sessionNumber = 0;
function session(lines: Line[], listener: ListenerName = 'mx'): ExerciseSession {
	const annotations = annotateTranscript(lines, { listener });
	const events: SessionEvent[] = lines.map((line, seq) => ({
		seq,
		at: 1_000 + seq,
		dir: line.dir,
		text: line.text,
		anomalies: line.isData
			? inspectData(Buffer.from(line.text.replace(/\n/g, '\r\n'))).anomalies
			: [],
		annotation: annotations[seq],
		...(line.kind ? { kind: line.kind } : {}),
		...(line.messageId ? { messageId: line.messageId } : {})
	}));
	const summary = { ...sessionSummary(`s${++sessionNumber}`), listener, eventCount: events.length };
	return { summary, events };
}

async function message(
	id: string,
	raw: string,
	summary: Partial<MessageSummary> = {}
): Promise<ExerciseMessage> {
	const stored = storedMessage(id, { raw }, summary);
	const view = await buildMessageView(new Uint8Array(stored.raw), 1000);
	return { ...stored.summary, headers: view.headers, parts: view.parts, raw };
}

const delivered = (address: string) => ({
	address,
	outcome: 'delivered' as const,
	reply: '250 2.1.5 Accepted'
});

const ATTACHMENT = (encoding: string, content: string) =>
	[
		'From: alice@example.com',
		'To: bob@example.com',
		'Subject: a file',
		'MIME-Version: 1.0',
		'Content-Type: multipart/mixed; boundary="b1"',
		'',
		'--b1',
		'Content-Type: text/plain',
		'',
		'See the file.',
		'--b1',
		'Content-Type: text/plain; name="notes.txt"',
		'Content-Disposition: attachment; filename="notes.txt"',
		`Content-Transfer-Encoding: ${encoding}`,
		'',
		content,
		'--b1--',
		''
	].join('\r\n');

const DSN = [
	'From: Mail Delivery System <MAILER-DAEMON@lab.example>',
	'To: alice@example.com',
	'Subject: Undelivered Mail Returned to Sender',
	'MIME-Version: 1.0',
	'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"',
	'',
	'--r1',
	'Content-Type: text/plain; charset=utf-8',
	'',
	'Your message could not be delivered.',
	'--r1',
	'Content-Type: message/delivery-status',
	'',
	'Reporting-MTA: dns; lab.example',
	'',
	'Final-Recipient: rfc822; bounce@example.com',
	'Action: failed',
	'Status: 5.1.1',
	'--r1--',
	''
].join('\r\n');

type Case = {
	exercise: string;
	pass: () => Promise<ExerciseWork>;
	/** Work that falls short, and which checks it passes anyway (the rest must fail). */
	fails: { work: () => Promise<ExerciseWork>; passesAnyway: string[] }[];
};

const cases: Case[] = [
	{
		exercise: 'one-refused-recipient',
		pass: async () => ({
			sessions: [
				session([
					...GREET,
					...MAIL_OK,
					...RCPT_BOB,
					C('RCPT TO:<unknown@example.com>'),
					S('550 5.1.1 No such mailbox'),
					C('DATA'),
					S('354 Go ahead'),
					...CONTENT(BODY, 'm1'),
					S('250 2.0.0 Queued as m1')
				])
			],
			messages: [
				await message('m1', BODY, {
					recipients: [
						delivered('bob@example.com'),
						{
							address: 'unknown@example.com',
							outcome: 'refused',
							reply: '550 5.1.1 No such mailbox'
						}
					]
				})
			]
		}),
		// Only the unknown recipient: refused, and with no recipient left DATA is refused too.
		fails: [
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							...MAIL_OK,
							C('RCPT TO:<unknown@example.com>'),
							S('550 5.1.1 No such mailbox'),
							C('DATA'),
							S('554 5.5.1 No valid recipients')
						])
					],
					messages: []
				}),
				passesAnyway: ['rcpt-refused']
			}
		]
	},
	{
		exercise: 'starttls-then-auth',
		pass: async () => ({
			sessions: [
				session(
					[
						...GREET,
						C('STARTTLS'),
						S('220 2.0.0 Ready to start TLS'),
						SYS('starttls'),
						SYS('tls', 'TLS started (TLSv1.3, TLS_AES_256_GCM_SHA384)'),
						C('EHLO student.example'),
						S('250-lab.example'),
						S('250 AUTH PLAIN LOGIN'),
						C('AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='),
						S('235 2.7.0 Authentication successful'),
						SYS('auth', 'Authenticated as alice'),
						...MAIL_OK,
						...RCPT_BOB,
						C('DATA'),
						S('354 Go ahead'),
						...CONTENT(BODY),
						S('250 2.0.0 Queued')
					],
					'submission'
				)
			],
			messages: []
		}),
		// TLS started, but AUTH without a new EHLO: the server has forgotten the first one.
		fails: [
			{
				work: async () => ({
					sessions: [
						session(
							[
								...GREET,
								C('STARTTLS'),
								S('220 2.0.0 Ready to start TLS'),
								SYS('starttls'),
								SYS('tls', 'TLS started (TLSv1.3, TLS_AES_256_GCM_SHA384)'),
								C('AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='),
								S('503 5.5.1 Error: send HELO/EHLO first')
							],
							'submission'
						)
					],
					messages: []
				}),
				passesAnyway: ['starttls']
			},
			{
				// STARTTLS answered but the handshake never finished; then implicit TLS on 465, no STARTTLS.
				work: async () => ({
					sessions: [
						session(
							[
								...GREET,
								C('STARTTLS'),
								S('220 2.0.0 Ready to start TLS'),
								SYS('starttls'),
								SYS('disconnect', 'TLS handshake failed')
							],
							'submission'
						),
						session(
							[
								SYS('connect'),
								SYS('tls', 'TLS started (TLSv1.3, TLS_AES_256_GCM_SHA384)'),
								S('220 lab.example ESMTP'),
								C('EHLO student.example'),
								S('250-lab.example'),
								S('250 AUTH PLAIN LOGIN'),
								C('AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='),
								S('235 2.7.0 Authentication successful'),
								...MAIL_OK,
								...RCPT_BOB,
								C('DATA'),
								S('354 Go ahead'),
								...CONTENT(BODY),
								S('250 2.0.0 Queued')
							],
							'submissions'
						)
					],
					messages: []
				}),
				passesAnyway: ['ehlo-again', 'auth-in-tls', 'sent-authenticated']
			}
		]
	},
	{
		exercise: 'greylisted-retry',
		pass: async () => ({
			sessions: [
				session([
					...GREET,
					...MAIL_OK,
					C('RCPT TO:<greylist@example.com>'),
					S('451 4.7.1 Greylisted, please try again later'),
					C('QUIT'),
					S('221 Bye')
				]),
				session([
					...GREET,
					...MAIL_OK,
					C('RCPT TO:<greylist@example.com>'),
					S('250 2.1.5 Accepted'),
					C('DATA'),
					S('354 Go ahead'),
					...CONTENT(BODY, 'm1'),
					S('250 2.0.0 Queued')
				])
			],
			messages: [await message('m1', BODY, { recipients: [delivered('greylist@example.com')] })]
		}),
		// Gave up after the 451.
		fails: [
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							...MAIL_OK,
							C('RCPT TO:<greylist@example.com>'),
							S('451 4.7.1 Greylisted, please try again later'),
							C('QUIT'),
							S('221 Bye')
						])
					],
					messages: []
				}),
				passesAnyway: ['deferred']
			}
		]
	},
	{
		exercise: 'pipeline-transaction',
		pass: async () => ({
			sessions: [
				session([
					...GREET,
					C('MAIL FROM:<alice@example.com>'),
					C('RCPT TO:<bob@example.com>'),
					C('DATA'),
					S('250 2.1.0 Sender OK'),
					S('250 2.1.5 Accepted'),
					S('354 Go ahead'),
					...CONTENT(BODY),
					S('250 2.0.0 Queued')
				])
			],
			messages: []
		}),
		// One command at a time, each reply read before the next line.
		fails: [
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							...MAIL_OK,
							...RCPT_BOB,
							C('DATA'),
							S('354 Go ahead'),
							...CONTENT(BODY),
							S('250 2.0.0 Queued')
						])
					],
					messages: []
				}),
				passesAnyway: ['body-after-354']
			}
		]
	},
	{
		exercise: 'base64-attachment',
		pass: async () => ({
			sessions: [],
			messages: [await message('m1', ATTACHMENT('base64', 'SGVsbG8sIHdvcmxkIQ=='))]
		}),
		// An attachment, but in quoted-printable.
		fails: [
			{
				work: async () => ({
					sessions: [],
					messages: [await message('m1', ATTACHMENT('quoted-printable', 'Hello, world!'))]
				}),
				passesAnyway: ['multipart', 'attachment']
			}
		]
	},
	{
		exercise: 'bounce-dsn',
		pass: async () => ({
			sessions: [],
			messages: [
				await message('m1', BODY.replace('bob@', 'bounce@'), {
					recipients: [
						{ address: 'bounce@example.com', outcome: 'bounced', reply: '250 2.1.5 Accepted' }
					]
				}),
				await message('b1', DSN, {
					kind: 'bounce',
					reportsOn: 'm1',
					envelope: {
						mailFrom: { address: '', params: {} },
						rcptTo: [{ address: 'alice@example.com', params: {} }]
					},
					recipients: [delivered('alice@example.com')]
				})
			]
		}),
		// Mail to an ordinary mailbox: delivered, nothing comes back.
		fails: [
			{
				work: async () => ({
					sessions: [],
					messages: [await message('m1', BODY, { recipients: [delivered('bob@example.com')] })]
				}),
				passesAnyway: []
			}
		]
	},
	{
		exercise: 'blind-copy',
		// The blind copy goes to b@example.com, whose address is part of the visible bob@example.com.
		pass: async () => ({
			sessions: [],
			messages: [
				await message('m1', BODY, {
					envelope: {
						mailFrom: { address: 'alice@example.com', params: {} },
						rcptTo: [
							{ address: 'bob@example.com', params: {} },
							{ address: 'b@example.com', params: {} }
						]
					},
					recipients: [delivered('bob@example.com'), delivered('b@example.com')]
				})
			]
		}),
		// The client left its Bcc field in the message: every recipient reads who was copied.
		fails: [
			{
				work: async () => ({
					sessions: [],
					messages: [
						await message('m1', BODY.replace('Subject:', 'Bcc: b@example.com\r\nSubject:'), {
							envelope: {
								mailFrom: { address: 'alice@example.com', params: {} },
								rcptTo: [
									{ address: 'bob@example.com', params: {} },
									{ address: 'b@example.com', params: {} }
								]
							},
							recipients: [delivered('bob@example.com'), delivered('b@example.com')]
						})
					]
				}),
				passesAnyway: ['blind-recipient', 'delivered']
			}
		]
	},
	{
		exercise: 'angle-brackets',
		pass: async () => ({
			sessions: [
				session([
					...GREET,
					C('MAIL FROM:alice@example.com'),
					S('501 5.1.7 Bad sender address syntax'),
					...MAIL_OK
				])
			],
			messages: []
		}),
		// Read the 501 and left.
		fails: [
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							C('MAIL FROM:alice@example.com'),
							S('501 5.1.7 Bad sender address syntax'),
							C('QUIT'),
							S('221 Bye')
						])
					],
					messages: []
				}),
				passesAnyway: ['refused-bare']
			},
			// The 501 was for a broken address inside brackets: brackets were never the fix.
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							C('MAIL FROM:<alice@>'),
							S('501 5.1.7 Bad sender address syntax'),
							...MAIL_OK
						])
					],
					messages: []
				}),
				passesAnyway: []
			}
		]
	},
	{
		exercise: 'dot-stuffing',
		pass: async () => ({
			sessions: [
				session([
					...GREET,
					...MAIL_OK,
					...RCPT_BOB,
					C('DATA'),
					S('354 Go ahead'),
					...CONTENT(BODY + '..signature\r\n', 'm1'),
					S('250 2.0.0 Queued')
				])
			],
			messages: [await message('m1', BODY + '.signature\r\n')]
		}),
		// The dot not doubled: the server takes it as stuffing and removes it.
		fails: [
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							...MAIL_OK,
							...RCPT_BOB,
							C('DATA'),
							S('354 Go ahead'),
							...CONTENT(BODY + '.signature\r\n', 'm1'),
							S('250 2.0.0 Queued')
						])
					],
					messages: [await message('m1', BODY + 'signature\r\n')]
				}),
				passesAnyway: []
			}
		]
	},
	{
		exercise: 'rset-transaction',
		pass: async () => ({
			sessions: [
				session([...GREET, ...MAIL_OK, ...RCPT_BOB, C('RSET'), S('250 2.0.0 Flushed'), ...MAIL_OK])
			],
			messages: []
		}),
		// A second MAIL without RSET: refused, the first transaction is still open.
		fails: [
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							...MAIL_OK,
							...RCPT_BOB,
							C('MAIL FROM:<alice@example.com>'),
							S('503 5.5.1 Error: nested MAIL command')
						])
					],
					messages: []
				}),
				passesAnyway: ['transaction-open']
			},
			// RSET after a refused MAIL: there was no transaction to abandon.
			{
				work: async () => ({
					sessions: [
						session([
							...GREET,
							C('MAIL FROM:<alice@>'),
							S('501 5.1.7 Bad sender address syntax'),
							C('RSET'),
							S('250 2.0.0 Flushed'),
							...MAIL_OK
						])
					],
					messages: []
				}),
				passesAnyway: ['transaction-open']
			}
		]
	}
];

describe('the exercise catalogue', () => {
	test('at least 10 exercises, each with a unique id, a task and citations', () => {
		expect(EXERCISES.length).toBeGreaterThanOrEqual(10);
		expect(EXERCISES_BY_ID.size).toBe(EXERCISES.length);
		for (const e of EXERCISES) {
			expect(e.task.length).toBeGreaterThan(20);
			expect(e.rfc.length).toBeGreaterThan(0);
			expect(new Set(e.checks.map((c) => c.id)).size).toBe(e.checks.length);
		}
	});

	test('every exercise has a passing and a failing case below', () => {
		expect(cases.map((c) => c.exercise).sort()).toEqual(EXERCISES.map((e) => e.id).sort());
	});
});

describe.each(cases)('$exercise', ({ exercise, pass, fails }) => {
	const definition = () => EXERCISES_BY_ID.get(exercise)!;

	test('the passing work passes every check', async () => {
		const result = evaluate(definition(), await pass());
		expect(result.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual([]);
		expect(result.passed).toBe(true);
	});

	test.each(fails.map((f, i) => ({ ...f, n: i + 1 })))(
		'failing work $n fails, on the checks it misses',
		async ({ work, passesAnyway }) => {
			const result = evaluate(definition(), await work());
			expect(result.checks.filter((c) => c.passed).map((c) => c.id)).toEqual(passesAnyway);
			expect(result.passed).toBe(false);
		}
	);

	test('no work passes nothing', () => {
		const result = evaluate(definition(), { sessions: [], messages: [] });
		expect(result.checks.every((c) => !c.passed)).toBe(true);
	});
});
