/**
 * Issue 2 §2: every enhanced status code (RFC 3463) the sandbox puts on the wire is the right
 * one, read off a raw socket: each row of the sandbox's own reply table, each correction of the
 * library's replies, and RFC 2034's rule of where no enhanced code may appear.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabConfig } from '../../server/config';
import { signMessage } from '../../server/auth/dkimSigner';
import type { Lab } from '../../server/lab';
import { GTUBE } from '../../server/sandbox/policy';
import { SANDBOX_REPLIES, type SandboxReplyName } from '../../server/sandbox/replies';
import { isFallback, SessionAnnotator } from '../../src/lib/smtp';
import { ports, RawSmtp } from './harness';
import { ehlo, lines, open, plain, ready, startTls, startQuickLab } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	// Issue 3: every reply the sandbox can emit gets a specific annotation, never the fallback.
	for (const session of lab?.store.sessions.values() ?? [])
		for (const event of session.events)
			if (event.dir === 'server')
				expect(isFallback(event.annotation), `annotation of "${event.text}"`).toBe(false);
	await lab?.close();
	lab = undefined;
});

/** The final line of the next reply, or of the line the server sent before closing. */
async function finalLine(c: RawSmtp, timeoutMs = 5000): Promise<string> {
	return (await c.reply(timeoutMs)).at(-1)!;
}

/** A session with a sandbox mail host (server/hosts/), past EHLO. */
async function hostSession(lab: Lab, host: string): Promise<RawSmtp> {
	const { address, port } = lab.hosts.endpointOf(host)!;
	const c = await RawSmtp.connect(port, false, address);
	await c.reply();
	await c.command('EHLO client.example.test');
	return c;
}

/** A message From: and MAIL FROM `sender`, typed straight to the mx listener: its end-of-DATA reply. */
async function spoofed(lab: Lab, sender: string): Promise<string> {
	const { c } = await ready(lab, 'mx');
	await c.command(`MAIL FROM:<${sender}>`);
	await c.command('RCPT TO:<b@example.com>');
	await c.command('DATA');
	return c.command(`From: ${sender}\r\nSubject: spoofed\r\n\r\nx\r\n.`);
}

interface Provocation {
	/** What the issue text (or the RFC it cites) says this reply is. */
	spec: string;
	config?: Partial<LabConfig>;
	provoke: (lab: Lab) => Promise<string>;
}

