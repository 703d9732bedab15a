/**
 * The sandbox must never relay (issue 2): every test file runs with this guard, which refuses
 * and records any TCP connection to an address outside the loopback range. Each file ends by
 * asserting that nothing tried; outboundGuard.test.ts proves the guard itself works.
 */
import net from 'node:net';
import { afterAll, expect } from 'vitest';

export const outboundAttempts: string[] = [];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;
const GUARD = Symbol.for('smtp-lab.outbound-guard');

type Connect = (...args: unknown[]) => net.Socket;
const proto = net.Socket.prototype as unknown as Record<symbol | string, unknown>;
if (!proto[GUARD]) {
	const original = net.Socket.prototype.connect as unknown as Connect;
	proto[GUARD] = outboundAttempts;
	net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
		const first = args[0];
		const options = (Array.isArray(first) ? first[0] : first) as
			{ host?: string; port?: number; path?: string } | number | string;
		let host: string | undefined;
		if (typeof options === 'object' && options !== null)
			host = options.path ? undefined : (options.host ?? 'localhost');
		else if (typeof options === 'number')
			host = typeof args[1] === 'string' ? (args[1] as string) : 'localhost';
		if (host !== undefined && !LOOPBACK.test(host)) {
			(proto[GUARD] as string[]).push(host);
			process.nextTick(() =>
				this.destroy(new Error(`outbound connection to ${host} blocked by the test guard`))
			);
			return this;
		}
		return original.apply(this, args);
	} as typeof net.Socket.prototype.connect;
}

afterAll(() => {
	expect(proto[GUARD] as string[], 'no connection may leave the machine').toEqual([]);
});
