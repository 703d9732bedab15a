/**
 * Issue 10 §10: the Received field's TCP-info is an address literal (RFC 5321 §4.4:
 * TCP-info = address-literal / ( Domain FWS address-literal )), "[IPv6:…]" for IPv6 (§4.1.3).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { parseReceived } from '../../src/lib/mail/received';
import { message, ready, startQuickLab, transaction } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

async function sendOne(lab: Lab, port: number, host: string): Promise<string> {
	const socket = net.connect({ port, host });
	const chunks: string[] = [];
	socket.setEncoding('utf8');
	const lines = async (): Promise<string> => {
		for (;;) {
			const text = chunks.join('');
			const last = text.split('\r\n').filter(Boolean).at(-1) ?? '';
			if (/^\d{3} /.test(last) && text.endsWith('\r\n')) {
				chunks.length = 0;
				return last;
			}
			await new Promise((resolve) => socket.once('data', resolve));
		}
	};
	socket.on('data', (chunk: string) => chunks.push(chunk));
	await lines();
	for (const line of [
		'EHLO v6.client.test',
		'MAIL FROM:<a@example.com>',
		'RCPT TO:<b@example.com>',
		'DATA'
	]) {
		socket.write(line + '\r\n');
		await lines();
	}
	socket.write('Subject: v6\r\n\r\nhello\r\n.\r\n');
	const queued = await lines();
	socket.destroy();
	const id = /Queued as (\S+):/.exec(queued)?.[1];
	return lab.store.messages.get(id!)!.trace;
}

function receivedOf(trace: string): string {
	const field = /^Received: ([^]*?)\r\n(?![\t ])/m.exec(trace)?.[1] ?? '';
	return field.replace(/\r\n[\t ]/g, ' ');
}

describe('Received: from … (TCP-info)', () => {
	it('IPv4: the EHLO name, then the address literal seen on the connection', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const t = await transaction(c, 'a@example.com', ['b@example.com'], message('v4'));
		c.close();
		const received = receivedOf(lab.store.messages.get(t.messageId!)!.trace);
		expect(received).toMatch(/^from client\.example\.test \(\[127\.0\.0\.1\]\)\s+by /);
		expect(parseReceived(received).clauses[0]).toEqual({
			name: 'from',
			value: 'client.example.test ([127.0.0.1])'
		});
	});

	it('IPv6: the address literal is tagged IPv6', async () => {
		lab = await startQuickLab({ smtpHost: '::1' });
		const trace = await sendOne(lab, lab.sandbox.port('mx'), '::1');
		expect(receivedOf(trace)).toMatch(/^from v6\.client\.test \(\[IPv6:::1\]\)\s+by /);
	});
});