/** How to make the sandbox send each row of SANDBOX_REPLIES. */
const PROVOKE: Record<SandboxReplyName, Provocation> = {
	unknownUser: {
		spec: '550 5.1.1',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<unknown@example.com>');
		}
	},
	mailboxFull: {
		spec: '452 4.2.2',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<full@example.com>');
		}
	},
	ownerStorageFull: {
		spec: '452 4.2.2',
		// Mail to shared addresses from a mail program is the unclaimed pool's, which has no room.
		config: { maxStoredBytesPerOwner: 0 },
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<b@example.com>');
		}
	},
	labStorageFull: {
		spec: '452 4.3.1',
		config: { maxDbBytes: 1 },
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			return c.command('MAIL FROM:<a@example.com>');
		}
	},
	greylisted: {
		spec: '451 4.7.1',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<greylist@example.com>');
		}
	},
	unknownStudent: {
		spec: '550 5.1.1',
		provoke: async (lab) => {
			const room = lab.classes.create({ ownerId: 'a-teacher', operator: false }, 'A class');
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command(`RCPT TO:<nobody@${room.code.toLowerCase()}.class.test>`);
		}
	},
	classWideTeacherOnly: {
		spec: '550 5.7.2',
		provoke: async (lab) => {
			const room = lab.classes.create({ ownerId: 'a-teacher', operator: false }, 'A class');
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command(`RCPT TO:<class@${room.code.toLowerCase()}.class.test>`);
		}
	},
	noSuchClass: {
		spec: '550 5.1.2',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<ana@aaaaaa.class.test>');
		}
	},
	noSuchDomain: {
		spec: '550 5.1.2',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'submission');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<b@no-such-name.test>');
		}
	},
	relayDenied: {
		spec: '550 5.7.1',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<someone@gmail.com>');
		}
	},
	queueFull: {
		spec: '452 4.3.1',
		config: { queueMaxLength: 1 },
		provoke: async (lab) => {
			const { c } = await ready(lab, 'submission');
			// down.test's MX refuses connections: its delivery stays queued for a retry.
			await c.command('MAIL FROM:<a@example.com>');
			await c.command('RCPT TO:<b@down.test>');
			await c.command('DATA');
			await c.command('Subject: queued\r\n\r\nwaits\r\n.');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<c@north.test>');
		}
	},
	nullMxRecipient: {
		spec: '556 5.1.10',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'submission');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<b@nullmx.test>');
		}
	},
	nullMxSender: {
		spec: '550 5.7.27',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			return c.command('MAIL FROM:<a@nullmx.test>');
		}
	},
	hostGreylisted: {
		spec: '451 4.7.1',
		provoke: async (lab) => {
			const c = await hostSession(lab, 'mx.greylist.test');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<b@greylist.test>');
		}
	},
	notAListAddress: {
		spec: '550 5.1.1',
		provoke: async (lab) => {
			const c = await hostSession(lab, 'mx.list.test');
			await c.command('MAIL FROM:<a@example.com>');
			return c.command('RCPT TO:<not-a-list@list.test>');
		}
	},
	routingLoop: {
		spec: '554 5.4.6',
		config: { maxReceivedFields: 1 },
		provoke: async (lab) => {
			const c = await hostSession(lab, 'mx.north.test');
			await c.command('MAIL FROM:<a@example.com>');
			await c.command('RCPT TO:<b@north.test>');
			await c.command('DATA');
			return c.command(
				'Received: from a.test by b.test; Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\nx\r\n.'
			);
		}
	},
	spamRefused: {
		spec: '550 5.7.1',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			await c.command('RCPT TO:<b@example.com>');
			await c.command('DATA');
			return c.command(`Subject: spam\r\n\r\n${GTUBE}\r\n.`);
		}
	},
	// Issue 20: a spoofer at the mx listener (127.0.0.1, which no teaching domain's SPF names).
	dmarcReject: {
		spec: '550 5.7.1',
		provoke: (lab) => spoofed(lab, 'ceo@reject.test')
	},
	dkimRequired: {
		spec: '550 5.7.20',
		provoke: (lab) => spoofed(lab, 'news@signed.test')
	},
	dkimNotAuthorMatched: {
		spec: '550 5.7.22',
		// A valid signature made with the lab's own key, but for d=example.com, not signed.test.
		provoke: async (lab) => {
			const signed = await signMessage(
				Buffer.from('From: news@signed.test\r\nSubject: signed elsewhere\r\n\r\nx\r\n'),
				lab.sandbox.deps.authentication.deps.key,
				'example.com'
			);
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<news@signed.test>');
			await c.command('RCPT TO:<b@example.com>');
			await c.command('DATA');
			return c.command(`${signed.toString('latin1')}.`);
		}
	},
	spfFail: {
		spec: '550 5.7.23',
		provoke: (lab) => spoofed(lab, 'spoof@hardfail.test')
	},
	messageTooBig: {
		spec: '552 5.3.4',
		config: { maxMessageBytes: 64 },
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			await c.command('MAIL FROM:<a@example.com>');
			await c.command('RCPT TO:<b@example.com>');
			await c.command('DATA');
			return c.command(`Subject: big\r\n\r\n${'x'.repeat(200)}\r\n.`);
		}
	},
	startTlsFirst: {
		spec: '530 5.7.0',
		provoke: async (lab) => {
			const { c } = await open(lab, 'submission');
			await ehlo(c);
			return c.command('MAIL FROM:<alice@example.com>');
		}
	},
	authRequired: {
		spec: '530 5.7.0',
		provoke: async (lab) => {
			const { c } = await open(lab, 'submission');
			await ehlo(c);
			await startTls(c);
			await ehlo(c);
			return c.command('MAIL FROM:<alice@example.com>');
		}
	},
	badCredentials: {
		spec: '535 5.7.8',
		provoke: async (lab) => {
			const { c } = await open(lab, 'submissions');
			await ehlo(c);
			return c.command(`AUTH PLAIN ${plain('alice', 'wrong')}`);
		}
	},
	sharedAccountInBrowserOnly: {
		spec: '535 5.7.8',
		config: { visibility: 'private' },
		provoke: async (lab) => {
			const { c } = await open(lab, 'submissions');
			await ehlo(c);
			return c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`);
		}
	},
	authSucceeded: {
		spec: '235 2.7.0',
		provoke: async (lab) => {
			const { c } = await open(lab, 'submissions');
			await ehlo(c);
			return c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`);
		}
	},
	unadvertisedParameter: {
		spec: '555 5.5.4',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			return c.command('MAIL FROM:<a@example.com> XYZZY=1');
		}
	},
	nonAsciiAddress: {
		spec: '553 5.6.7',
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			return c.command('MAIL FROM:<jörg@example.com>');
		}
	},
	tooManySessions: {
		spec: '421 4.7.0',
		config: { maxSessions: 1 },
		provoke: async (lab) => {
			await open(lab, 'mx');
			const second = await RawSmtp.connect(ports(lab).submission);
			return finalLine(second);
		}
	},
	tooManyFromAddress: {
		spec: '421 4.7.0',
		config: { maxSessionsPerAddress: 1 },
		provoke: async (lab) => {
			await open(lab, 'mx');
			const second = await RawSmtp.connect(ports(lab).mx);
			return finalLine(second);
		}
	},
	verifyDisabled: {
		spec: '252 2.5.0',
		provoke: async (lab) => (await ready(lab, 'mx')).c.command('VRFY someone')
	},
	expandDisabled: {
		spec: '252 2.5.0',
		provoke: async (lab) => (await ready(lab, 'mx')).c.command('EXPN staff')
	},
	argumentRequired: {
		spec: '501 5.5.4',
		provoke: async (lab) => (await ready(lab, 'mx')).c.command('EXPN')
	},
	turnNotImplemented: {
		spec: '502 5.5.1',
		provoke: async (lab) => (await ready(lab, 'mx')).c.command('TURN')
	},
	noArgumentsAllowed: {
		spec: '501 5.5.4',
		provoke: async (lab) => (await ready(lab, 'mx')).c.command('RSET all')
	},
	parametersNeedEhlo: {
		spec: '555 5.5.4',
		provoke: async (lab) => {
			const { c } = await open(lab, 'mx');
			await c.command('HELO client.example.test');
			return c.command('MAIL FROM:<a@example.com> SIZE=10');
		}
	},
	sessionTooLong: {
		spec: '421 4.4.2',
		config: { maxSessionSeconds: 1 },
		provoke: async (lab) => {
			const { c } = await ready(lab, 'mx');
			return finalLine(c, 3000);
		}
	}
};

