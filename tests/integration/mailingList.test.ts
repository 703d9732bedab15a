/**
 * Issue 20, the mailing list over real sockets: a post to learners@list.test is queued by
 * submission, delivered by the outgoing server (127.0.0.2) to mx.list.test, stored there, and
 * re-sent by the list as a new message from its own address (127.0.0.12, HELO mx.list.test) with
 * the list as the envelope sender (RFC 5321 §3.9.2), List-Id (RFC 2919) and List-Post (RFC 2369)
 * fields and a footer, to the members at mx.north.test. The journey goes on with the members'
 * copies; a post straight to mx.list.test from outside is re-sent too; an address at list.test
 * that is not a list is refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { QueueRecord } from '../../server/queue/queueRecord';
import type { Journey, JourneyLeg } from '../../src/lib/delivery/journey';
import { GET as journeyRoute } from '../../src/routes/api/journeys/[id]/+server';
import { ports, RawSmtp, until } from './harness';
import { callRoute } from './routeCall';
import { ended, queuedId, startQuickLab } from './smtpSession';

const run = promisify(execFile);

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

const POST =
	'From: alice@example.com\r\nTo: learners@list.test\r\nSubject: to the list\r\n\r\nHello learners.\r\n';
const FOOTER =
	'-- \r\nlearners mailing list: post to learners@list.test\r\n' +
	'This footer was added by the list: the body is no longer what its author signed.\r\n';

/** Submits on 587 with nodemailer (STARTTLS, AUTH) and returns the submitted message's id. */
async function submit(lab: Lab, user: string, password: string, from: string): Promise<string> {
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: ports(lab).submission,
		requireTLS: true,
		tls: { rejectUnauthorized: false },
		auth: { user, pass: password }
	});
	try {
		const info = await transport.sendMail({
			envelope: { from, to: ['learners@list.test'] },
			raw: POST.replace('alice@example.com', from)
		});
		return queuedId(info.response)!;
	} finally {
		transport.close();
	}
}

const legOf = (journey: Journey, domain: string): JourneyLeg =>
	journey.legs.find((l) => l.domain === domain)!;

async function delivered(lab: Lab, journeyId: string, domain: string): Promise<JourneyLeg> {
	await until(() => {
		const leg = lab.queue.journey(journeyId)?.legs.find((l) => l.domain === domain);
		return leg?.state === 'delivered' && leg.deliveredMessageId !== null;
	});
	return legOf(lab.queue.journey(journeyId)!, domain);
}

/** The stored message as delivered: its trace fields, then its bytes. */
function text(lab: Lab, id: string): string {
	const stored = lab.store.messages.get(id)!;
	return stored.trace + stored.raw.toString('latin1');
}

/** Header fields, unfolded, in order. */
function fields(message: string): string[] {
	return message
		.slice(0, message.indexOf('\r\n\r\n'))
		.split(/\r\n(?![ \t])/)
		.map((f) => f.replace(/\r\n[ \t]/g, ' '));
}

/** What was said in a session, once it has ended (its events are all recorded then). */
async function sessionText(lab: Lab, sessionId: string): Promise<string[]> {
	return (await ended(lab, sessionId)).events.map((e) => e.text);
}

