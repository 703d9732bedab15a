/**
 * Every reply the sandbox's own policy sends, with the enhanced status code (RFC 3463) that
 * belongs on the wire. smtp-server would otherwise pick one from the basic code alone
 * (a hook's 550 comes out as 5.1.1 even for relay denied), so these rows are authoritative.
 */
import { authDecisionRow } from '../../src/lib/auth/authPolicy';
import { SPAM_RULE, teachingReply } from '../../src/lib/sandboxPolicy';

export interface SandboxReply {
	code: number;
	enhanced: string;
	text: string;
}

export const SANDBOX_REPLIES = {
	// The teaching mailboxes' codes are part of the policy (src/lib/sandboxPolicy.ts), which the pages show.
	unknownUser: {
		...teachingReply('unknown'),
		text: 'No such mailbox here (teaching mailbox unknown@)'
	}, // RFC 3463 X.1.1 bad destination mailbox
	mailboxFull: {
		...teachingReply('full'),
		text: 'Mailbox full, try again later (teaching mailbox full@)'
	}, // RFC 3463 X.2.2 mailbox full; RFC 5321 §4.2.3 452
	ownerStorageFull: {
		code: 452,
		enhanced: '4.2.2',
		text: "Storage full for {whose}: the lab keeps at most {limit} bytes of mail per owner (MAX_STORED_BYTES_PER_OWNER) and deletes nobody's mail to make room; try again later (a real mail server keeps the message and retries for days)"
	}, // RFC 3463 §3.3 X.2.2 mailbox full, "a persistent transient failure" (the owner can make room), so 452 (RFC 5321 §4.2.3); retries: RFC 5321 §4.5.4.1
	labStorageFull: {
		code: 452,
		enhanced: '4.3.1',
		text: "Mail system full: the lab stores at most {limit} bytes (MAX_DB_BYTES) and deletes nobody's mail to make room; try again later (a real mail server keeps the message and retries for days)"
	}, // RFC 5321 §4.2.2 452 "insufficient system storage"; RFC 3463 §3.4 X.3.1 mail system full; retries: RFC 5321 §4.5.4.1
	unknownStudent: {
		code: 550,
		enhanced: '5.1.1',
		text: 'No student of class {code} is called {nickname}: a class address is <nickname>@{domain}'
	}, // RFC 5321 §4.2.2 550 mailbox unavailable; RFC 3463 §3.2 X.1.1 bad destination mailbox address (left of the @)
	noSuchClass: {
		code: 550,
		enhanced: '5.1.2',
		text: 'No class has the domain {domain}: the class ended, or its code is mistyped'
	}, // RFC 5321 §4.2.2 550; RFC 3463 §3.2 X.1.2 bad destination system address (right of the @)
	classWideTeacherOnly: {
		code: 550,
		enhanced: '5.7.2',
		text: "Only the class's teacher may send to {address}: it reaches every student (the teacher logs in with their personal login, or sends from their own browser)"
	}, // RFC 5321 §4.2.2 550 "no access, or command rejected for policy reasons"; RFC 3463 §3.8 X.7.2 mailing list expansion prohibited: "not authorized to send a message to the intended mailing list" (X.7.1 is the generic "delivery not authorized")
	greylisted: {
		...teachingReply('greylist'),
		text: 'Greylisted: try again in {seconds} seconds (teaching mailbox greylist@)'
	}, // RFC 3463 X.7.1 delivery not authorized; RFC 6647 greylisting
	hostGreylisted: {
		code: 451,
		enhanced: '4.7.1',
		text: 'Greylisted: {host} has not seen this client, sender and recipient together before; try again in {seconds} seconds (queue time)'
	}, // RFC 6647 greylisting (a sandbox mail host, server/hosts); RFC 5321 §4.2.3 451 "aborted: local error"; RFC 3463 §3.8 X.7.1 delivery not authorized; the sender retries (RFC 5321 §4.5.4.1)
	routingLoop: {
		code: 554,
		enhanced: '5.4.6',
		text: 'Routing loop detected: the message already has {count} Received fields, and this host refuses {limit} or more (MAX_RECEIVED_FIELDS)'
	}, // RFC 5321 §6.3 loop detection by counting Received fields; RFC 3463 §3.5 X.4.6 routing loop detected. RFC 3463 calls X.4.6 "useful only as a persistent transient error", but the count never drops on a retry, so the rejection is permanent (5xx), as RFC 5321 §6.3's "rejection threshold" says; RFC 5321 §4.2.3 554 transaction failed
	queueFull: {
		code: 452,
		enhanced: '4.3.1',
		text: 'Mail system full: the outgoing queue holds at most {limit} deliveries (QUEUE_MAX_LENGTH); try again later'
	}, // RFC 5321 §4.2.2 452 "insufficient system storage"; RFC 3463 §3.4 X.3.1 mail system full
	nullMxRecipient: {
		code: 556,
		enhanced: '5.1.10',
		text: 'Recipient address has null MX: {domain} publishes "MX 0 ." and accepts no mail'
	}, // RFC 7505 §4.1: mail for a null MX domain is refused at once with 556 and X.1.10 (556 is RFC 7504's "domain does not accept mail"); §3 defines the record
	nullMxSender: {
		code: 550,
		enhanced: '5.7.27',
		text: 'Sender address has null MX: {domain} accepts no mail, so no reply or bounce could reach it'
	}, // RFC 7505 §4.2: a server may refuse a sender whose domain has a null MX, 550 with X.7.27
	noSuchDomain: {
		code: 550,
		enhanced: '5.1.2',
		text: '{domain} does not exist: the sandbox DNS answers NXDOMAIN, and a name that does not exist is an error, never an implicit MX'
	}, // RFC 5321 §5.1 "a non-existent domain error ... MUST be reported as an error"; RFC 3463 §3.2 X.1.2 bad destination system address
	relayDenied: {
		code: 550,
		enhanced: '5.7.1',
		text: 'Relaying denied: {domain} is not a domain this server accepts mail for'
	}, // RFC 5321 §3.6.2 relays; RFC 3463 X.7.1
	notAListAddress: {
		code: 550,
		enhanced: '5.1.1',
		text: 'No such mailbox here: {host} takes mail for its mailing lists only ({lists})'
	}, // RFC 5321 §4.2.2 550 mailbox unavailable; RFC 3463 X.1.1 bad destination mailbox address
	spamRefused: {
		...SPAM_RULE.reply,
		text: 'Message refused: content matches the GTUBE spam test string'
	}, // RFC 3463 X.7.1; one reply for all recipients (RFC 5321 §4.2.5)
	// Email authentication (issue 20): the rows of src/lib/auth/authPolicy.ts, which the message
	// page explains; the MX fills in what failed. One reply for the whole message (RFC 5321 §4.2.5).
	dmarcReject: authDecisionRow('dmarc-reject').reply!, // RFC 7489 §6.6.2 step 6, §10.3 (an Informational RFC); RFC 3463 §3.8 X.7.1 delivery not authorized
	dkimRequired: authDecisionRow('dkim-required').reply!, // RFC 7372 §3.1 X.7.20 no passing DKIM signature found; RFC 6376 §6.3 550/5.7.x
	dkimNotAuthorMatched: authDecisionRow('dkim-not-author-matched').reply!, // RFC 7372 §3.1 X.7.22 no valid author-matched DKIM signature found; RFC 6376 §6.3 550/5.7.x
	spfFail: authDecisionRow('spf-fail').reply!, // RFC 7208 §8.4 reject a "fail" with 550; RFC 7372 §3.2 X.7.23 in place of §8.4's 5.7.1
	messageTooBig: {
		code: 552,
		enhanced: '5.3.4',
		text: 'Message too big: the limit is {limit} bytes'
	}, // RFC 1870 §6, RFC 3463 X.3.4
	startTlsFirst: { code: 530, enhanced: '5.7.0', text: 'Must issue a STARTTLS command first' }, // RFC 3207 §4
	authRequired: { code: 530, enhanced: '5.7.0', text: 'Authentication required' }, // RFC 4954 §6
	badCredentials: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' }, // RFC 4954 §6
	sharedAccountInBrowserOnly: {
		code: 535,
		enhanced: '5.7.8',
		text: 'Shared accounts log in only in the lab in your browser on this server: use your personal login from the Connect page'
	}, // RFC 4954 §6: 535 5.7.8 the credentials are not accepted (here: not from outside the browser)
	authSucceeded: { code: 235, enhanced: '2.7.0', text: 'Authentication successful' }, // RFC 4954 §6
	unadvertisedParameter: {
		code: 555,
		enhanced: '5.5.4',
		text: '{name} is not a parameter of any extension this server advertised'
	}, // RFC 5321 §4.1.1.11 (555); RFC 3463 X.5.4 invalid command arguments
	nonAsciiAddress: {
		code: 553,
		enhanced: '5.6.7',
		text: 'Non-ASCII address needs the SMTPUTF8 parameter on MAIL FROM'
	}, // RFC 6531 §3.5
	tooManySessions: {
		code: 421,
		enhanced: '4.7.0',
		text: 'Too many sessions on the sandbox, try again later'
	}, // RFC 5321 §4.2.2 421
	tooManyFromAddress: {
		code: 421,
		enhanced: '4.7.0',
		text: 'Too many sessions from your address, try again later'
	}, // RFC 5321 §4.2.2 421
	verifyDisabled: {
		code: 252,
		enhanced: '2.5.0',
		text: 'VRFY is disabled here: the address is neither verified nor refused; RCPT TO will say'
	}, // RFC 5321 §7.3: disabled for security MUST answer 252; IANA lists 252 under X.5.0 (X.1.5 would claim the address valid)
	expandDisabled: {
		code: 252,
		enhanced: '2.5.0',
		text: 'EXPN is disabled here: list members are not shown'
	}, // RFC 5321 §7.3 (EXPN too); disabled, so not listed in EHLO (§3.5.2)
	argumentRequired: {
		code: 501,
		enhanced: '5.5.4',
		text: '{verb} needs an argument'
	}, // RFC 5321 §4.1.1.6, §4.1.1.7: vrfy = "VRFY" SP String, expn = "EXPN" SP String; X.5.4 invalid arguments
	turnNotImplemented: {
		code: 502,
		enhanced: '5.5.1',
		text: 'TURN is recognised but not implemented: it is obsolete (RFC 5321 Appendix F.1)'
	}, // RFC 5321 §4.2.4: 502 for a recognised command not implemented (500 is for unrecognised); RFC 3463 X.5.1 "unsupported"
	noArgumentsAllowed: {
		code: 501,
		enhanced: '5.5.4',
		text: '{verb} takes no arguments'
	}, // RFC 5321 §4.3.2: DATA, RSET, QUIT SHOULD get 501 with arguments; RFC 3463 X.5.4 invalid command arguments
	parametersNeedEhlo: {
		code: 555,
		enhanced: '5.5.4',
		text: '{name} is a parameter of an extension, and after HELO this server advertised none: say EHLO'
	}, // RFC 5321 §4.1.1.11 (555); §4.3.2: arguments need "EHLO-advertised extensions", and HELO advertises none
	sessionTooLong: {
		code: 421,
		enhanced: '4.4.2',
		text: 'Session lifetime of {seconds} seconds reached, closing'
	} // RFC 3463 X.4.2 bad connection
} as const satisfies Record<string, SandboxReply>;

export type SandboxReplyName = keyof typeof SANDBOX_REPLIES;

/** The reply as text after the code: "5.1.1 No such mailbox here". */
export function replyText(
	name: SandboxReplyName,
	values: Record<string, string | number> = {}
): string {
	const row = SANDBOX_REPLIES[name];
	const text = row.text.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
	return `${row.enhanced} ${text}`;
}

/** An error a smtp-server hook calls back with: its message already carries the right code. */
export function replyError(
	name: SandboxReplyName,
	values: Record<string, string | number> = {}
): Error & { responseCode: number } {
	return Object.assign(new Error(replyText(name, values)), {
		responseCode: SANDBOX_REPLIES[name].code
	});
}
