/**
 * "Try it from here": where a followed session stands in the protocol, and the commands that
 * bring a FRESH session of the learner's own to the same point — with the learner's own
 * credentials and addresses, never the followed session's (its AUTH and its message are never
 * replayed).
 */
import type { ListenerName, SessionEvent } from '../messages';
import { pairExchanges } from './conversation';
import { saslPlain } from './sasl';

/** What a session has done so far that a new session must redo to stand in the same place. */
export interface ProtocolPoint {
	listener: ListenerName;
	/** The greeting in force: EHLO or HELO answered 250 since the connection or the TLS handshake. */
	greeting: 'EHLO' | 'HELO' | null;
	/** STARTTLS answered 220 (RFC 3207 §4); implicit TLS (submissions) is the listener itself. */
	startTls: boolean;
	/** AUTH answered 235 (RFC 4954 §4). */
	authenticated: boolean;
	/** MAIL FROM answered 250, and its transaction has not ended. */
	mail: boolean;
	/** RCPT TO answered 250/251 in the open transaction. */
	acceptedRecipients: number;
	/** DATA answered 354 and the end of data has not been sent: the message is being written. */
	inData: boolean;
}

/**
 * Walks a recorded session's command → reply exchanges. A transaction ends with the end of data,
 * whatever its reply (RFC 5321 §4.1.1.4: the buffers are cleared), with RSET and with EHLO or
 * HELO (§4.1.4); a TLS handshake forgets everything learned before it, the greeting and the
 * authentication included (RFC 3207 §4.2).
 */
export function protocolPointOf(
	listener: ListenerName,
	events: readonly SessionEvent[]
): ProtocolPoint {
	const point: ProtocolPoint = {
		listener,
		greeting: null,
		startTls: false,
		authenticated: false,
		mail: false,
		acceptedRecipients: 0,
		inData: false
	};
	const endTransaction = () => {
		point.mail = false;
		point.acceptedRecipients = 0;
		point.inData = false;
	};
	for (const exchange of pairExchanges(events)) {
		const { verb, code } = exchange;
		// An AUTH exchange's last reply answers the learner's last SASL line, not the AUTH verb.
		if (code === 235) point.authenticated = true;
		switch (verb) {
			case 'EHLO':
			case 'HELO':
				if (code === 250) {
					point.greeting = verb;
					endTransaction();
				}
				break;
			case 'STARTTLS':
				if (code === 220) {
					point.startTls = true;
					point.greeting = null;
					point.authenticated = false;
					endTransaction();
				}
				break;
			case 'MAIL':
				if (code === 250) {
					point.mail = true;
					point.acceptedRecipients = 0;
				}
				break;
			case 'RCPT':
				if (point.mail && (code === 250 || code === 251)) point.acceptedRecipients += 1;
				break;
			case 'DATA':
				if (code === 354) point.inData = true;
				break;
			case '.':
				endTransaction();
				break;
			case 'RSET':
				if (code === 250) endTransaction();
				break;
		}
	}
	return point;
}

/** Who the learner is in the new session: their class address (also their login) and password. */
export interface LearnerCredentials {
	address: string;
	password: string;
}

/** One command of the catch-up, and the reply that lets it go on. */
export interface CatchUpStep {
	/** What the progress line shows: "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA". */
	label: string;
	line: string;
	/** The reply code that means the step worked (RFC 5321 §4.2.2, RFC 3207 §4, RFC 4954 §4). */
	expect: number;
}

/**
 * The commands, in order, that bring a fresh session on the same listener to `point`. The
 * greeting is repeated after STARTTLS since TLS forgot it; AUTH uses PLAIN with the learner's
 * own login; MAIL and one RCPT use the learner's own address; DATA only when the followed
 * session was writing a message (its content is never sent). `credentials` is needed only when
 * the point is authenticated.
 */
export function catchUpSteps(
	point: ProtocolPoint,
	credentials: LearnerCredentials | null,
	clientName: string
): CatchUpStep[] {
	const steps: CatchUpStep[] = [];
	const greet = (label: string, verb: 'EHLO' | 'HELO') =>
		steps.push({ label, line: `${verb} ${clientName}`, expect: 250 });
	// STARTTLS is an extension: the client learns it is offered from the EHLO reply first.
	if (point.startTls) {
		greet('EHLO', 'EHLO');
		steps.push({ label: 'STARTTLS', line: 'STARTTLS', expect: 220 });
		if (point.greeting) greet('EHLO again', point.greeting);
	} else if (point.greeting) greet(point.greeting, point.greeting);
	if (point.authenticated) {
		if (!credentials) throw new Error('the followed session authenticated: your login is needed');
		steps.push({
			label: 'AUTH',
			line: `AUTH PLAIN ${saslPlain(credentials.address, credentials.password)}`,
			expect: 235
		});
	}
	const address = credentials?.address ?? null;
	if (point.mail || point.acceptedRecipients > 0 || point.inData) {
		if (!address) throw new Error('the followed session has a transaction: your address is needed');
		if (point.mail) steps.push({ label: 'MAIL', line: `MAIL FROM:<${address}>`, expect: 250 });
		if (point.acceptedRecipients > 0)
			steps.push({ label: 'RCPT', line: `RCPT TO:<${address}>`, expect: 250 });
		if (point.inData) steps.push({ label: 'DATA', line: 'DATA', expect: 354 });
	}
	return steps;
}
