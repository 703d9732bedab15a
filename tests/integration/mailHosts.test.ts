/**
 * Issue 17, the sandbox's other mail hosts (server/hosts/), over real sockets at their own
 * loopback addresses: each answers as itself, accepts only its own domains, delivers to the
 * mailbox with Return-Path and its own Received field on top of the ones already there, and
 * plays its part: greylisting (on the queue's clock), tarpitting (each reply waits), down
 * (connection refused), loop detection (RFC 5321 §6.3). A hop the queue registered is recorded
 * as the queue's, with the journey and owners it registered.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../server/clock';
import { PortInUseError, type Lab } from '../../server/lab';
import { parseReceived } from '../../src/lib/mail/received';
import { ManualClock, RawSmtp, until } from './harness';
import { startQuickLab } from './smtpSession';

const run = promisify(execFile);

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

function endpoint(lab: Lab, host: string): { address: string; port: number } {
	const found = lab.hosts.endpointOf(host);
	if (!found) throw new Error(`no endpoint for ${host}`);
	return found;
}

async function connect(lab: Lab, host: string): Promise<RawSmtp> {
	const { address, port } = endpoint(lab, host);
	return RawSmtp.connect(port, false, address);
}

/** The session the host recorded for the newest connection to it. */
function sessionAt(lab: Lab, host: string) {
	return [...lab.store.sessions.values()].filter((s) => s.summary.host === host).at(-1);
}

/** The header fields of a stored message as delivered: trace fields on top, then the message. */
function deliveredHeader(lab: Lab, messageId: string): string[] {
	const stored = lab.store.messages.get(messageId)!;
	const text = stored.trace + stored.raw.toString('utf8');
	const header = text.slice(0, text.indexOf('\r\n\r\n'));
	return header.split(/\r\n(?![ \t])/).map((field) => field.replace(/\r\n[ \t]/g, ' '));
}

const queuedId = (reply: string) => /Queued as (\S+):/.exec(reply)?.[1] ?? '';

describe('greetings', () => {
	// The hosts that answer, each at its own address (src/lib/delivery/mailHosts.ts).
	const ANSWERING: [string, string][] = [
		['mx.north.test', '127.0.0.3'],
		['mx1.south.test', '127.0.0.4'],
		['mx2.south.test', '127.0.0.5'],
		['nomx.test', '127.0.0.6'],
		['mx2.backup.test', '127.0.0.9'],
		['mx.slow.test', '127.0.0.10'],
		['mx.greylist.test', '127.0.0.11'],
		['mx.list.test', '127.0.0.12']
	];

	it('each host answers as itself at its own address', async () => {
		lab = await startQuickLab();
		for (const [host, address] of ANSWERING) {
			expect(endpoint(lab, host).address).toBe(address);
			const c = await connect(lab, host);
			expect(await c.reply()).toEqual([`220 ${host} ESMTP`]);
			const ehlo = await (async () => {
				c.send('EHLO client.test\r\n');
				return c.reply();
			})();
			expect(ehlo[0]).toMatch(new RegExp(`^250-${host.replace(/\./g, '\\.')} `));
			// The mx listener's extensions, and no AUTH (a host is another domain's port 25).
			expect(ehlo.slice(1)).toEqual([
				'250-PIPELINING',
				'250-8BITMIME',
				'250-SMTPUTF8',
				'250-ENHANCEDSTATUSCODES',
				'250-DSN',
				'250-STARTTLS',
				'250 SIZE 1048576'
			]);
			c.close();
		}
	});

	it('a down host refuses the connection', async () => {
		lab = await startQuickLab();
		for (const host of ['mx.down.test', 'mx1.backup.test']) {
			const { address, port } = endpoint(lab, host);
			const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
				const socket = net.connect({ host: address, port });
				socket.once('error', resolve);
				socket.once('connect', () => {
					socket.destroy();
					reject(new Error(`${host} accepted a connection`));
				});
			});
			expect(error.code).toBe('ECONNREFUSED');
		}
	});

	it('a busy MAIL_HOSTS_PORT stops the lab with the port and the variable', async () => {
		const blocker = net.createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.3', resolve));
		const { port } = blocker.address() as net.AddressInfo;
		try {
			const started = startQuickLab({ mailHostsPort: port });
			await expect(started).rejects.toBeInstanceOf(PortInUseError);
			await expect(started).rejects.toThrow(
				`Port ${port} at 127.0.0.3 (the mail host mx.north.test) is already in use: set MAIL_HOSTS_PORT`
			);
		} finally {
			await new Promise<void>((resolve) => blocker.close(() => resolve()));
		}
	});
});

