/**
 * What a receiving host here does with a message once SPF, DKIM and DMARC are checked (issue
 * 20): one row per decision, tried in this order, each with its action, its reply at the end of
 * DATA when it refuses, its RFC sections and one sentence. `decideAuthentication` applies the
 * table to a report; the hosts (server/sandbox/hooks.ts, server/hosts/hostHooks.ts) act on it
 * and the Authentication tab explains it. Pure data and a pure function, shared by server and
 * browser.
 */
import type { RfcRef } from '../messages';
import type { PolicyReply } from '../sandboxPolicy';
import { ref } from '../smtp/rfc';
import type { AuthDomainRow } from './authDomains';
import type {
	AuthAction,
	AuthDecision,
	AuthDecisionReason,
	AuthenticationReport,
	DkimResult,
	SpfResult
} from './report';

/** A reply of the table: code, enhanced code (RFC 3463) and text with {placeholders}. */
export interface AuthReply extends PolicyReply {
	text: string;
}

export interface AuthDecisionRow {
	reason: AuthDecisionReason;
	action: AuthAction;
	/** The reply at the end of DATA (RFC 5321 §4.2.5: one reply for the whole message), or null. */
	reply: AuthReply | null;
	/** One sentence for a beginner: when this row applies and why. */
	explains: string;
	rfc: RfcRef[];
}

/** The rows in the order they are tried: the first that applies decides. */
export const AUTH_DECISIONS = [
	{
		reason: 'dmarc-reject',
		action: 'reject',
		reply: {
			code: 550,
			enhanced: '5.7.1',
			text: 'DMARC: {domain} asks receivers to reject mail that fails its checks (p=reject); {failures}'
		},
		explains:
			'The From: domain publishes a DMARC policy of reject and neither SPF nor DKIM passed for a domain aligned with it, so the message is refused at the end of DATA — DMARC is an Informational RFC (RFC 7489), not a standard, which receivers follow by choice.',
		// §6.3 p=reject; §6.6.2 step 6 applies the policy; §10.3 rejecting during the SMTP session.
		rfc: [ref(7489, '6.3'), ref(7489, '6.6.2'), ref(7489, '10.3'), ref(3463, '3.8')]
	},
	{
		reason: 'dmarc-quarantine',
		action: 'junk',
		reply: null,
		explains:
			'The From: domain publishes a DMARC policy of quarantine and the message failed DMARC, so it is delivered, but into the recipient’s Junk folder (DMARC is an Informational RFC, RFC 7489).',
		// §6.3 p=quarantine: "treat ... as suspicious", e.g. "placing into spam folder".
		rfc: [ref(7489, '6.3'), ref(7489, '6.6.2')]
	},
	{
		reason: 'dkim-required',
		action: 'reject',
		reply: {
			code: 550,
			enhanced: '5.7.20',
			text: 'DKIM: this server requires mail From: {domain} to carry a passing DKIM signature of {domain}; {failures}'
		},
		explains:
			'This receiving server’s own rule for the From: domain (an agreement with that domain, not something DKIM asks for) says its mail must carry a passing DKIM signature of that domain, and this message has none, so it is refused.',
		// RFC 7372 §3.1 registers X.7.20 "No passing DKIM signature found"; RFC 6376 §6.3: an MTA
		// that rejects mail lacking a valid signature (by prior agreement) SHOULD use 550/5.7.x.
		rfc: [ref(7372, '3.1'), ref(6376, '6.3')]
	},
	{
		reason: 'dkim-not-author-matched',
		action: 'reject',
		reply: {
			code: 550,
			enhanced: '5.7.22',
			text: 'DKIM: this server requires mail From: {domain} to carry a passing DKIM signature of {domain}; it carries a passing DKIM signature, but of {signers}, not of {domain}'
		},
		explains:
			'The same rule of this receiving server for the From: domain, but here a signature did pass — only it was made by another domain, which vouches for the message, not for its author’s domain, so it is refused.',
		// RFC 7372 §3.1 registers X.7.22 "No valid author-matched DKIM signature found": passing
		// signatures, none whose identifier matches the From: address, a special case of X.7.21.
		rfc: [ref(7372, '3.1'), ref(6376, '6.3')]
	},
	{
		reason: 'spf-fail',
		action: 'reject',
		reply: {
			code: 550,
			enhanced: '5.7.23',
			text: 'SPF: {domain} does not allow {client} to send its mail (SPF fail for {sender}), and it publishes no DMARC policy'
		},
		explains:
			'The domain in MAIL FROM (or the HELO name, for the null sender) says in its SPF record that the connecting address may not send its mail, and with no DMARC policy to defer to, this server enforces SPF alone and refuses the message.',
		// RFC 7208 §8.4 lets the receiver reject a "fail" with 550; RFC 7372 §3.2 registers X.7.23
		// in place of the 5.7.1 §8.4 named (RFC 7372 updates RFC 7208).
		rfc: [ref(7208, '8.4'), ref(7372, '3.2')]
	},
	{
		reason: 'accepted',
		action: 'inbox',
		reply: null,
		explains:
			'Nothing the checks found calls for refusing it: the results are recorded in Authentication-Results and the message goes to the inbox (softfail, neutral, none and the error results are shown, not enforced).',
		rfc: [ref(8601, '2.7'), ref(7208, '8.5'), ref(7489, '6.6.2')]
	}
] as const satisfies readonly AuthDecisionRow[];

