/**
 * What a learner can do when a browser's session is refused. The sandbox refuses one in place of
 * its greeting: 421 closes the channel at once (RFC 5321 §3.8) and is transient (§4.2.1: the same
 * request may succeed later). The bridge refuses one itself, before connecting, when the browser's
 * owner holds MAX_SESSIONS_PER_OWNER already. Neither is recorded (a flood of refusals must not
 * fill the store), so the bridge tells its own page, naming the limit and the setting behind it.
 */
import type { LabConfig } from '../config';
import { pop3Reply } from '../pop3/pop3Replies';
import { SANDBOX_REPLIES, replyText, type SandboxReplyName } from '../sandbox/replies';

const REFUSALS: [SandboxReplyName, (config: LabConfig) => string][] = [
	[
		'tooManyFromAddress',
		(config) =>
			`Your address has reached MAX_SESSIONS_PER_ADDRESS (${config.maxSessionsPerAddress} open sessions at once): close the lab or examples open in other tabs, or wait for those sessions to end (an idle one closes after IDLE_TIMEOUT_SECONDS, ${config.idleTimeoutSeconds} s). The operator can raise MAX_SESSIONS_PER_ADDRESS.`
	], // RFC 5321 §3.8, §4.2.1
	[
		'tooManySessions',
		(config) =>
			`The sandbox has reached MAX_SESSIONS (${config.maxSessions} open sessions at once): wait a minute and connect again. The operator can raise MAX_SESSIONS.`
	] // RFC 5321 §3.8, §4.2.1
];

/**
 * The bridge's own refusal: the line the page's transcript shows in place of a greeting (no
 * connection was made, so there is no reply to show), and the `closed` reason.
 */
export function ownerLimitRefusal(
	config: LabConfig,
	held: number
): {
	line: string;
	title: string;
	summary: string;
	reason: string;
} {
	const sessions = (n: number) => `${n} open SMTP session${n === 1 ? '' : 's'}`;
	return {
		line: `Not connected: this browser holds ${sessions(held)}, the most MAX_SESSIONS_PER_OWNER allows (${config.maxSessionsPerOwner})`,
		title: 'Not connected: your browser’s session limit',
		summary:
			'The lab counts the SMTP sessions each browser (its owner cookie) holds open at once. It did not connect this one, so nothing reached the sandbox.',
		reason: `The lab did not open the session: your browser has reached MAX_SESSIONS_PER_OWNER (${sessions(config.maxSessionsPerOwner)} at once). Close the lab or examples open in other tabs, or wait for those sessions to end (a closed tab's session stays open for RESUME_GRACE_SECONDS, ${config.resumeGraceSeconds} s; an idle one closes after IDLE_TIMEOUT_SECONDS, ${config.idleTimeoutSeconds} s). The operator can raise MAX_SESSIONS_PER_OWNER.`
	};
}

/** Shown for a refusal this table does not know. */
const TRY_LATER = 'Wait a moment and connect again.'; // RFC 5321 §4.2.1

/** The `closed` reason for a session the sandbox refused with `reply` (its last line). */
export function refusalReason(reply: string, config: LabConfig): string {
	// SMTP's 421 or POP3's -ERR [SYS/TEMP] (server/sandbox/listeners.ts), the same text.
	const row = REFUSALS.find(
		([name]) =>
			reply === `${SANDBOX_REPLIES[name].code} ${replyText(name)}` ||
			reply === pop3Reply('closing', { reason: SANDBOX_REPLIES[name].text })
	);
	return `The sandbox refused the session: ${reply}. ${row ? row[1](config) : TRY_LATER}`;
}
