import { describe, expect, test } from 'vitest';
import { ImapAnnotator, type ImapAnnotateInput } from './annotate';
import { imapTranscriptEvents } from './transcriptImport';

// The recorder gives the annotator the real line (its owner sees it) and stores the line up to
// the password and this mask for everyone else ("a1 LOGIN alice ••••"); a session re-annotated
// after a restart has only the masked line.
const MASK = '•••••• (hidden: credentials are shown only in the browser that typed them)';
const PASSWORD = 'tanstaaf-9Qx!';
// base64("\0alice\0tanstaaf-9Qx!"), RFC 4616 §2's message: authzid NUL authcid NUL passwd.
const PLAIN = Buffer.from(`\0alice\0${PASSWORD}`).toString('base64');

const C = (text: string): ImapAnnotateInput => ({ dir: 'client', text });
const S = (text: string): ImapAnnotateInput => ({ dir: 'server', text });

function annotateAll(lines: ImapAnnotateInput[]) {
	const annotator = new ImapAnnotator();
	return [S('* OK IMAP4rev1 ready'), ...lines].map((l) => annotator.annotate(l)).slice(1);
}

describe('credentials never appear in an explanation', () => {
	test.each([
		['LOGIN with an atom password', [C(`a1 LOGIN alice ${PASSWORD}`), S('a1 OK')], 0],
		['LOGIN with a quoted password', [C(`a1 LOGIN "alice" "${PASSWORD}"`), S('a1 OK')], 0],
		[
			'LOGIN with a quoted password that does not parse (no closing quote)',
			[C(`a1 LOGIN alice "${PASSWORD}`), S('a1 BAD')],
			0
		],
		[
			// A transcript shows its octets as a line; the recorder stores them with the rest of the
			// command (nothing after a password): the same text either way.
			'LOGIN with the password as a literal',
			[C('a1 LOGIN alice {13}'), S('+ Ready'), C(PASSWORD), S('a1 OK')],
			2
		],
		[
			'AUTHENTICATE PLAIN, the answer after "+"',
			[C('a1 AUTHENTICATE PLAIN'), S('+ '), C(PLAIN), S('a1 OK')],
			2
		],
		[
			'AUTHENTICATE PLAIN with an initial response (SASL-IR, not offered)',
			[C(`a1 AUTHENTICATE PLAIN ${PLAIN}`), S('a1 BAD')],
			0
		],
		[
			// A mistyped LOGIN is an unknown command: its arguments are not quoted, not even by its
			// BAD's note; nor is a password typed alone on a line.
			'a mistyped LOGIN, and a password typed alone',
			[C(`a1 LOGON alice ${PASSWORD}`), S('a1 BAD unknown'), C(PASSWORD), S('* BAD')],
			0
		],
		[
			'LOGIN, then a pipelined command whose notes mention the LOGIN still in flight',
			[C(`a1 LOGIN alice ${PASSWORD}`), C('a2 NOOP'), S('a1 OK'), S('a2 OK')],
			0
		]
	])('%s', (_, lines, secretLine) => {
		const annotations = annotateAll(lines as ImapAnnotateInput[]);
		const text = JSON.stringify(annotations);
		expect(text).not.toContain(PASSWORD);
		expect(text).not.toContain(PASSWORD.slice(0, 6));
		expect(text).not.toContain(PLAIN);
		expect(text).not.toContain(PLAIN.slice(0, 12));
		// Still taught: the secret line has an explanation of its own, linked to a page.
		expect(annotations[secretLine].ref).toMatch(/^imap\/(commands|responses)\//);
		expect(annotations[secretLine].summary.length).toBeGreaterThan(20);
	});

	test('the masked line the recorder stores (a session explained after a restart)', () => {
		const [login, ok] = annotateAll([C(`a1 LOGIN alice ${MASK}`), S('a1 OK LOGIN completed')]);
		expect(login.title).toBe('LOGIN — user name and password');
		expect(login.notes!.join(' ')).not.toContain('syntax');
		expect(ok.stateAfter).toBe('imap-authenticated');
		// User name and password as literals: the recorder masks the password's announcement too.
		const literals = annotateAll([
			C('a1 LOGIN {5}'),
			S('+ Ready'),
			C(`alice ${MASK}`),
			S('+ Ready'),
			C(MASK),
			S('a1 OK')
		]);
		expect(literals.map((a) => [a.title, a.stateAfter])).toEqual([
			['LOGIN — user name and password', 'imap-not-authenticated'],
			['+ — send the literal', 'imap-not-authenticated'],
			['Literal of a1 LOGIN …', 'imap-not-authenticated'],
			['+ — send the literal', 'imap-not-authenticated'],
			['Literal (password, not shown)', 'imap-not-authenticated'],
			['OK to LOGIN', 'imap-authenticated']
		]);
		const [, , answer] = annotateAll([C('a1 AUTHENTICATE PLAIN'), S('+ '), C(MASK), S('a1 OK')]);
		expect(answer.title).toBe('SASL answer (base64)');
	});

	test('a pasted transcript with a password: the line keeps it (it is the learner’s own), the explanation does not', () => {
		const events = [
			...imapTranscriptEvents(`S: * OK ready\nC: a1 LOGIN alice ${PASSWORD}\nS: a1 OK`)
		];
		expect(JSON.stringify(events.map((e) => e.annotation))).not.toContain(PASSWORD);
	});
});
