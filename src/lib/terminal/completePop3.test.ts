import { describe, expect, it } from 'vitest';
import { completePop3, pop3CommandsIn, saslMechanismsIn } from './completePop3';

describe('completePop3', () => {
	it('before login offers the AUTHORIZATION commands, none of the mailbox ones (RFC 1939 §4)', () => {
		const verbs = completePop3('', 'pop3-authorization', []);
		expect(verbs).toEqual(expect.arrayContaining(['CAPA', 'STLS', 'USER ', 'PASS ', 'QUIT']));
		expect(verbs).not.toContain('RETR ');
		expect(verbs).not.toContain('STAT');
	});

	it('after login offers the TRANSACTION commands, arguments where the syntax has them (RFC 1939 §5, §7)', () => {
		const verbs = completePop3('', 'pop3-transaction', []);
		expect(verbs).toEqual(
			expect.arrayContaining(['STAT', 'LIST ', 'UIDL ', 'RETR ', 'TOP ', 'DELE ', 'RSET', 'QUIT'])
		);
		expect(verbs).not.toContain('USER ');
		expect(verbs).not.toContain('STLS');
	});

	it('with no state yet, the commands of AUTHORIZATION', () => {
		expect(pop3CommandsIn(null)).toEqual(pop3CommandsIn('pop3-authorization'));
	});

	it('after AUTH, the mechanisms CAPA listed (RFC 2449 §6.3)', () => {
		const sasl = saslMechanismsIn(['TOP', 'USER', 'SASL PLAIN', 'PIPELINING']);
		expect(sasl).toEqual(['PLAIN']);
		expect(completePop3('AUTH ', 'pop3-authorization', sasl)).toEqual(['AUTH PLAIN']);
		expect(completePop3('AUTH ', 'pop3-authorization', [])).toEqual([]);
		expect(completePop3('RETR 1', 'pop3-transaction', sasl)).toEqual([]);
	});
});