describe('a post to the list', () => {
	it('goes from 127.0.0.2 to mx.list.test, which re-sends it from 127.0.0.12 to the members at mx.north.test', async () => {
		lab = await startQuickLab();
		const id = await submit(lab, 'alice', 'wonderland', 'alice@example.com');

		// The first hop: the outgoing server hands the post to the list's MX.
		const toList = await delivered(lab, id, 'list.test');
		expect(toList.resent).toBeUndefined();
		expect(toList.attempts[0]).toMatchObject({ host: 'mx.list.test', address: '127.0.0.12' });
		const listSession = lab.store.sessions.get(toList.attempts[0].sessionId!)!;
		expect(listSession.summary).toMatchObject({ clientAddress: '127.0.0.2', journeyId: id });
		expect(await sessionText(lab, listSession.summary.id)).toContain('EHLO out.smtp-lab.test');
		// The list's own copy: final delivery for learners@list.test, from alice.
		expect(text(lab, toList.deliveredMessageId!)).toMatch(/^Return-Path: <alice@example\.com>\r\n/);

		// The second hop: the list's new message, sent from the list's host on the same journey.
		const toMembers = await delivered(lab, id, 'north.test');
		expect(toMembers.recipients).toEqual(['ann@north.test', 'ben@north.test']);
		expect(toMembers.resent).toMatchObject({
			by: 'mx.list.test',
			address: '127.0.0.12',
			from: 'learners-bounces@list.test'
		});
		expect(toMembers.attempts.map((a) => [a.host, a.outcome])).toEqual([
			['mx.north.test', 'delivered']
		]);
		const northSession = lab.store.sessions.get(toMembers.attempts[0].sessionId!)!;
		expect(northSession.summary).toMatchObject({
			host: 'mx.north.test',
			clientAddress: '127.0.0.12',
			origin: 'queue',
			journeyId: id
		});
		const said = await sessionText(lab, northSession.summary.id);
		expect(said).toContain('EHLO mx.list.test');
		expect(said.filter((t) => /^(MAIL|RCPT) /i.test(t))).toEqual([
			'MAIL FROM:<learners-bounces@list.test>',
			'RCPT TO:<ann@north.test>',
			'RCPT TO:<ben@north.test>'
		]);

		// Both members' copy: the list's envelope sender, its client address, its fields, the footer.
		const copy = lab.store.messages.get(toMembers.deliveredMessageId!)!;
		expect(copy.summary.recipients.map((r) => [r.address, r.outcome])).toEqual([
			['ann@north.test', 'delivered'],
			['ben@north.test', 'delivered']
		]);
		expect(copy.summary.envelope.mailFrom.address).toBe('learners-bounces@list.test');
		expect(copy.summary.journeyId).toBe(id);
		const header = fields(text(lab, copy.summary.id));
		expect(header[0]).toBe('Return-Path: <learners-bounces@list.test>');
		expect(header.find((f) => f.startsWith('Received:'))).toMatch(
			/^Received: from mx\.list\.test \(\[127\.0\.0\.12\]\) by mx\.north\.test /
		);
		expect(header.filter((f) => f.startsWith('Received:'))[1]).toMatch(
			/^Received: from out\.smtp-lab\.test \(\[127\.0\.0\.2\]\) by mx\.list\.test /
		);
		expect(header).toContain('List-Id: <learners.list.test>');
		expect(header).toContain('List-Post: <mailto:learners@list.test>');
		// The header the author wrote is unchanged (RFC 5321 §3.9: From: is not the list's).
		expect(header).toContain('From: alice@example.com');
		expect(header).toContain('To: learners@list.test');
		expect(copy.raw.toString('latin1')).toMatch(/\r\n\r\nHello learners\.\r\n/);
		expect(copy.raw.toString('latin1').endsWith(`Hello learners.\r\n${FOOTER}`)).toBe(true);
	});

	it('the members’ copies are the submitter’s to follow: the journey shows the list’s leg to them, not to a stranger', async () => {
		lab = await startQuickLab({ visibility: 'private' });
		const who = lab.owners.signer.issueOwner();
		const stranger = lab.owners.signer.issueOwner();
		const owner = lab.owners.owner(who.id);
		const id = await submit(lab, owner.name, owner.password, `me@${owner.name}.test`);
		const toMembers = await delivered(lab, id, 'north.test');
		expect(lab.store.messages.get(toMembers.deliveredMessageId!)!.owners).toContain(who.id);
		expect(lab.store.messages.get(toMembers.resent!.messageId)!.owners).toContain(who.id);

		const seen = await callRoute(journeyRoute, { id }, { ownerId: who.id, operator: false });
		expect(seen.status).toBe(200);
		const journey = (await seen.json()).journey as Journey;
		expect(journey.legs.map((l) => [l.domain, l.resent?.by ?? null, l.state])).toEqual([
			['list.test', null, 'delivered'],
			['north.test', 'mx.list.test', 'delivered']
		]);
		const hidden = await callRoute(journeyRoute, { id }, { ownerId: stranger.id, operator: false });
		expect(hidden.status).toBe(404);
	});

	it('a post straight to mx.list.test from outside (Python smtplib) is re-sent as well, on a journey of its own', async () => {
		lab = await startQuickLab();
		const { address, port } = lab.hosts.endpointOf('mx.list.test')!;
		const { stdout } = await run('/usr/bin/python3', [
			'-c',
			`
import json, smtplib
with smtplib.SMTP('${address}', ${port}, local_hostname='laptop.example.org') as s:
    s.ehlo()
    s.mail('zoe@example.org')
    s.rcpt('learners@list.test')
    code, text = s.data(b'From: zoe@example.org\\r\\nSubject: from outside\\r\\n\\r\\nHi all.\\r\\n')
print(json.dumps([code, text.decode()]))
`
		]);
		const [code, reply] = JSON.parse(stdout) as [number, string];
		expect(code).toBe(250);
		const postId = queuedId(reply)!;
		await until(() => lab!.store.messages.has(postId));
		const newMessage = () =>
			[...lab!.store.messages.values()].find(
				(m) => m.summary.envelope.mailFrom.address === 'learners-bounces@list.test'
			);
		await until(() => newMessage() !== undefined);
		const journeyId = newMessage()!.summary.journeyId!;
		expect(journeyId).toBe(newMessage()!.summary.id);
		const leg = await delivered(lab, journeyId, 'north.test');
		expect(leg.resent?.by).toBe('mx.list.test');
		const copy = text(lab, leg.deliveredMessageId!);
		expect(fields(copy)).toContain('List-Id: <learners.list.test>');
		expect(fields(copy)).toContain('From: zoe@example.org');
		expect(fields(copy).find((f) => f.startsWith('Received:'))).toMatch(
			/^Received: from mx\.list\.test \(\[127\.0\.0\.12\]\) by mx\.north\.test /
		);
		expect(copy.endsWith(`Hi all.\r\n${FOOTER}`)).toBe(true);
	});
});