describe('final delivery', () => {
	it('Python smtplib from 127.0.0.2 to mx.north.test: stored with Return-Path and the host’s Received field above the one it had', async () => {
		lab = await startQuickLab();
		const { address, port } = endpoint(lab, 'mx.north.test');
		const earlier =
			'Received: from laptop.example.com ([127.0.0.1])\\r\\n\\tby sandbox.smtp-lab.test with ESMTPSA id abc;\\r\\n\\tTue, 1 Dec 2026 10:00:00 +0000\\r\\n';
		const { stdout } = await run('/usr/bin/python3', [
			'-c',
			`
import json, smtplib
with smtplib.SMTP('${address}', ${port}, local_hostname='out.smtp-lab.test', source_address=('127.0.0.2', 0)) as s:
    s.ehlo()
    s.mail('alice@example.com')
    s.rcpt('bob@north.test')
    code, text = s.data(b'${earlier}From: alice@example.com\\r\\nSubject: north\\r\\n\\r\\nHello north.\\r\\n')
print(json.dumps([code, text.decode()]))
`
		]);
		const [code, text] = JSON.parse(stdout) as [number, string];
		expect(code).toBe(250);
		const id = queuedId(text);
		await until(() => lab!.store.messages.has(id));
		const stored = lab.store.messages.get(id)!;
		expect(stored.summary.recipients).toEqual([
			{ address: 'bob@north.test', outcome: 'delivered', reply: '250 2.1.5 Accepted' }
		]);
		const fields = deliveredHeader(lab, id);
		expect(fields[0]).toBe('Return-Path: <alice@example.com>');
		// Its checks of SPF, DKIM and DMARC above its Received (issue 20; RFC 8601, RFC 7208 §9.1).
		expect(fields[1]).toMatch(/^Authentication-Results: mx\.north\.test;/);
		expect(fields[2]).toMatch(/^Received-SPF: /);
		// RFC 5321 §4.4: from the EHLO name with the address literal in brackets inside the
		// parentheses, by this host, for the one recipient.
		expect(fields[3]).toMatch(
			/^Received: from out\.smtp-lab\.test \(\[127\.0\.0\.2\]\) by mx\.north\.test \(.*\) with ESMTP id \S+ for <bob@north\.test>; .+ \+0000$/
		);
		const clauses = parseReceived(fields[3].slice('Received: '.length)).clauses;
		expect(clauses.map((c) => c.name)).toEqual(['from', 'by', 'with', 'id', 'for', 'date']);
		expect(clauses.find((c) => c.name === 'for')?.value).toBe('<bob@north.test>');
		expect(fields[4]).toMatch(
			/^Received: from laptop\.example\.com \(\[127\.0\.0\.1\]\) by sandbox/
		);
		expect(fields.filter((f) => f.startsWith('Return-Path:'))).toHaveLength(1);
		const session = sessionAt(lab, 'mx.north.test')!;
		expect(session.summary).toMatchObject({
			host: 'mx.north.test',
			listener: 'mx',
			origin: 'external',
			clientAddress: '127.0.0.2'
		});
		expect(session.summary.journeyId).toBeUndefined();
	});

	it('over STARTTLS (the lab’s certificate): the session records TLS and the Received field says ESMTPS', async () => {
		lab = await startQuickLab();
		const { address, port } = endpoint(lab, 'mx2.south.test');
		const { stdout } = await run('/usr/bin/python3', [
			'-c',
			`
import json, smtplib, ssl
with smtplib.SMTP('${address}', ${port}, local_hostname='out.smtp-lab.test') as s:
    s.starttls(context=ssl._create_unverified_context())
    s.ehlo()
    s.mail('alice@example.com')
    s.rcpt('dan@south.test')
    code, text = s.data(b'Subject: south\\r\\n\\r\\nHello south.\\r\\n')
print(json.dumps([code, text.decode()]))
`
		]);
		const [code, text] = JSON.parse(stdout) as [number, string];
		expect(code).toBe(250);
		const id = queuedId(text);
		await until(() => lab!.store.messages.has(id));
		// Under Return-Path, Authentication-Results and Received-SPF (issue 20).
		expect(deliveredHeader(lab, id)[3]).toMatch(
			/^Received: from out\.smtp-lab\.test \(\[127\.0\.0\.1\]\) by mx2\.south\.test \(.*\) \(TLSv1\.3\) with ESMTPS id \S+ for <dan@south\.test>;/
		);
		await until(() => sessionAt(lab!, 'mx2.south.test')?.summary.tls !== null);
		expect(sessionAt(lab, 'mx2.south.test')!.summary.tls?.protocol).toBe('TLSv1.3');
	});

	it('relaying is refused: another sandbox domain, an outside domain; the bare postmaster is accepted', async () => {
		lab = await startQuickLab();
		const c = await connect(lab, 'mx.north.test');
		await c.reply();
		await c.command('EHLO client.test');
		expect(await c.command('MAIL FROM:<a@example.com>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<bob@south.test>')).toBe(
			'550 5.7.1 Relaying denied: south.test is not a domain this server accepts mail for'
		);
		expect(await c.command('RCPT TO:<bob@example.com>')).toMatch(
			/^550 5\.7\.1 Relaying denied: example\.com /
		);
		expect(await c.command('RCPT TO:<Postmaster>')).toBe('250 2.1.5 Accepted');
		expect(await c.command('RCPT TO:<bob@NORTH.test>')).toBe('250 2.1.5 Accepted');
		c.close();
		// The secondary of backup.test takes backup.test's mail, not north.test's.
		const backup = await connect(lab, 'mx2.backup.test');
		await backup.reply();
		await backup.command('EHLO client.test');
		await backup.command('MAIL FROM:<a@example.com>');
		expect(await backup.command('RCPT TO:<carol@backup.test>')).toBe('250 2.1.5 Accepted');
		expect(await backup.command('RCPT TO:<bob@north.test>')).toMatch(/^550 5\.7\.1 /);
		backup.close();
	});
});

