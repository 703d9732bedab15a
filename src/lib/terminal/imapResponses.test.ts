import { describe, expect, it } from 'vitest';
import { imapResponsesIn, nextImapTag } from './imapResponses';

const c = (text: string) => ({ dir: 'client' as const, text });
const s = (text: string) => ({ dir: 'server' as const, text });

describe('imapResponsesIn', () => {
	it('ends a response at its tagged completion, untagged data before it (RFC 3501 §2.2.2)', () => {
		const responses = imapResponsesIn([
			s('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready'),
			c('a1 SELECT INBOX'),
			s('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)'),
			s('* 2 EXISTS'),
			s('* OK [UIDVALIDITY 3857529045] UIDs valid'),
			s('a1 OK [READ-WRITE] SELECT completed')
		]);
		expect(responses.map((r) => [r.status, r.ok, r.command])).toEqual([
			['* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready', true, null],
			['a1 OK [READ-WRITE] SELECT completed', true, 'a1 SELECT INBOX']
		]);
		expect(responses[1].lines).toHaveLength(4);
	});

	it('reads a literal as text, even one that looks like a completion (§4.3)', () => {
		const responses = imapResponsesIn([
			s('* OK ready'),
			c('a2 FETCH 1 BODY[]'),
			s('* 1 FETCH (BODY[] {24}'),
			s('a2 OK not the completion\r\n'),
			s(')'),
			s('a2 OK FETCH completed')
		]);
		expect(responses.map((r) => r.status)).toEqual(['* OK ready', 'a2 OK FETCH completed']);
		expect(responses[1].lines).toEqual(['* 1 FETCH (BODY[] {24}', ')', 'a2 OK FETCH completed']);
	});

	it('answers pipelined commands by tag, NO and BAD not ok (§5.5, §7.1)', () => {
		const responses = imapResponsesIn([
			s('* OK ready'),
			c('a3 STORE 1 +FLAGS (\\Flagged)'),
			c('a4 COPY 1 Nowhere'),
			s('* 1 FETCH (FLAGS (\\Seen \\Flagged))'),
			s('a3 OK STORE completed'),
			s('a4 NO [TRYCREATE] no such mailbox'),
			c('a5 FROB'),
			s('a5 BAD unknown command')
		]);
		expect(responses.slice(1).map((r) => [r.command, r.ok])).toEqual([
			['a3 STORE 1 +FLAGS (\\Flagged)', true],
			['a4 COPY 1 Nowhere', false],
			['a5 FROB', false]
		]);
	});

	it('IDLE: "+ idling" is a continuation, DONE is not a command, new mail arrives untagged (RFC 2177 §3)', () => {
		const responses = imapResponsesIn([
			s('* OK ready'),
			c('a6 IDLE'),
			s('+ idling'),
			s('* 3 EXISTS'),
			s('* 1 RECENT'),
			c('DONE'),
			s('a6 OK IDLE terminated')
		]);
		expect(responses.map((r) => r.status)).toEqual([
			'* OK ready',
			'+ idling',
			'a6 OK IDLE terminated'
		]);
		expect(responses[2].command).toBe('a6 IDLE');
		expect(responses[2].lines).toEqual(['* 3 EXISTS', '* 1 RECENT', 'a6 OK IDLE terminated']);
	});

	it("AUTHENTICATE's '+ ' and a client literal's '+' wait for the client's next line (§6.2.2, §7.5)", () => {
		const responses = imapResponsesIn([
			s('* OK ready'),
			c('a7 AUTHENTICATE PLAIN'),
			s('+ '),
			c('********'),
			s('a7 OK logged in'),
			c('a8 LOGIN {5}'),
			s('+ Ready for literal'),
			c('alice {6}'),
			s('+ Ready for literal'),
			c('******'),
			s('a8 NO already logged in')
		]);
		expect(responses.map((r) => [r.status, r.command])).toEqual([
			['* OK ready', null],
			['+ ', 'a7 AUTHENTICATE PLAIN'],
			['a7 OK logged in', 'a7 AUTHENTICATE PLAIN'],
			['+ Ready for literal', 'a8 LOGIN {5}'],
			['+ Ready for literal', 'a8 LOGIN {5}'],
			['a8 NO already logged in', 'a8 LOGIN {5}']
		]);
	});
});

describe('a reader that starts mid-session', () => {
	it('ends at the completion of a command it did not see (the IDLE before DONE, RFC 2177 §3)', () => {
		const responses = imapResponsesIn([
			s('* 2 EXISTS'),
			s('* 1 RECENT'),
			c('DONE'),
			s('a13 OK IDLE terminated')
		]);
		expect(responses).toEqual([
			{
				status: 'a13 OK IDLE terminated',
				ok: true,
				command: null,
				lines: ['* 2 EXISTS', '* 1 RECENT', 'a13 OK IDLE terminated']
			}
		]);
	});
});

describe('nextImapTag', () => {
	it('offers a1 first, then one past the highest a<n> used (§2.2.1)', () => {
		expect(nextImapTag([s('* OK ready')])).toBe('a1');
		expect(nextImapTag([c('a1 CAPABILITY'), c('x9 NOOP'), c('a4 NOOP'), c('DONE')])).toBe('a5');
	});
});
