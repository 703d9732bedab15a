import { describe, expect, it } from 'vitest';
import { ports, RawSmtp, startTestLab } from './harness';
import { startWebServer } from './webServer';
import { BridgeClient } from './wsClient';

describe('shutdown during a class (BAD-INPUTS W12)', () => {
	it('answers 421 to open SMTP sessions and 1001 to WebSocket clients, and records the end', async () => {
		const lab = await startTestLab();
		const web = await startWebServer(lab);
		const mxPort = ports(lab).mx;
		const smtp = await RawSmtp.connect(mxPort);
		await smtp.reply();
		await smtp.command('EHLO class.test');
		const browser = await BridgeClient.connect(web.wsUrl);
		const sessionId = lab.store.listSessions()[0].id;

		await lab.close();
		const farewell = await smtp.reply();
		expect(farewell.at(-1)).toMatch(/^421 4\.3\.2 /);
		const { code } = await browser.closed;
		expect(code).toBe(1001);
		expect(lab.store.sessions.get(sessionId)?.summary.endReason).toBe('Server shutting down');
		await web.close();

		// The same ports can be taken again at once: nothing was left listening.
		const again = await startTestLab({ smtpPort: mxPort });
		expect(ports(again).mx).toBe(mxPort);
		await again.close();
	});
});