describe('loop detection (RFC 5321 §6.3)', () => {
	async function sendWithReceived(lab: Lab, count: number): Promise<string> {
		const c = await connect(lab, 'mx.north.test');
		await c.reply();
		await c.command('EHLO client.test');
		await c.command('MAIL FROM:<a@example.com>');
		await c.command('RCPT TO:<bob@north.test>');
		await c.command('DATA');
		const trace = Array.from(
			{ length: count },
			(_, i) =>
				`Received: from hop${i}.test ([127.0.0.1]) by hop${i + 1}.test; Tue, 1 Dec 2026 10:00:00 +0000\r\n`
		).join('');
		const reply = await c.command(`${trace}Subject: round and round\r\n\r\nagain\r\n.`);
		c.close();
		return reply;
	}

	it('99 Received fields are delivered; 100 get 554 5.4.6 and the message is kept as refused', async () => {
		lab = await startQuickLab();
		expect(await sendWithReceived(lab, 99)).toMatch(/^250 2\.6\.0 Queued as /);
		const refused = await sendWithReceived(lab, 100);
		expect(refused).toBe(
			'554 5.4.6 Routing loop detected: the message already has 100 Received fields, and this host refuses 100 or more (MAX_RECEIVED_FIELDS)'
		);
		await until(() => [...lab!.store.messages.values()].length === 2);
		const kept = [...lab.store.messages.values()].find(
			(m) =>
				m.summary.subject === 'round and round' && m.summary.recipients[0].outcome === 'refused'
		);
		expect(kept?.summary.recipients[0].reply).toBe(refused);
		expect(kept?.trace).not.toMatch(/^Return-Path/);
	});

	it('MAX_RECEIVED_FIELDS moves the threshold', async () => {
		lab = await startQuickLab({ maxReceivedFields: 3 });
		expect(await sendWithReceived(lab, 2)).toMatch(/^250 /);
		expect(await sendWithReceived(lab, 3)).toMatch(
			/^554 5\.4\.6 .* has 3 Received fields, and this host refuses 3 or more/
		);
	});
});

