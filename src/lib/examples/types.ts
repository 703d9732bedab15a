/**
 * An example session is data: a script of client steps, each with its narration, the RFC
 * sections it cites and the replies it expects. The player (src/routes/examples) and the
 * integration test run the same scripts live against the sandbox through the bridge.
 */
import type { AuthAction, DkimResult, DmarcResult, SpfResult } from '../auth/report';
import type { JourneyAttempt, LegState } from '../delivery/journey';
import type { ListenerName, RfcRef } from '../messages';

/** An SMTP reply a step expects: its code and, when the server sends one, its enhanced code (RFC 3463). */
export interface ExpectedReply {
	code: number;
	/** null: no enhanced code on this reply (the greeting, for instance). */
	enhanced: string | null;
}

/**
 * A POP3 response a step expects: its status indicator (RFC 1939 §3), or "+" for an AUTH
 * continuation (RFC 5034 §4), and the response code in brackets after it, if any (RFC 2449 §8).
 */
export interface ExpectedPop3Response {
	status: '+OK' | '-ERR' | '+';
	responseCode: string | null;
}

/**
 * An IMAP response a step expects: its tagged completion's status (OK, NO, BAD; RFC 3501 §7.1)
 * or "+" for a continuation request (§7.5), and the response code in brackets after it, if any.
 */
export interface ExpectedImapResponse {
	imap: 'OK' | 'NO' | 'BAD' | '+';
	responseCode: string | null;
}

/** What a step waits for, in its session's protocol. */
export type ExpectedResponse = ExpectedReply | ExpectedPop3Response | ExpectedImapResponse;

/** A message composed on the server with nodemailer's MailComposer (server/examples/compose.ts). */
export interface ComposeSpec {
	from: string;
	to?: string[];
	cc?: string[];
	subject: string;
	text: string;
	html?: string;
	/** Extra header fields, written as given. */
	headers?: Record<string, string>;
	/** A generated PNG picture attached as a file (width × height pixels). */
	picture?: { filename: string; width: number; height: number };
}

/**
 * What follows a 354: a composed message (dot-stuffed and ended by the runner), exact bytes
 * written in the script (they include the end-of-data marker), or a generated body larger than
 * the server's limit.
 */
export type MessageSource =
	| { kind: 'compose'; mail: ComposeSpec }
	| { kind: 'raw'; bytes: string }
	| { kind: 'oversize'; subject: string };

/** One try the outgoing queue makes for a destination, as a journey step expects it. */
export interface ExpectedTry {
	/** The MX host tried; absent where DNS leaves the choice to chance (equal preferences). */
	host?: string;
	outcome: JourneyAttempt['outcome'];
	/** The reply that decided the try; null when no connection was made. */
	reply: ExpectedReply | null;
}

/** One destination of the accepted message (a leg of its journey, src/lib/delivery/journey.ts). */
export interface ExpectedLeg {
	domain: string;
	/** Its first tries, in order; the step waits until the leg has made at least these. */
	tries: ExpectedTry[];
	/** The state the leg must reach (delivered, bounced …); absent: any, once the tries are made. */
	state?: LegState;
}

/**
 * What a receiving MX's check of a message must have found (its Authentication-Results field,
 * RFC 8601 §2.7) and what it did with the message because of it.
 */
export interface ExpectedVerdict {
	/**
	 * The host that checked: its authserv-id (RFC 8601 §2.5), e.g. "mx.north.test", a host the
	 * outgoing queue delivered to. Absent: the sandbox's own mx listener, in this run's session.
	 */
	host?: string;
	/** The copy the host stored for this recipient (a host stores one per transaction). */
	recipient: string;
	spf: SpfResult;
	/** The first DKIM signature's result; "none" when the message carries no signature. */
	dkim: DkimResult;
	/** "none" when the From: domain publishes no DMARC record (RFC 7489 §6.6.3). */
	dmarc: DmarcResult;
	action: AuthAction;
}

interface StepBase {
	/** Stable anchor (#step-<id>), unique in its example. */
	id: string;
	title: string;
	/** What is about to happen and why. `{name}` placeholders are filled from the run's context. */
	narration: string;
	rfc: RfcRef[];
	/** One entry per reply the step waits for, in order. */
	expect: ExpectedResponse[];
}

export type Step =
	/** Opens a new session on a listener (after closing the previous one); waits for the greeting. */
	| (StepBase & { kind: 'open'; listener: ListenerName })
	/**
	 * Sends command lines; more than one line goes out in one write (a pipeline, RFC 2920).
	 * `findsMessage`: a POP3 UIDL listing (RFC 1939 §7) in which the player looks for the message
	 * this run last had accepted (its unique id is its message id) and keeps its number in this
	 * session as {messageNumber} for the lines of the steps after it.
	 */
	| (StepBase & {
			kind: 'send';
			lines: string[];
			findsMessage?: boolean;
			/**
			 * An untagged IMAP response ("EXISTS") the session must have sent since its last step
			 * before these lines go: what IDLE waits to hear (RFC 2177 §3). The step shows it.
			 */
			awaits?: string;
	  })
	/**
	 * Runs `steps` on a second connection of their own — another tab — while this run's session
	 * stays open (an IMAP session in IDLE hears what they do), then closes it. `expect` is empty:
	 * the steps' own replies are checked.
	 */
	| (StepBase & { kind: 'side'; steps: Step[] })
	/** Sends the message after a 354 and the end-of-data marker; waits for the final reply. */
	| (StepBase & { kind: 'data'; message: MessageSource })
	/** Sends nothing and waits: the greylisting window (GREYLIST_SECONDS), plus a margin. */
	| (StepBase & { kind: 'wait'; seconds: 'greylist' })
	/**
	 * Sends nothing: follows the journey of the message this run last had accepted through the
	 * outgoing queue (watch-journey) until every leg in `legs` has made its tries and reached its
	 * state; the journey must have exactly these legs. With `fastForward`, whenever a leg waits
	 * for a retry the queue's clock is skipped to it (the journey page's fast-forward). `expect`
	 * is empty: the replies are the hops', checked per leg.
	 */
	| (StepBase & { kind: 'journey'; legs: ExpectedLeg[]; fastForward: boolean })
	/**
	 * Sends nothing: finds the copy of this run's message that a receiving MX checked — stored by
	 * this run's session, or delivered (or refused) on its journey — and compares the MX's verdict
	 * with `verdict`, waiting until that copy is stored. `expect` is empty: the verdict is checked.
	 * The player links the message's Authentication tab (/mailbox/<id>/authentication).
	 */
	| (StepBase & { kind: 'auth'; verdict: ExpectedVerdict });

export interface Example {
	/** URL segment: /examples/<slug>. */
	slug: string;
	/** Suggested order in the catalogue. */
	order: number;
	title: string;
	/** One sentence: what the example teaches. */
	teaches: string;
	/** The RFCs it is about. */
	rfc: RfcRef[];
	/** A paragraph shown before the first step. */
	intro: string;
	/** Closing words after the last step. */
	takeaway: string;
	steps: Step[];
}

/** What a run knows besides the script: the sandbox's settings and the composed messages. */
export interface RunContext {
	/** A short tag unique to this run, for addresses that must differ between runs ({run}). */
	run: string;
	greylistSeconds: number;
	maxMessageBytes: number;
	/** Composed messages by step id (CRLF line ends, not yet dot-stuffed). */
	messages: Record<string, string>;
	/** Numbers the narration quotes, e.g. {pictureBytes}. */
	facts: Record<string, string | number>;
}
