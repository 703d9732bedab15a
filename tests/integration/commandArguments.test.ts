/**
 * Issue 10 §7 and §8: what the sandbox answers to commands the library handled loosely, over a
 * raw socket. DATA, RSET and QUIT take no arguments (RFC 5321 §4.3.2), NOOP and HELP may have one
 * (§4.1.1.9, §4.1.1.8); MAIL/RCPT parameters need EHLO (§4.1.1.11, §4.3.2); VRFY and EXPN are
 * disabled for security and answer 252 (§7.3); TURN is recognised and not implemented (§4.2.4).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { RawSmtp } from './harness';
import { lines, open, ready, startQuickLab } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

async function afterHelo(): Promise<RawSmtp> {
	lab = await startQuickLab();
	const { c } = await open(lab, 'mx');
	expect(await c.command('HELO client.example.test')).toMatch(/^250 /);
	return c;
}

describe('commands that take no arguments (RFC 5321 §4.3.2)', () => {
	it('DATA with an argument gets 501 5.5.4 and does not start the message', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		await c.command('MAIL FROM:<a@example.com>');
		await c.command('RCPT TO:<b@example.com>');
		expect(await c.command('DATA now')).toBe('501 5.5.4 DATA takes no arguments');
		// Still in the transaction, not in DATA mode: a plain DATA starts it.
		expect(await c.command('DATA')).toMatch(/^354 /);
		c.close();
	});

	it('RSET with an argument gets 501 5.5.4 and leaves the transaction as it was', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		await c.command('MAIL FROM:<a@example.com>');
		expect(await c.command('RSET everything')).toBe('501 5.5.4 RSET takes no arguments');
		// The sender is still there: a second MAIL is nested.
		expect(await c.command('MAIL FROM:<a@example.com>')).toMatch(/^503 5\.5\.1 /);
		expect(await c.command('RSET')).toMatch(/^250 /);
		c.close();
	});

	it('QUIT with an argument gets 501 5.5.4 and the session stays open', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('QUIT now')).toBe('501 5.5.4 QUIT takes no arguments');
		expect(await c.command('NOOP')).toMatch(/^250 /);
		expect(await c.command('QUIT')).toMatch(/^221 /);
		await c.closed;
	});

	it('trailing spaces are not an argument', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('RSET  ')).toMatch(/^250 /);
		c.close();
	});

	it('NOOP and HELP may carry an argument (RFC 5321 §4.1.1.9, §4.1.1.8)', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('NOOP anything at all')).toMatch(/^250 /);
		expect(await c.command('HELP MAIL')).toMatch(/^214 /);
		c.close();
	});
});

describe('MAIL and RCPT parameters after HELO (RFC 5321 §4.1.1.11)', () => {
	it('SIZE= after HELO gets 555 5.5.4; the same line after EHLO is accepted', async () => {
		const c = await afterHelo();
		expect(await c.command('MAIL FROM:<a@example.com> SIZE=100')).toBe(
			'555 5.5.4 SIZE is a parameter of an extension, and after HELO this server advertised none: say EHLO'
		);
		expect(await c.command('MAIL FROM:<a@example.com>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<b@example.com> NOTIFY=NEVER')).toMatch(/^555 5\.5\.4 NOTIFY /);
		expect(await c.command('RCPT TO:<b@example.com>')).toMatch(/^250 /);
		expect(await c.command('RSET')).toMatch(/^250 /);
		await lines(c, 'EHLO client.example.test');
		expect(await c.command('MAIL FROM:<a@example.com> SIZE=100')).toMatch(/^250 2\.1\.0 /);
		c.close();
	});

	it('a SIZE over the limit after HELO is still a 555, not a 552: the parameter is unknown', async () => {
		lab = await startQuickLab({ maxMessageBytes: 1000 });
		const { c } = await open(lab, 'mx');
		await c.command('HELO client.example.test');
		expect(await c.command('MAIL FROM:<a@example.com> SIZE=5000')).toMatch(/^555 5\.5\.4 SIZE /);
		c.close();
	});
});

describe('VRFY, EXPN and TURN', () => {
	it('VRFY and EXPN are disabled for security: 252 2.5.0, never a verification (RFC 5321 §7.3)', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		for (const target of ['someone', 'unknown@example.com', 'postmaster'])
			expect(await c.command(`VRFY ${target}`)).toMatch(/^252 2\.5\.0 VRFY is disabled here/);
		expect(await c.command('EXPN staff')).toMatch(/^252 2\.5\.0 EXPN is disabled here/);
		expect(await c.command('VRFY')).toBe('501 5.5.4 VRFY needs an argument');
		expect(await c.command('EXPN')).toBe('501 5.5.4 EXPN needs an argument');
		c.close();
	});

	it('EXPN is not advertised in EHLO, since it is disabled (RFC 5321 §3.5.2, §4.2.4)', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'mx');
		const reply = await lines(c, 'EHLO client.example.test');
		expect(reply.some((line) => /^250[ -]EXPN\b/i.test(line))).toBe(false);
		c.close();
	});

	it('TURN is recognised and not implemented: 502 5.5.1, and it does not count as unknown', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		// Ten unrecognised commands would close the session (421): TURN is not one of them.
		for (let i = 0; i < 10; i++)
			expect(await c.command('TURN')).toBe(
				'502 5.5.1 TURN is recognised but not implemented: it is obsolete (RFC 5321 Appendix F.1)'
			);
		expect(await c.command('NOOP')).toMatch(/^250 /);
		c.close();
	});

	it('on submission, AUTH still comes first for them', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submissions');
		await lines(c, 'EHLO client.example.test');
		expect(await c.command('DATA now')).toMatch(/^530 5\.7\.0 /);
		c.close();
	});
});