const ROWS = new Map<AuthDecisionReason, AuthDecisionRow>(
	AUTH_DECISIONS.map((row) => [row.reason, row])
);

export function authDecisionRow(reason: AuthDecisionReason): AuthDecisionRow {
	return ROWS.get(reason)!;
}

/**
 * The decision for a report, by the table's order. `fromDomainRow` is the teaching domain of
 * the From: domain (authDomain()), whose `requiresDkim` is this host's local policy.
 */
export function decideAuthentication(
	report: Omit<AuthenticationReport, 'decision'>,
	fromDomainRow: AuthDomainRow | undefined
): AuthDecision {
	const { dmarc, spf } = report;
	// RFC 7489 §6.6.2: only a DMARC "fail" is disposed of by the policy; a temporary error
	// (temperror) means the receiver "cannot apply the advertised DMARC policy".
	if (dmarc && dmarc.result === 'fail' && dmarc.policy === 'reject')
		return decided('dmarc-reject', { domain: dmarc.fromDomain, failures: dmarcFailures(report) });
	if (dmarc && dmarc.result === 'fail' && dmarc.policy === 'quarantine')
		return decided('dmarc-quarantine', {});
	if (
		dmarc &&
		fromDomainRow?.requiresDkim &&
		!hasPassingSignatureOf(report, fromDomainRow.domain)
	) {
		const signers = report.dkim.filter((s) => s.result === 'pass').map((s) => s.domain);
		// RFC 7372 §3.1: X.7.20 when no signature passes, X.7.22 when some pass, none of the author's.
		return signers.length
			? decided('dkim-not-author-matched', {
					domain: fromDomainRow.domain,
					signers: signers.join(', ')
				})
			: decided('dkim-required', {
					domain: fromDomainRow.domain,
					failures: dkimFailures(report, dmarc.fromDomain)
				});
	}
	// RFC 7489 §11.2 "none": no DMARC record was published; then SPF alone is this host's rule.
	if (spf.result === 'fail' && (!dmarc || dmarc.result === 'none'))
		return decided('spf-fail', {
			domain: spf.domain,
			client: spf.clientAddress,
			sender: spf.identity === 'helo' ? `the null sender's HELO ${spf.helo}` : `<${spf.sender}>`
		});
	return decided('accepted', {});
}

function decided(reason: AuthDecisionReason, values: Record<string, string>): AuthDecision {
	const row = authDecisionRow(reason);
	return {
		action: row.action,
		reason,
		reply: row.reply ? `${row.reply.code} ${authReplyText(row.reply, values)}` : null
	};
}

/** "5.7.1 DMARC: reject.test asks …": the reply after its code, placeholders filled in. */
export function authReplyText(reply: AuthReply, values: Record<string, string>): string {
	const text = reply.text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
	return `${reply.enhanced} ${text}`;
}

/** What failed, in plain words: "SPF fail, no DKIM signature". */
function dmarcFailures(report: Omit<AuthenticationReport, 'decision'>): string {
	const dmarc = report.dmarc!;
	const spf: { domain: string; result: SpfResult; aligned: boolean } = dmarc.spf;
	const spfWords =
		spf.result === 'pass' && !spf.aligned
			? `SPF pass for ${spf.domain}, not aligned with ${dmarc.fromDomain}`
			: `SPF ${spf.result}`;
	return `${spfWords}, ${dkimFailures(report, dmarc.fromDomain)}`;
}

function dkimFailures(report: Omit<AuthenticationReport, 'decision'>, fromDomain: string): string {
	if (!report.dkim.length) return 'no DKIM signature';
	return report.dkim
		.map((s) =>
			s.result === 'pass'
				? `DKIM pass for d=${s.domain}, not aligned with ${fromDomain}`
				: `DKIM ${s.result as DkimResult} for d=${s.domain}`
		)
		.join(', ');
}

/** A passing signature whose d= is the domain (or one of its subdomains). */
function hasPassingSignatureOf(
	report: Omit<AuthenticationReport, 'decision'>,
	domain: string
): boolean {
	return report.dkim.some(
		(s) =>
			s.result === 'pass' &&
			(s.domain.toLowerCase() === domain || s.domain.toLowerCase().endsWith(`.${domain}`))
	);
}