describe('what mx.list.test accepts', () => {
	it('the list address and postmaster; another address at list.test is unknown (550 5.1.1); another domain is relaying', async () => {
		lab = await startQuickLab();
		const { address, port } = lab.hosts.endpointOf('mx.list.test')!;
		const c = await RawSmtp.connect(port, false, address);
		expect(await c.reply()).toEqual(['220 mx.list.test ESMTP']);
		await c.command('EHLO client.example.test');
		expect(await c.command('MAIL FROM:<zoe@example.org>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<carol@list.test>')).toBe(
			'550 5.1.1 No such mailbox here: mx.list.test takes mail for its mailing lists only (learners@list.test)'
		);
		expect(await c.command('RCPT TO:<learners-bounces@list.test>')).toMatch(/^550 5\.1\.1 /);
		expect(await c.command('RCPT TO:<full@list.test>')).toMatch(/^550 5\.1\.1 /);
		expect(await c.command('RCPT TO:<Learners@List.Test>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<postmaster@list.test>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<Postmaster>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<ann@north.test>')).toMatch(/^550 5\.7\.1 Relaying denied/);
		await c.command('QUIT');
		c.close();
	});
});

describe('what the list does to the author’s authentication', () => {
	it('at the members’ MX: SPF passes for list.test, the author’s DKIM body hash no longer verifies, DMARC fails (p=none: still the inbox)', async () => {
		lab = await startQuickLab();
		const id = await submit(lab, 'alice', 'wonderland', 'alice@example.com');
		const toList = await delivered(lab, id, 'list.test');
		const toMembers = await delivered(lab, id, 'north.test');
		const resultsBy = (messageId: string, host: string) =>
			fields(text(lab!, messageId)).find((f) => f.startsWith(`Authentication-Results: ${host};`))!;

		// At the list's MX the post is as its author signed it.
		const atList = resultsBy(toList.deliveredMessageId!, 'mx.list.test');
		expect(atList).toMatch(/ dkim=pass header\.i=@example\.com /);
		expect(atList).toMatch(/ spf=pass .* smtp\.mailfrom=alice@example\.com /);
		expect(atList).toMatch(/ dmarc=pass /);

		// At the members' MX: the list's sender and address pass SPF for list.test; the footer
		// changed the body, so the signature's bh= is not the body's hash (RFC 6376 §3.7: mailauth
		// says it as Gmail does, neutral; §6.1.3 calls it PERMFAIL); nothing aligned with
		// example.com passes, so DMARC fails (RFC 7489 §3.1), and p=none delivers it anyway.
		const atMembers = resultsBy(toMembers.deliveredMessageId!, 'mx.north.test');
		expect(atMembers).toMatch(
			/ dkim=neutral \(body hash did not verify\) header\.i=@example\.com /
		);
		expect(atMembers).toMatch(
			/ spf=pass \(mx\.north\.test: domain of learners-bounces@list\.test designates 127\.0\.0\.12 as permitted sender\) smtp\.mailfrom=learners-bounces@list\.test smtp\.helo=mx\.list\.test;/
		);
		expect(atMembers).toMatch(/ dmarc=fail \(p=NONE\) header\.from=example\.com/);
		const report = lab.store.messages.get(toMembers.deliveredMessageId!)!.summary.authentication!;
		expect(report.spf).toMatchObject({
			domain: 'list.test',
			clientAddress: '127.0.0.12',
			result: 'pass'
		});
		expect(report.dkim.map((d) => [d.domain, d.result, d.comment])).toEqual([
			['example.com', 'neutral', 'body hash did not verify']
		]);
		expect(report.dkim[0].bodyHashComputed).not.toBe(report.dkim[0].bodyHashExpected);
		expect(report.dmarc).toMatchObject({
			fromDomain: 'example.com',
			result: 'fail',
			spf: { domain: 'list.test', result: 'pass', aligned: false }
		});
		expect(report.decision.action).toBe('inbox');
	});
});

