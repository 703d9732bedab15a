/**
 * Issue 12 §2: the sandbox's domains, accounts and teaching mailboxes are defined once
 * (src/lib/sandboxPolicy.ts). The server enforces exactly those rows on the wire, and the README
 * documents the same ones; the pages render them (tests/e2e/connect.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import {
	ACCOUNTS,
	GTUBE,
	SANDBOX_DOMAINS,
	SANDBOX_TLD,
	SPAM_RULE,
	TEACHING_MAILBOXES
} from '../../src/lib/sandboxPolicy';
import { ehlo, message, open, plain, ready, startQuickLab, transaction } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

describe('the server enforces the policy table', () => {
	it('every teaching mailbox with a reply gets that reply, at every sandbox domain and a personal one under .test', async () => {
		lab = await startQuickLab();
		const personal = `${lab.owners.owner('policy-test-owner').name}${SANDBOX_TLD}`;
		const { c } = await ready(lab, 'mx');
		await c.command('MAIL FROM:<sender@example.com>');
		for (const domain of [...SANDBOX_DOMAINS, personal])
			for (const mailbox of TEACHING_MAILBOXES) {
				const reply = await c.command(`RCPT TO:<${mailbox.localPart}@${domain}>`);
				const expected = mailbox.reply ?? { code: 250, enhanced: '2.1.5' };
				expect(reply, `${mailbox.localPart}@${domain}`).toMatch(
					new RegExp(`^${expected.code} ${expected.enhanced.replace(/\./g, '\\.')} `)
				);
			}
		// Not a sandbox domain, or a .test name the sandbox DNS does not know: relaying is refused.
		expect(await c.command('RCPT TO:<someone@elsewhere.invalid>')).toMatch(/^550 5\.7\.1 /);
		expect(await c.command(`RCPT TO:<someone@nobody${SANDBOX_TLD}>`)).toMatch(/^550 5\.7\.1 /);
		c.close();
	});

	it('every account authenticates, and nothing else does', async () => {
		lab = await startQuickLab();
		for (const account of ACCOUNTS) {
			const { c } = await open(lab, 'submissions');
			await ehlo(c);
			expect(await c.command(`AUTH PLAIN ${plain(account.user, account.password)}`)).toMatch(
				/^235 /
			);
			c.close();
		}
		const { c } = await open(lab, 'submissions');
		await ehlo(c);
		const [first, second] = ACCOUNTS;
		expect(await c.command(`AUTH PLAIN ${plain(first.user, second.password)}`)).toMatch(/^535 /);
		c.close();
	});

	it('GTUBE in the content gets the spam rule’s reply after DATA', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const t = await transaction(
			c,
			'sender@example.com',
			['rcpt@example.com'],
			message('spam', `${GTUBE}\r\n`)
		);
		expect(t.end).toMatch(new RegExp(`^${SPAM_RULE.reply.code} ${SPAM_RULE.reply.enhanced} `));
		c.close();
	});
});

describe('the README documents the same policy', () => {
	const readme = readFileSync('README.md', 'utf8');

	it('accounts, domains and each teaching mailbox with its reply', () => {
		for (const account of ACCOUNTS)
			expect(readme).toContain(`\`${account.user}\` / \`${account.password}\``);
		for (const domain of SANDBOX_DOMAINS) expect(readme).toContain(`\`${domain}\``);
		expect(readme).toContain('personal domain');
		expect(readme).toContain(
			`A \`${SANDBOX_TLD}\` name the sandbox DNS does not know does not exist`
		);
		for (const mailbox of TEACHING_MAILBOXES)
			expect(readme).toMatch(
				new RegExp(
					`\\| \`${mailbox.localPart}@\` \\| ${mailbox.reply ? `\`${mailbox.reply.code} ${mailbox.reply.enhanced.replace(/\./g, '\\.')}\`` : ''}`
				)
			);
	});
});