/** The row's text as a pattern: placeholders match anything. */
function textPattern(text: string): RegExp {
	const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\w+\\\}/g, '.*');
	return new RegExp(`^${escaped}$`);
}

describe("the sandbox's own replies (server/sandbox/replies.ts)", () => {
	it('has a provocation for every row', () => {
		expect(Object.keys(PROVOKE).sort()).toEqual(Object.keys(SANDBOX_REPLIES).sort());
	});

	for (const [name, row] of Object.entries(SANDBOX_REPLIES) as [
		SandboxReplyName,
		(typeof SANDBOX_REPLIES)[SandboxReplyName]
	][]) {
		it(`${name}: ${row.code} ${row.enhanced} on the wire`, async () => {
			const { spec, config, provoke } = PROVOKE[name];
			// The table agrees with the issue / RFC, and the wire agrees with the table.
			expect(`${row.code} ${row.enhanced}`).toBe(spec);
			lab = await startQuickLab(config);
			const line = await provoke(lab);
			expect(line.slice(0, 3)).toBe(String(row.code));
			const [, enhanced, text] = /^\d{3} (\S+) (.*)$/.exec(line) ?? [];
			expect(enhanced).toBe(row.enhanced);
			expect(text).toMatch(textPattern(row.text));
			// Refused connections are not recorded: annotate the line as a session's first reply.
			expect(isFallback(new SessionAnnotator().annotate({ dir: 'server', text: line }))).toBe(
				false
			);
		});
	}
});