describe('across a restart', () => {
	it('a re-sent leg still queued is taken up from the list’s host, with the list’s new message', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-list-'));
		try {
			lab = await startQuickLab({ dataDir });
			// The queue's record as saved when the list handed its new message to the queue.
			let waiting: QueueRecord | undefined;
			const save = lab.store.saveQueueRecord.bind(lab.store);
			lab.store.saveQueueRecord = (record) => {
				if (!waiting && record.legs.some((l) => l.message)) waiting = structuredClone(record);
				save(record);
			};
			const id = await submit(lab, 'alice', 'wonderland', 'alice@example.com');
			const first = await delivered(lab, id, 'north.test');
			const toList = structuredClone(legOf(lab.queue.journey(id)!, 'list.test'));
			// As if the lab had stopped then, once the post was at the list: its leg done, the
			// members' leg the one thing left to deliver.
			save({
				...waiting!,
				journey: {
					...waiting!.journey,
					legs: waiting!.journey.legs.map((l) => (l.resent ? l : toList))
				},
				legs: waiting!.legs.filter((l) => l.message)
			});
			expect(waiting!.journey.legs.find((l) => l.resent)).toMatchObject({
				state: 'queued',
				attempts: []
			});
			await lab.close();

			lab = await startQuickLab({ dataDir });
			await until(() => {
				const leg = legOf(lab!.queue.journey(id)!, 'north.test');
				return leg.state === 'delivered' && leg.deliveredMessageId !== first.deliveredMessageId;
			});
			const journey = lab.queue.journey(id)!;
			// The post was not taken again: one leg to the list, one from it.
			expect(journey.legs.map((l) => l.domain)).toEqual(['list.test', 'north.test']);
			const leg = legOf(journey, 'north.test');
			expect(leg.resent).toEqual(first.resent);
			expect(leg.attempts).toHaveLength(1);
			const session = lab.store.sessions.get(leg.attempts[0].sessionId!)!;
			expect(session.summary.clientAddress).toBe('127.0.0.12');
			expect(await sessionText(lab, session.summary.id)).toContain(
				'MAIL FROM:<learners-bounces@list.test>'
			);
			const copy = text(lab, leg.deliveredMessageId!);
			expect(fields(copy)).toContain('List-Id: <learners.list.test>');
			expect(copy.endsWith(`Hello learners.\r\n${FOOTER}`)).toBe(true);
		} finally {
			await lab?.close();
			lab = undefined;
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
