import { json } from '@sveltejs/kit';
import { answer, lab } from '$lib/server/labAccess';

export const GET = () =>
	answer(() => {
		const running = lab();
		return json({
			ok: true,
			uptimeSeconds: Math.round((Date.now() - running.startedAt) / 1000),
			listeners: running.listeners(),
			// Where the SMTP listeners are bound: /connect warns when it is loopback only.
			smtpHost: running.config.smtpHost,
			tls: { fingerprint256: running.tls.fingerprint256, selfSigned: running.tls.selfSigned },
			sessions: running.store.sessions.size,
			liveSessions: running.sandbox.sessions.size,
			messages: running.store.messages.size,
			storedBytes: running.store.storedBytes
		});
	});