describe("the library's replies, corrected where needed (server/sandbox/wireReplies.ts)", () => {
	it('idle timeout: 421 4.4.2', async () => {
		lab = await startQuickLab({ idleTimeoutSeconds: 1 });
		const { c } = await ready(lab, 'mx');
		expect(await finalLine(c, 3000)).toMatch(/^421 4\.4\.2 /);
	});

	it('ten unknown commands: 500 5.5.2 each, then 421 4.7.0', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		for (let i = 1; i < 10; i++) expect(await c.command(`XFOO${i}`)).toMatch(/^500 5\.5\.2 /);
		expect(await c.command('XFOO10')).toMatch(/^421 4\.7\.0 /);
		await c.closed;
	});

	it('talking before the greeting: 421 4.7.0', async () => {
		lab = await startQuickLab();
		const c = await RawSmtp.connect(ports(lab).mx);
		// The greeting comes 100 ms after the connection is accepted: this line is early.
		c.send('NOOP\r\n');
		expect(await finalLine(c)).toMatch(/^421 4\.7\.0 /);
	});

	it('talking before the greeting with EHLO: 421, and as a reply to EHLO it may omit the code', async () => {
		lab = await startQuickLab();
		const c = await RawSmtp.connect(ports(lab).mx);
		c.send('EHLO early.test\r\n');
		expect(await finalLine(c)).toMatch(/^421 (4\.7\.0 )?\S/);
	});

	it('an HTTP request line: 421 4.7.0', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'mx');
		expect(await c.command('GET / HTTP/1.1')).toMatch(/^421 4\.7\.0 /);
	});

	it('bad sequence: 503 5.5.1', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('RCPT TO:<b@example.com>')).toMatch(/^503 5\.5\.1 /);
		expect(await c.command('DATA')).toMatch(/^503 5\.5\.1 /);
	});

	it('unknown command: 500 5.5.2', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('FROBNICATE')).toMatch(/^500 5\.5\.2 /);
	});

	it('bad arguments: 501 5.5.4', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('STARTTLS now')).toMatch(/^501 5\.5\.4 /);
		await c.command('MAIL FROM:<a@example.com>');
		expect(await c.command('RCPT TO:<b@example.com> NOTIFY=SOMETIMES')).toMatch(/^501 5\.5\.4 /);
	});

	it('an AUTH answer that does not decode to credentials: 501 5.5.2 (RFC 4954 §6)', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command('AUTH PLAIN !!!!')).toMatch(/^501 5\.5\.2 /);
		expect(
			await c.command(`AUTH PLAIN ${Buffer.from('no separators').toString('base64')}`)
		).toMatch(/^501 5\.5\.2 /);
		expect(await c.command('AUTH LOGIN')).toMatch(/^334 /);
		expect(await c.command('=')).toMatch(/^501 5\.5\.2 /);
		// Well-formed credentials that are wrong are another matter (535 5.7.8).
		expect(
			await c.command(`AUTH PLAIN ${Buffer.from('\0alice\0nope').toString('base64')}`)
		).toMatch(/^535 5\.7\.8 /);
	});

	it('unadvertised MAIL and RCPT parameters, REQUIRETLS included: 555 5.5.4', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('MAIL FROM:<a@example.com> FOO=bar')).toMatch(/^555 5\.5\.4 /);
		expect(await c.command('MAIL FROM:<a@example.com> REQUIRETLS')).toMatch(/^555 5\.5\.4 /);
		expect(await c.command('MAIL FROM:<a@example.com> BODY=8BITMIME')).toMatch(/^250 2\.1\.0 /);
		expect(await c.command('RCPT TO:<b@example.com> FOO=1')).toMatch(/^555 5\.5\.4 /);
		expect(await c.command('RCPT TO:<b@example.com> NOTIFY=NEVER')).toMatch(/^250 2\.1\.5 /);
		await startTls(c);
		await ehlo(c);
		expect(await c.command('MAIL FROM:<a@example.com> REQUIRETLS')).toMatch(/^555 5\.5\.4 /);
	});

	it('too many recipients: 452 4.5.3', async () => {
		lab = await startQuickLab({ maxRecipients: 1 });
		const { c } = await ready(lab, 'mx');
		await c.command('MAIL FROM:<a@example.com>');
		expect(await c.command('RCPT TO:<b@example.com>')).toMatch(/^250 2\.1\.5 /);
		expect(await c.command('RCPT TO:<c@example.com>')).toMatch(/^452 4\.5\.3 /);
	});

	it('MAIL FROM with SIZE over the limit: 552 5.3.4', async () => {
		lab = await startQuickLab({ maxMessageBytes: 1000 });
		const { c } = await ready(lab, 'mx');
		expect(await c.command('MAIL FROM:<a@example.com> SIZE=1001')).toMatch(/^552 5\.3\.4 /);
	});

	it("AUTH before STARTTLS on submission: 530 5.7.0, not the library's 538", async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submission');
		await ehlo(c);
		expect(await c.command('AUTH LOGIN')).toBe('530 5.7.0 Must issue a STARTTLS command first');
	});

	it("a command line over the library's limit: 421 4.5.0", async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		c.send(`NOOP ${'x'.repeat(20_000)}\r\n`);
		expect(await finalLine(c)).toMatch(/^421 4\.5\.0 /);
	});

	it('shutting down: 421 4.3.2 to open sessions', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const closing = lab.close();
		expect(await finalLine(c)).toMatch(/^421 4\.3\.2 /);
		c.close();
		await closing;
		lab = undefined;
	});
});

