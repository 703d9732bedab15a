import type { SessionEvent } from '../messages';
import { parseEhloKeywords, type Capabilities } from '../terminal/complete';
import { isFinalReplyLine, parseReply } from '../smtp/protocol/replyParser';

/**
 * Pairs the lines of a recorded session into command → reply exchanges. SMTP answers commands
 * strictly in order, pipelined or not (RFC 2920 §3.1), so a first-in-first-out queue of the
 * client's commands matches each complete reply to the command it answers.
 */

/** One command (or the greeting, which answers no command) and the complete reply to it. */
export interface Exchange {
	/** The client line; null for the greeting and for replies nobody asked for (421 timeout). */
	command: SessionEvent | null;
	/** Upper-case verb ("MAIL", "RCPT", "." for the end of data, "" without a command). */
	verb: string;
	/** The reply's lines; empty while the reply has not arrived. */
	reply: SessionEvent[];
	code: number | null;
	/** For the end-of-data exchange: the event carrying the message content. */
	body?: SessionEvent;
}

export function verbOf(text: string): string {
	if (text === '.') return '.';
	const word = /^[A-Za-z]+/.exec(text)?.[0] ?? '';
	return word.toUpperCase();
}

/** The lab reads replies through this module. */
export { isFinalReplyLine };

export function replyCode(text: string): number | null {
	return parseReply(text)?.code ?? null;
}

export function pairExchanges(events: readonly SessionEvent[]): Exchange[] {
	const exchanges: Exchange[] = [];
	const waiting: Exchange[] = [];
	let lines: SessionEvent[] = [];
	let inData = false;
	let body: SessionEvent | undefined;
	for (const event of events) {
		if (event.dir === 'client') {
			if (inData && event.text !== '.') {
				body = event;
				continue;
			}
			const exchange: Exchange = {
				command: event,
				verb: verbOf(event.text),
				reply: [],
				code: null
			};
			if (inData) {
				exchange.body = body;
				inData = false;
				body = undefined;
			}
			exchanges.push(exchange);
			waiting.push(exchange);
			continue;
		}
		if (event.dir !== 'server') continue;
		lines.push(event);
		if (!isFinalReplyLine(event.text)) continue;
		const exchange = waiting.shift();
		const code = replyCode(event.text);
		if (exchange) {
			exchange.reply = lines;
			exchange.code = code;
			if (exchange.verb === 'DATA' && code === 354) inData = true;
		} else {
			exchanges.push({ command: null, verb: '', reply: lines, code });
		}
		lines = [];
	}
	return exchanges;
}

/**
 * What the server advertised in its last EHLO reply; empty after a successful STARTTLS, since the
 * client must forget it and ask again (RFC 3207 §4.2).
 */
export function capabilitiesOf(exchanges: readonly Exchange[]): Capabilities {
	let caps: Capabilities = {};
	for (const exchange of exchanges) {
		if (exchange.verb === 'EHLO' && exchange.code === 250)
			caps = parseEhloKeywords(exchange.reply.slice(1).map((line) => line.text));
		if (exchange.verb === 'STARTTLS' && exchange.code === 220) caps = {};
	}
	return caps;
}

export type RecipientStatus = 'accepted' | 'deferred' | 'refused' | 'waiting';

export interface EnvelopeLine {
	address: string;
	status: RecipientStatus;
	/** The final reply line, e.g. "550 5.1.1 Mailbox unknown". */
	reply: string;
	/** The one-line explanation of that reply. */
	why: string;
}

export interface TransactionView {
	mailFrom: EnvelopeLine;
	recipients: EnvelopeLine[];
	/** Where DATA got to: not sent yet, refused, body being typed, or the end-of-data reply. */
	data: {
		status: 'none' | 'refused' | 'body' | 'waiting' | 'accepted' | 'rejected';
		reply: string;
	};
	messageId: string | null;
}

function statusOf(code: number | null): RecipientStatus {
	if (code === null) return 'waiting';
	if (code < 400) return 'accepted';
	return code < 500 ? 'deferred' : 'refused';
}

function line(exchange: Exchange, address: string): EnvelopeLine {
	const last = exchange.reply.at(-1);
	return {
		address,
		status: statusOf(exchange.code),
		reply: last?.text ?? '',
		why: last?.annotation.summary ?? ''
	};
}

const PATH = /^(?:MAIL FROM|RCPT TO):\s*<([^>]*)>/i;

/**
 * The current (or last finished) mail transaction: MAIL FROM, each RCPT TO with its reply, and
 * what happened to the data. EHLO, HELO and RSET end a transaction (RFC 5321 §4.1.4).
 */
export function transactionOf(exchanges: readonly Exchange[]): TransactionView | null {
	let current: TransactionView | null = null;
	for (const exchange of exchanges) {
		const text = exchange.command?.text ?? '';
		switch (exchange.verb) {
			case 'MAIL':
				current = {
					mailFrom: line(exchange, PATH.exec(text)?.[1] ?? text.slice(10).trim()),
					recipients: [],
					data: { status: 'none', reply: '' },
					messageId: null
				};
				break;
			case 'RCPT':
				current?.recipients.push(line(exchange, PATH.exec(text)?.[1] ?? text.slice(8).trim()));
				break;
			case 'DATA':
				if (current)
					current.data = {
						status: exchange.code === null ? 'waiting' : exchange.code === 354 ? 'body' : 'refused',
						reply: exchange.reply.at(-1)?.text ?? ''
					};
				break;
			case '.':
				if (current) {
					const code = exchange.code;
					current.data = {
						status: code === null ? 'waiting' : code < 400 ? 'accepted' : 'rejected',
						reply: exchange.reply.at(-1)?.text ?? ''
					};
					current.messageId = exchange.body?.messageId ?? null;
				}
				break;
			case 'RSET':
			case 'EHLO':
			case 'HELO':
				current = null;
				break;
		}
	}
	return current;
}

/** The lab's export: the same text as /api/sessions/:id/transcript.txt (one function for both). */
export { transcriptText } from '../transcriptText';
