/**
 * A resume the bridge cannot honour says why, on one instance too: a browser session that ended
 * says how and where its transcript is; a session no browser opened (a mail program's) is never
 * resumed, and is not said to run elsewhere. Two instances: tests/integration/replica.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { startTestLab } from './harness';
import { open } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType, mailThroughLab } from './wsClient';

let lab: Lab;
let web: Awaited<ReturnType<typeof startWebServer>>;
beforeEach(async () => {
	lab = await startTestLab();
	web = await startWebServer(lab);
});
afterEach(async () => {
	await web.close();
	await lab.close();
});

async function resumeError(sessionId: string, resumeToken: string): Promise<string> {
	const page = await BridgeClient.connect(web.wsUrl);
	page.send({ type: 'resume', sessionId, resumeToken });
	const { message } = await page.next(isType('error'));
	page.close();
	return message;
}

describe('resume refused', () => {
	it('a browser session that ended: why, and where its transcript remains', async () => {
		const page = await BridgeClient.connect(web.wsUrl);
		const { sessionId } = await mailThroughLab(page, 'then resumed');
		const endReason = lab.store.sessions.get(sessionId)!.summary.endReason!;
		expect(endReason).toMatch(/QUIT/);
		expect(await resumeError(sessionId, 'x'.repeat(24))).toBe(
			`cannot resume: the live session ended (${endReason}); its transcript remains at /sessions/${sessionId}`
		);
		page.close();
	});

	it('a mail program’s open session: not resumable, and not said to run elsewhere', async () => {
		const { c, id } = await open(lab, 'mx');
		expect(lab.store.sessions.get(id)!.summary.endedAt).toBeNull();
		expect(await resumeError(id, 'x'.repeat(24))).toBe(
			'cannot resume: the session has ended or the token is wrong'
		);
		c.close();
	});
});