describe('RFC 2034 §3: where enhanced codes may not appear', () => {
	const ENHANCED = /^\d{3}[ -][245]\.\d{1,3}\.\d{1,3}( |$)/;

	it('not on the greeting, the EHLO or HELO reply, 354 or 334', async () => {
		lab = await startQuickLab();
		const { c, greeting } = await open(lab, 'submissions');
		for (const line of greeting) expect(line).not.toMatch(ENHANCED);
		for (const line of await ehlo(c)) expect(line).not.toMatch(ENHANCED);
		for (const line of await lines(c, 'HELO client.example.test'))
			expect(line).not.toMatch(ENHANCED);
		const challenge = await c.command('AUTH LOGIN');
		expect(challenge).toMatch(/^334 /);
		expect(challenge).not.toMatch(ENHANCED);
		expect(await c.command(Buffer.from('alice').toString('base64'))).not.toMatch(ENHANCED);
		expect(await c.command(Buffer.from('wonderland').toString('base64'))).toMatch(/^235 2\.7\.0 /);
		await c.command('MAIL FROM:<alice@example.com>');
		await c.command('RCPT TO:<bob@example.com>');
		const go = await c.command('DATA');
		expect(go).toMatch(/^354 /);
		expect(go).not.toMatch(ENHANCED);
	});

	it('every other 2xx/4xx/5xx reply of a varied session has one, of its own class', async () => {
		lab = await startQuickLab({ maxRecipients: 2 });
		const { c, id } = await ready(lab, 'mx');
		for (const line of [
			'NOOP',
			'HELP',
			'VRFY x',
			'RSET',
			'MAIL FROM:<a@example.com>',
			'RCPT TO:<b@example.com>',
			'RCPT TO:<unknown@example.com>',
			'RCPT TO:<full@example.com>',
			'RCPT TO:<greylist@example.com>',
			'RCPT TO:<x@gmail.com>',
			'RCPT TO:<c@example.com>',
			'RCPT TO:<d@example.com>',
			'DATA',
			'Subject: x\r\n\r\nbody\r\n.',
			'BOGUS',
			'MAIL FROM:<a@example.com> SIZE=99999999',
			'QUIT'
		])
			await lines(c, line);
		await c.closed;
		// Each server line is checked unless it answers nothing yet (the greeting) or EHLO/HELO,
		// or is a 3xx: a line-by-line replay of the recorded session.
		let answering: string | null = null;
		const checked: string[] = [];
		for (const event of lab.store.sessions.get(id)!.events) {
			if (event.dir === 'client') answering = event.text.split(' ')[0].toUpperCase();
			if (event.dir !== 'server' || answering === null) continue;
			if (answering === 'EHLO' || answering === 'HELO' || /^3/.test(event.text)) continue;
			checked.push(event.text);
		}
		for (const line of checked) {
			const match = /^(\d)\d{2}[ -]([245])\.\d{1,3}\.\d{1,3} /.exec(line);
			expect(match, line).not.toBeNull();
			expect(match![2], line).toBe(match![1]);
		}
		expect(checked.length).toBeGreaterThan(15);
	});
});
