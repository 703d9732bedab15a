/**
 * Email authentication where the sandbox's servers meet a message (issue 20): submission signs
 * mail from the domains the sandbox hosts (RFC 6376), and every MX hop — the mx listener and
 * each mail host — checks SPF, DKIM and DMARC before it answers the end of DATA, then decides by
 * the table of src/lib/auth/authPolicy.ts. The checks themselves are server/auth/'s.
 */
import { authDomain } from '../../src/lib/auth/authDomains';
import { decideAuthentication } from '../../src/lib/auth/authPolicy';
import type { AuthenticationReport, SpfCheck } from '../../src/lib/auth/report';
import { authenticateMessage } from '../auth/authenticate';
import { authResultsField, removeForgedResults } from '../auth/authResultsFields';
import type { DkimKey } from '../auth/dkimKeys';
import { signingDomainFor, signMessage } from '../auth/dkimSigner';
import type { DnsLog, LookupContext } from '../dns/dnsLog';
import type { SandboxZone } from '../dns/sandboxZone';
import { parseHeaderSummary, type ReceivedMessage } from './messageAssembly';
import { domainOf, isFixedSandboxDomain } from './policy';

export interface MessageAuthenticationDeps {
	/** The sandbox's signing key (DKIM_SELECTOR, kept in DATA_DIR). */
	key: DkimKey;
	/** The sandbox DNS the checks ask, in-process, and the log /dns shows them in. */
	zone: SandboxZone;
	log: DnsLog;
	/** A personal or class domain that exists now: the sandbox signs for it too. */
	isOwnDomain(domain: string): boolean;
	/** AUTH_MAX_HEADER_LINES: past it a message is not checked (see check()). */
	maxHeaderLines: number;
}

/** What an MX found: the message as stored (forged fields removed), the report, its fields. */
export interface CheckedMessage {
	raw: Buffer;
	authentication: { report: AuthenticationReport; traceFields: string };
}

export class MessageAuthentication {
	constructor(readonly deps: MessageAuthenticationDeps) {}

	/**
	 * The domains the sandbox signs for: its own, the teaching domains (AUTH_DOMAINS), and the
	 * personal and class domains that exist now.
	 */
	hosts = (domain: string): boolean =>
		isFixedSandboxDomain(domain) ||
		authDomain(domain)?.domain === domain ||
		this.deps.isOwnDomain(domain);

	/**
	 * The submitted message with a DKIM-Signature on top when its From: domain is hosted (d= that
	 * domain or its closest hosted parent); otherwise as it came. Outside domains are never signed,
	 * nor a message over AUTH_MAX_HEADER_LINES.
	 */
	async sign(raw: Buffer): Promise<Buffer> {
		// Past AUTH_MAX_HEADER_LINES the signer's header parser would hold every session (check()).
		if (headerLines(raw) > this.deps.maxHeaderLines) return raw;
		const fromDomain = domainOf(addressOf(parseHeaderSummary(raw).from));
		const signingDomain = fromDomain ? signingDomainFor(fromDomain, this.hosts) : null;
		return signingDomain ? signMessage(raw, this.deps.key, signingDomain) : raw;
	}

	/**
	 * The checks of a message an MX received, as the host `authservId` (RFC 8601 §2.5), with the
	 * decision. The DNS questions are the message's (`context`: its owners and journey), so /dns
	 * shows them to whoever may see it.
	 *
	 * A check that throws never ends the session: the message is delivered with every method
	 * "temperror" (RFC 8601 §2.7: the check could not be completed), because RFC 7489 §6.6.2 says
	 * a receiver that could not conclude a permanent failure "cannot apply the advertised DMARC
	 * policy" — refusing (5xx) would punish the sender for our error, and a 451 would have it
	 * retry an error that a retry does not mend.
	 *
	 * A header section over AUTH_MAX_HEADER_LINES is not checked (mailauth's header parser takes
	 * time growing with the square of the lines, and holds every session meanwhile): delivered with
	 * every method "permerror", the condition being permanent (RFC 8601 §2.7; RFC 7489 §6.6.2
	 * leaves permanent errors to the receiver's discretion).
	 */
	async check(
		message: ReceivedMessage,
		authservId: string,
		context: LookupContext
	): Promise<CheckedMessage> {
		const lines = headerLines(message.raw);
		if (lines > this.deps.maxHeaderLines)
			return decided(
				unchecked(
					message,
					authservId,
					'permerror',
					`not checked: the header section has ${lines} lines, over AUTH_MAX_HEADER_LINES=${this.deps.maxHeaderLines}`
				)
			);
		try {
			const checked = await authenticateMessage(
				{
					raw: message.raw,
					clientAddress: message.clientAddress,
					helo: message.helo,
					mailFrom: message.envelope.mailFrom.address,
					authservId,
					context
				},
				{ zone: this.deps.zone, log: this.deps.log }
			);
			return decided(checked);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			return decided(
				unchecked(message, authservId, 'temperror', `the check could not be completed: ${reason}`)
			);
		}
	}
}

function decided({
	raw,
	report,
	traceFields
}: Awaited<ReturnType<typeof authenticateMessage>>): CheckedMessage {
	const decision = decideAuthentication(report, authDomain(report.dmarc?.fromDomain ?? ''));
	return { raw, authentication: { report: { ...report, decision }, traceFields } };
}

/** "Alice <alice@example.com>" → "alice@example.com"; a bare address as it is. */
function addressOf(from: string): string {
	const angled = /<([^<>]*)>\s*$/.exec(from);
	return (angled ? angled[1] : from).trim();
}

/** Lines of the header section (up to the empty line), continuation lines included. */
function headerLines(raw: Buffer): number {
	const end = raw.indexOf('\r\n\r\n');
	const head = end < 0 ? raw : raw.subarray(0, end);
	let lines = 1;
	for (let at = head.indexOf(0x0a); at >= 0; at = head.indexOf(0x0a, at + 1)) lines++;
	return lines;
}

/** The report of a check that was not made: `result` for each method, why in a comment. */
function unchecked(
	message: ReceivedMessage,
	authservId: string,
	result: 'temperror' | 'permerror',
	why: string
): Awaited<ReturnType<typeof authenticateMessage>> {
	// RFC 7208 §2.4: the null sender is checked as postmaster@<HELO>.
	const mailFrom = message.envelope.mailFrom.address;
	const sender = mailFrom || `postmaster@${message.helo}`;
	const domain = domainOf(sender);
	const spf: SpfCheck = {
		identity: mailFrom ? 'mailfrom' : 'helo',
		sender,
		domain,
		clientAddress: message.clientAddress,
		helo: message.helo,
		evaluation: { domain, record: null, steps: [], result },
		lookupCount: 0,
		voidLookupCount: 0,
		result,
		comment: why
	};
	// RFC 8601 §2.2: a comment says why; control characters of the error never reach a field.
	const comment = `(${why.replace(/[\p{Cc}()\\]/gu, ' ').slice(0, 200)})`;
	const field = authResultsField(authservId, [
		`spf=${result} ${comment}`,
		`dkim=${result}`,
		`dmarc=${result}`
	]);
	// RFC 8601 §5: fields claiming this host's name go whatever else failed.
	const { raw, removed } = removeForgedResults(message.raw, authservId);
	return {
		raw,
		report: {
			authservId,
			evaluatedAt: Date.now(),
			spf,
			dkim: [],
			dmarc: null,
			removedForgeries: removed,
			header: field.unfolded
		},
		traceFields: field.folded
	};
}
