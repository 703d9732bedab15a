/**
 * Issue 2 §2 "Never relays": the guard in tests/setup/forbidOutboundConnections.ts fails any test
 * file that tried to connect beyond loopback. This file proves the guard catches a real attempt,
 * then runs the lab through every path that could relay and checks that nothing tried, and that
 * no MX or reverse lookup was even made.
 */
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Lab } from '../../server/lab';
import { outboundAttempts } from '../setup/forbidOutboundConnections';
import { ports, until } from './harness';
import { message, ready, startQuickLab, transaction } from './smtpSession';

/** TEST-NET-1 (RFC 5737): reserved for documentation, never routed. */
const UNROUTED = '192.0.2.1';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
	vi.restoreAllMocks();
});

/** Takes the guard's record of attempts to `host` out, so this file's own afterAll passes. */
function takeAttempts(host: string): number {
	let taken = 0;
	for (let i = outboundAttempts.length - 1; i >= 0; i--)
		if (outboundAttempts[i] === host) {
			outboundAttempts.splice(i, 1);
			taken++;
		}
	return taken;
}

function failed(socket: net.Socket): Promise<Error> {
	return new Promise((resolve, reject) => {
		socket.once('error', resolve);
		socket.once('connect', () => reject(new Error('connected: the guard let it through')));
	});
}

describe('the outbound-connection guard', () => {
	it('is the array the setup file checks', () => {
		const guarded = (net.Socket.prototype as unknown as Record<symbol, unknown>)[
			Symbol.for('smtp-lab.outbound-guard')
		];
		expect(guarded).toBe(outboundAttempts);
	});

	it('blocks and records net.connect, tls.connect and a mail library to a non-loopback address', async () => {
		expect(outboundAttempts).toEqual([]);
		const byOptions = await failed(net.connect({ host: UNROUTED, port: 25 }));
		expect(byOptions.message).toMatch(/blocked/);
		const byArguments = await failed(net.connect(587, UNROUTED));
		expect(byArguments.message).toMatch(/blocked/);
		const secure = await failed(tls.connect({ host: UNROUTED, port: 465 }));
		expect(secure.message).toMatch(/blocked/);
		const transport = nodemailer.createTransport({
			host: UNROUTED,
			port: 25,
			connectionTimeout: 2000
		});
		await expect(
			transport.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' })
		).rejects.toThrow();
		transport.close();
		expect(takeAttempts(UNROUTED)).toBe(4);
		expect(outboundAttempts).toEqual([]);
	});

	it('lets loopback through', async () => {
		const server = net.createServer((socket) => socket.end());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as net.AddressInfo;
		const socket = net.connect({ host: '127.0.0.1', port });
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('error', reject);
		});
		socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		expect(outboundAttempts).toEqual([]);
	});
});

describe('a full lab run never leaves the machine', () => {
	it('relay attempts, outbox mail, bounces and reports open no outbound connection and look nothing up', async () => {
		// Listening on 127.0.0.1 goes through dns.lookup; any other name looked up would be a leak.
		const lookup = vi.spyOn(dns, 'lookup');
		const resolvers = (['resolveMx', 'resolve', 'resolve4', 'resolve6', 'reverse'] as const).map(
			(name) => vi.spyOn(dns, name)
		);
		const promiseResolvers = (['lookup', 'resolveMx', 'resolve', 'reverse'] as const).map((name) =>
			vi.spyOn(dns.promises, name)
		);
		lab = await startQuickLab();

		// mx: outside recipients are refused (550 5.7.1), sandbox ones delivered and bounced.
		const mx = await ready(lab, 'mx');
		const relay = await transaction(
			mx.c,
			'sender@example.com',
			[
				'friend@gmail.com',
				'someone@example.com',
				'<bounce@example.com> NOTIFY=FAILURE',
				'<x@example.net> NOTIFY=SUCCESS'
			],
			message('relay attempt')
		);
		expect(relay.rcpt[0]).toMatch(/^550 5\.7\.1 /);
		expect(relay.end).toMatch(/^250 /);
		mx.c.close();

		// Authenticated submission: outside recipients go to the outbox, never out.
		const transport = nodemailer.createTransport({
			host: '127.0.0.1',
			port: ports(lab).submission,
			requireTLS: true,
			tls: { rejectUnauthorized: false },
			auth: { user: 'alice', pass: 'wonderland' }
		});
		const info = await transport.sendMail({
			envelope: { from: 'alice@example.com', to: ['friend@gmail.com', 'boss@outlook.com'] },
			raw: message('to the world')
		});
		transport.close();
		expect(info.accepted).toEqual(['friend@gmail.com', 'boss@outlook.com']);

		await until(() => lab!.store.listMessages().some((m) => m.kind === 'bounce'));
		await until(() => lab!.store.listMessages().some((m) => m.kind === 'delivery-report'));
		const outbox = lab.store
			.listMessages()
			.flatMap((m) => m.recipients)
			.filter((r) => r.outcome === 'outbox')
			.map((r) => r.address);
		expect(outbox.sort()).toEqual(['boss@outlook.com', 'friend@gmail.com']);
		// Everything the lab does for a session is done once the session is recorded as ended.
		await until(() => lab!.store.listSessions().every((s) => s.endedAt !== null));
		expect(outboundAttempts).toEqual([]);
		for (const spy of [...resolvers, ...promiseResolvers]) expect(spy).not.toHaveBeenCalled();
		for (const [host] of lookup.mock.calls) expect(host).toMatch(/^(127\.\d+\.\d+\.\d+|::1)$/);
	});
});