describe('greylisting on the queue clock', () => {
	it('a first try is deferred with 451 4.7.1, a retry before the wait too, one after it is accepted', async () => {
		const clock = new ManualClock();
		// A scale of 1000: a second of queue time is a millisecond of the manual clock, exactly.
		lab = await startQuickLab({ queueTimeScale: 1000 }, { clock });
		const c = await connect(lab, 'mx.greylist.test');
		await c.reply();
		await c.command('EHLO out.smtp-lab.test');
		await c.command('MAIL FROM:<alice@example.com>');
		expect(await c.command('RCPT TO:<bob@greylist.test>')).toBe(
			'451 4.7.1 Greylisted: mx.greylist.test has not seen this client, sender and recipient together before; try again in 300 seconds (queue time)'
		);
		// MAIL_HOSTS_GREYLIST_SECONDS (300) of queue time, on the manual clock.
		clock.advance(299);
		expect(await c.command('RCPT TO:<bob@greylist.test>')).toMatch(
			/^451 4\.7\.1 .* try again in 1 seconds/
		);
		clock.advance(1);
		expect(await c.command('RCPT TO:<bob@greylist.test>')).toBe('250 2.1.5 Accepted');
		// Another recipient is another triplet: deferred on its own.
		expect(await c.command('RCPT TO:<carol@greylist.test>')).toMatch(/^451 4\.7\.1 /);
		c.close();
	});

	it('queue time runs QUEUE_TIME_SCALE times faster than the lab clock', async () => {
		const clock = new ManualClock();
		lab = await startQuickLab({ queueTimeScale: 1440 }, { clock });
		const c = await connect(lab, 'mx.greylist.test');
		await c.reply();
		await c.command('EHLO out.smtp-lab.test');
		await c.command('MAIL FROM:<alice@example.com>');
		expect(await c.command('RCPT TO:<bob@greylist.test>')).toMatch(/^451 /);
		// 300 s of queue time at 1440× is 208.4 ms of the lab's clock.
		clock.advance(208);
		expect(await c.command('RCPT TO:<bob@greylist.test>')).toMatch(
			/^451 .* try again in 1 seconds/
		);
		clock.advance(1);
		expect(await c.command('RCPT TO:<bob@greylist.test>')).toBe('250 2.1.5 Accepted');
		c.close();
	});
});

/** A manual clock that remembers every wait it was asked for, in order. */
class RecordingClock extends ManualClock implements Clock {
	waits: number[] = [];
	after(ms: number, callback: () => void): () => void {
		this.waits.push(ms);
		return super.after(ms, callback);
	}
}

