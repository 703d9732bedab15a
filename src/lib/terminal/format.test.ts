import { describe, expect, it } from 'vitest';
import { formatEvent, formatNote } from './format';

describe('formatEvent', () => {
	it('colours replies by class', () => {
		expect(formatEvent({ dir: 'server', text: '250 OK' })[0]).toBe('\x1b[32mS: 250 OK\x1b[0m');
		expect(formatEvent({ dir: 'server', text: '354 Go' })[0]).toContain('\x1b[34m');
		expect(formatEvent({ dir: 'server', text: '451 Later' })[0]).toContain('\x1b[33m');
		expect(formatEvent({ dir: 'server', text: '550 No' })[0]).toContain('\x1b[31m');
	});
	it('colours only lines that are replies by the RFC 5321 §4.2 grammar', () => {
		// Reply-code = %x32-35 %x30-35 %x30-39, then SP, "-" or the end of the line.
		// Lines that are not replies keep the plain server colour (white), not a class colour.
		expect(formatEvent({ dir: 'server', text: '250x' })[0]).toBe('\x1b[37mS: 250x\x1b[0m');
		expect(formatEvent({ dir: 'server', text: '560 x' })[0]).toBe('\x1b[37mS: 560 x\x1b[0m');
	});
	it('marks client and system lines and splits bodies into lines', () => {
		expect(formatEvent({ dir: 'client', text: 'a\nb' })).toEqual([
			'\x1b[1;37mC: a\x1b[0m',
			'\x1b[1;37mC: b\x1b[0m'
		]);
		expect(formatEvent({ dir: 'system', text: 'TLS' })[0]).toBe('\x1b[35m*  TLS\x1b[0m');
	});
	it('colours IMAP status responses: OK a success, NO and BAD refusals, BYE the close (RFC 3501 §7.1)', () => {
		expect(formatEvent({ dir: 'server', text: 'a1 OK done' })[0]).toBe(
			'\x1b[32mS: a1 OK done\x1b[0m'
		);
		expect(formatEvent({ dir: 'server', text: '* OK [UIDVALIDITY 3] x' })[0]).toContain('\x1b[32m');
		expect(formatEvent({ dir: 'server', text: 'a2 NO [TRYCREATE] x' })[0]).toContain('\x1b[31m');
		expect(formatEvent({ dir: 'server', text: 'a3 BAD x' })[0]).toContain('\x1b[31m');
		expect(formatEvent({ dir: 'server', text: '* BYE logging out' })[0]).toContain('\x1b[33m');
		// Untagged data and a literal's text that merely starts like a status are not coloured.
		expect(formatEvent({ dir: 'server', text: '* 2 EXISTS' })[0]).toContain('\x1b[37m');
		expect(formatEvent({ dir: 'server', text: 'a1 OK in a body\nline two' })[0]).toContain(
			'\x1b[37m'
		);
	});

	it('colours POP3 status lines: +OK as a success, -ERR as a refusal (RFC 1939 §3)', () => {
		expect(formatEvent({ dir: 'server', text: '+OK 2 320' })[0]).toBe(
			'\x1b[32mS: +OK 2 320\x1b[0m'
		);
		expect(formatEvent({ dir: 'server', text: '-ERR [IN-USE] x' })[0]).toContain('\x1b[31m');
		expect(formatEvent({ dir: 'server', text: '+OKAY' })[0]).toContain('\x1b[37m');
	});
	it("shows a folded header line's TAB as spaces to the next 8-column stop (RFC 5322 §2.2.3)", () => {
		const [first, folded] = formatEvent({ dir: 'server', text: 'Received: from a\n\tby b\tc' });
		expect(first).toBe('\x1b[37mS: Received: from a\x1b[0m');
		expect(folded).toBe('\x1b[37mS:         by b    c\x1b[0m');
	});
	it('never passes an escape sequence from the text through', () => {
		const [line] = formatEvent({ dir: 'server', text: '250 \x1b]52;c;AAAA\x07' });
		expect(line).toBe('\x1b[32mS: 250 ␛]52;c;AAAA␇\x1b[0m');
		expect(formatNote('\x1b[2J')).not.toContain('\x1b[2J');
	});
});
