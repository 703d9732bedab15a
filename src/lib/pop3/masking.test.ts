import { describe, expect, test } from 'vitest';
import { Pop3Annotator, type Pop3AnnotateInput } from './annotate';

// The recorder gives the annotator the real line (its owner sees it) and stores "PASS " + this
// mask for everyone else; a session re-annotated after a restart has only the masked line.
const MASK = '•••••• (hidden: credentials are shown only in the browser that typed them)';
const PASSWORD = 'tanstaaf-9Qx!';
// base64("\0alice\0tanstaaf-9Qx!"), RFC 4616 §2's message: authzid NUL authcid NUL passwd.
const PLAIN = Buffer.from(`\0alice\0${PASSWORD}`).toString('base64');

const C = (text: string): Pop3AnnotateInput => ({ dir: 'client', text });
const S = (text: string): Pop3AnnotateInput => ({ dir: 'server', text });

function annotateAll(lines: Pop3AnnotateInput[]) {
	const annotator = new Pop3Annotator();
	return lines.map((l) => annotator.annotate(l));
}

/** Every string an annotation holds, flattened. */
const allText = (annotations: object[]) => JSON.stringify(annotations);

describe('credentials never appear in an explanation', () => {
	test.each([
		[
			'USER/PASS',
			[S('+OK ready'), C('USER alice'), S('+OK'), C(`PASS ${PASSWORD}`), S('+OK in')],
			3
		],
		[
			'AUTH PLAIN with an initial response (RFC 5034 §4)',
			[S('+OK ready'), C(`AUTH PLAIN ${PLAIN}`), S('+OK in')],
			1
		],
		[
			'AUTH PLAIN after an empty "+ " challenge',
			[S('+OK ready'), C('AUTH PLAIN'), S('+ '), C(PLAIN), S('+OK in')],
			3
		],
		[
			// A mistyped PASS is an unknown command: its argument is not quoted either, not even
			// by the next (pipelined) command's note.
			'a mistyped PASS, then a pipelined command',
			[S('+OK ready'), C(`PASSS ${PASSWORD}`), C('NOOP'), S('-ERR'), S('-ERR')],
			1
		],
		[
			'APOP, whose digest is a secret too',
			[S('+OK ready'), C(`APOP alice ${PASSWORD}`), S('-ERR')],
			1
		]
	])('%s', (_, lines, secretLine) => {
		const annotations = annotateAll(lines as Pop3AnnotateInput[]);
		const text = allText(annotations);
		expect(text).not.toContain(PASSWORD);
		expect(text).not.toContain(PLAIN);
		expect(text).not.toContain(PLAIN.slice(0, 12));
		// Still taught: the secret line has an explanation of its own, linked to its command.
		expect(annotations[secretLine].ref).toMatch(/^pop3\/(commands|responses)\//);
		expect(annotations[secretLine].summary.length).toBeGreaterThan(20);
	});

	test('the masked line the recorder stores is explained as PASS, and the login still succeeds', () => {
		const annotations = annotateAll([
			S('+OK ready'),
			C('USER alice'),
			S('+OK'),
			C(`PASS ${MASK}`),
			S('+OK maildrop has 1 message')
		]);
		expect(annotations[3].title).toBe('PASS — the password');
		expect(annotations[3].ref).toBe('pop3/commands/pass');
		expect(annotations[3].notes!.join(' ')).toContain('never repeated');
		expect(annotations[4].stateAfter).toBe('pop3-transaction');
	});

	test('a SASL answer is explained as AUTH and "*" cancels', () => {
		const annotations = annotateAll([
			S('+OK ready'),
			C('AUTH PLAIN'),
			S('+ '),
			C('*'),
			S('-ERR [AUTH] cancelled')
		]);
		expect(annotations[2].ref).toBe('pop3/responses/continuation');
		expect(annotations[3].title).toBe('Cancel the AUTH exchange');
		expect(annotations[4].title).toBe('-ERR to AUTH');
		expect(annotations[4].stateAfter).toBe('pop3-authorization');
	});
});
