import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { ports, RawSmtp, startTestLab } from './harness';

let lab: Lab;
beforeAll(async () => {
	lab = await startTestLab();
});
afterAll(() => lab.close());

describe('smoke', () => {
	it('speaks SMTP on mx', async () => {
		const c = await RawSmtp.connect(ports(lab).mx);
		const greeting = await c.reply();
		expect(greeting[0]).toMatch(/^220 /);
		c.send('EHLO me.test\r\n');
		const ehlo = await c.reply();
		console.log(ehlo);
		console.log(await c.command('MAIL FROM:<a@example.com>'));
		console.log(await c.command('RCPT TO:<b@example.com>'));
		console.log(await c.command('RCPT TO:<unknown@example.com>'));
		console.log(await c.command('RCPT TO:<x@gmail.com>'));
		console.log(await c.command('DATA'));
		console.log(await c.command('Subject: hi\r\n\r\n..dot\r\nbody\r\n.'));
		console.log(await c.command('QUIT'));
		await c.closed;
		await new Promise((r) => setTimeout(r, 50));
		const s = lab.store.listSessions()[0];
		console.log(s, lab.store.sessions.get(s.id)!.events.map((e) => `${e.dir} ${e.text} ${e.anomalies} ${e.messageId ?? ''}`));
		console.log(lab.store.listMessages());
	});
});