describe('the tarpit', () => {
	it('every reply of mx.slow.test waits TARPIT_DELAY_SECONDS of queue time, one after another', async () => {
		const clock = new RecordingClock();
		lab = await startQuickLab({ tarpitDelaySeconds: 120, queueTimeScale: 1440 }, { clock });
		// 120 s of queue time at 1440× is 83⅓ ms of the lab's clock.
		const delay = 120_000 / 1440;
		const tarpitWaits = () => clock.waits.filter((ms) => ms === delay).length;
		const serverLines = () =>
			(sessionAt(lab!, 'mx.slow.test')?.events ?? []).filter((e) => e.dir === 'server');
		const settle = () => new Promise((resolve) => setImmediate(resolve));

		const { address, port } = endpoint(lab, 'mx.slow.test');
		const c = await RawSmtp.connect(port, false, address);
		const steps: [string | null, RegExp][] = [
			[null, /^220 mx\.slow\.test ESMTP$/],
			['EHLO out.smtp-lab.test', /^250 /],
			['MAIL FROM:<alice@example.com>', /^250 2\.1\.0 /],
			['RCPT TO:<bob@slow.test>', /^250 2\.1\.5 /],
			['DATA', /^354 /],
			['Subject: slowly\r\n\r\nslowly\r\n.', /^250 2\.6\.0 /],
			['QUIT', /^221 /]
		];
		for (const [index, [line, reply]] of steps.entries()) {
			const recorded = serverLines().length;
			if (line) c.send(line + '\r\n');
			// The host has started its wait for this reply…
			await until(() => tarpitWaits() === index + 1);
			// …and a millisecond before the wait is over, nothing of the reply is out.
			clock.advance(Math.floor(delay));
			await settle();
			expect(serverLines()).toHaveLength(recorded);
			clock.advance(1);
			expect((await c.reply()).at(-1)).toMatch(reply);
			await until(() => serverLines().length > recorded);
		}
		expect(clock.waits.filter((ms) => ms === delay)).toHaveLength(steps.length);
	});
});

describe('a hop the queue registered', () => {
	it('is recorded as the queue’s, with its journey and owners, and so is the delivered copy', async () => {
		lab = await startQuickLab();
		const { address, port } = endpoint(lab, 'mx.north.test');
		const socket = net.connect({ host: address, port, localAddress: '127.0.0.2' });
		socket.on('error', () => undefined);
		// As the queue does: the local port is known once connected, and registered at once.
		await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
		lab.hosts.hops.expect(socket.localPort!, {
			owners: ['owner-ana'],
			journeyId: 'journey-1',
			skippedMs: 0
		});
		const replies: string[] = [];
		let buffer = '';
		socket.on('data', (chunk: Buffer) => {
			buffer += chunk.toString('utf8');
			for (let at; (at = buffer.indexOf('\r\n')) >= 0; buffer = buffer.slice(at + 2))
				replies.push(buffer.slice(0, at));
		});
		const next = async (): Promise<string> => {
			await until(() => replies.some((line) => /^\d{3} /.test(line)));
			const at = replies.findIndex((line) => /^\d{3} /.test(line));
			return replies.splice(0, at + 1).at(-1)!;
		};
		expect(await next()).toBe('220 mx.north.test ESMTP');
		for (const line of [
			'EHLO out.smtp-lab.test',
			'MAIL FROM:<ana@example.com>',
			'RCPT TO:<bob@north.test>',
			'DATA'
		]) {
			socket.write(line + '\r\n');
			await next();
		}
		socket.write('Subject: hop\r\n\r\nhop\r\n.\r\n');
		const id = queuedId(await next());
		socket.destroy();
		const session = sessionAt(lab, 'mx.north.test')!;
		expect(session.summary).toMatchObject({
			origin: 'queue',
			host: 'mx.north.test',
			journeyId: 'journey-1',
			clientAddress: '127.0.0.2'
		});
		expect(session.owners).toEqual(['owner-ana']);
		await until(() => lab!.store.messages.has(id));
		const stored = lab.store.messages.get(id)!;
		expect(stored.summary.journeyId).toBe('journey-1');
		expect(stored.owners).toEqual(['owner-ana']);
		// Return-Path, the host's checks (issue 20), then its Received.
		expect(stored.trace).toMatch(
			/^Return-Path: <ana@example\.com>\r\nAuthentication-Results: mx\.north\.test;[^]*\r\nReceived: from out\.smtp-lab\.test \(\[127\.0\.0\.2\]\)\r\n\tby mx\.north\.test /
		);
	});

	it('a stranger connecting directly registered nothing: external, no journey, no owners', async () => {
		lab = await startQuickLab();
		const c = await connect(lab, 'mx.north.test');
		await c.reply();
		const session = sessionAt(lab, 'mx.north.test')!;
		expect(session.summary.origin).toBe('external');
		expect(session.summary.journeyId).toBeUndefined();
		expect(session.owners).toEqual([]);
		c.close();
	});
});
