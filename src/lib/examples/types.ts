/**
 * An example session is data: a script of client steps, each with its narration, the RFC
 * sections it cites and the replies it expects. The player (src/routes/examples) and the
 * integration test run the same scripts live against the sandbox through the bridge.
 */
import type { ListenerName, RfcRef } from '../messages';

/** A reply a step expects: its code and, when the server sends one, its enhanced code (RFC 3463). */
export interface ExpectedReply {
	code: number;
	/** null: no enhanced code on this reply (the greeting, for instance). */
	enhanced: string | null;
}

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

interface StepBase {
	/** Stable anchor (#step-<id>), unique in its example. */
	id: string;
	title: string;
	/** What is about to happen and why. `{name}` placeholders are filled from the run's context. */
	narration: string;
	rfc: RfcRef[];
	/** One entry per reply the step waits for, in order. */
	expect: ExpectedReply[];
}

export type Step =
	/** Opens a new session on a listener (after closing the previous one); waits for the greeting. */
	| (StepBase & { kind: 'open'; listener: ListenerName })
	/** Sends command lines; more than one line goes out in one write (a pipeline, RFC 2920). */
	| (StepBase & { kind: 'send'; lines: string[] })
	/** Sends the message after a 354 and the end-of-data marker; waits for the final reply. */
	| (StepBase & { kind: 'data'; message: MessageSource })
	/** Sends nothing and waits: the greylisting window (GREYLIST_SECONDS), plus a margin. */
	| (StepBase & { kind: 'wait'; seconds: 'greylist' });

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
