/**
 * Every use of smtp-server's internals, in one module, for one exact version. The sandbox needs
 * a few things the library has no option for: a hook on each new connection, a wrapper around
 * the connection's single write site (so the enhanced code on the wire is the right one), its
 * own answer to some commands, and the replies as written (read from its debug log). Each
 * depends on code that is not part of the library's API, so package.json pins the exact
 * version and `assertSmtpServerVersion` stops the server at startup when another is installed.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';

/** The version these patches were written against and tested with (package.json pins it). */
export const SMTP_SERVER_VERSION = '3.21.6';

export function installedSmtpServerVersion(): string {
	const require = createRequire(import.meta.url);
	return (require('smtp-server/package.json') as { version: string }).version;
}

/** Throws when the installed smtp-server is not the one the patches below were checked against. */
export function assertSmtpServerVersion(installed = installedSmtpServerVersion()): void {
	if (installed !== SMTP_SERVER_VERSION)
		throw new Error(
			`smtp-server ${installed} is installed, but server/sandbox/smtpServerPatches.ts is written for ${SMTP_SERVER_VERSION}: ` +
				`run "npm ci", or check every patch in that module against the new version and update SMTP_SERVER_VERSION.`
		);
}

type Send = (code: number, data: unknown, context?: unknown) => void;
type Handler = (command: Buffer, callback: () => void) => void;

/** The commands smtp-server has a handler for (`handler_<VERB>` in its smtp-connection.js). */
export type LibraryVerb =
	| 'EHLO'
	| 'HELO'
	| 'QUIT'
	| 'NOOP'
	| 'RSET'
	| 'HELP'
	| 'VRFY'
	| 'XCLIENT'
	| 'XFORWARD'
	| 'STARTTLS'
	| 'AUTH'
	| 'MAIL'
	| 'RCPT'
	| 'DATA'
	| 'WIZ'
	| 'SHELL'
	| 'KILL';

/** The parts of smtp-server's (untyped, internal) SMTPConnection the sandbox uses. */
export interface LibraryConnection {
	id: string;
	/** True once the connection is inside TLS (implicit or after STARTTLS). */
	secure: boolean;
	session: SMTPServerSession;
	send: Send;
	/** The last HELO/EHLO/LHLO verb the client used, false before one. */
	openingCommand: string | false;
}

type ConnectionInternals = LibraryConnection & {
	_parseAddressCommand(
		name: string,
		command: Buffer
	): { args: Record<string, unknown> | false } | false;
} & { [V in LibraryVerb as `handler_${V}`]: Handler } & {
	[handler: `handler_${string}`]: Handler | undefined;
};

/** Calls `adopt` for each new connection object, before it sends its greeting. */
export function onEachConnection(
	smtp: SMTPServer,
	adopt: (connection: LibraryConnection) => void
): void {
	const connections = smtp.connections as unknown as Set<LibraryConnection>;
	const add = connections.add.bind(connections);
	connections.add = (connection: LibraryConnection) => {
		adopt(connection);
		return add(connection);
	};
}

export type SendAdjust = (
	code: number,
	data: unknown,
	context: unknown
) => { code: number; data: unknown; context: unknown };

/** Wraps the connection's `send`, the one place every reply is written. */
export function wrapSend(connection: LibraryConnection, adjust: SendAdjust): void {
	const original = connection.send.bind(connection);
	connection.send = (code, data, context) => {
		const fixed = adjust(code, data, context);
		original(fixed.code, fixed.data, fixed.context);
	};
}

/**
 * Replies sent in one go of the library's work (the answers to a pipelined group, RFC 2920
 * §3.1) leave in one write: each write is a system call and a wake-up of the client, and four
 * per message cost more than recording it (bench/profileSandbox.ts). The socket is corked at the
 * first reply and uncorked once the current work is done (process.nextTick: before the recorder
 * runs, so no reply waits for it). A 220 (the greeting, or the go-ahead after which STARTTLS
 * hands the socket to TLS) and the closing 221 and 421 leave at once.
 */
export function coalesceReplies(connection: LibraryConnection): void {
	const internals = connection as LibraryConnection & { _socket?: Socket };
	const send = connection.send.bind(connection);
	let corked: Socket | null = null;
	const uncork = () => {
		const socket = corked;
		corked = null;
		socket?.uncork();
	};
	connection.send = (code, data, context) => {
		const socket = internals._socket;
		if (!corked && socket && !socket.destroyed) {
			socket.cork();
			corked = socket;
			process.nextTick(uncork);
		}
		send(code, data, context);
		if (code === 220 || code === 221 || code === 421) uncork();
	};
}

/**
 * STARTTLS over a stream of the sandbox's own (the wire tap's carrier, wireTap.ts) instead of
 * the accepted socket, so the ciphertext passes through JS where the tap counts it: wrapped
 * around a net.Socket, the library's TLSSocket would use the socket's native handle. The
 * library's upgrade unpipes the socket from its parser, removes every listener on the socket
 * (its own, the recorder's plaintext feed, the listener's), then wraps the socket in a
 * TLSSocket. Here the accepted socket gets the first two steps, then the carrier (whose
 * listeners on the socket carry data, end, close and errors over) becomes the connection's
 * socket, which the library's own upgrade finds bare: its unpipe and removal touch nothing,
 * and its TLSSocket wraps the carrier. Destroying the accepted socket (shutdown) destroys the
 * carrier and so the TLS session; the library destroying the carrier destroys the socket.
 */
export function startTlsOverCarrier(
	connection: LibraryConnection,
	carrierOf: (socket: Socket) => Duplex
): void {
	const internals = connection as LibraryConnection & {
		_socket: Socket | Duplex;
		_parser: Writable;
		upgrade(callback: () => void, secureCallback?: () => void): void;
	};
	const upgrade = internals.upgrade.bind(connection);
	internals.upgrade = (callback, secureCallback) => {
		const socket = internals._socket as Socket;
		socket.unpipe(internals._parser);
		socket.removeAllListeners();
		internals._socket = carrierOf(socket);
		upgrade(callback, secureCallback);
	};
}

/** A reply of the sandbox's own to a command. */
export interface CommandReply {
	code: number;
	text: string;
}

/** What an interceptor decides: a reply of its own, or the library's handling (null). */
export type CommandAnswer = CommandReply | null;

export interface CommandContext {
	verb: string;
	/** The command line's text after the verb, trimmed. */
	argument: string;
	openingCommand: string | false;
	/** The ESMTP parameters of a MAIL/RCPT line as the library parses them (none: {}). */
	parameters(): Record<string, unknown>;
}

export interface CommandAnswers {
	/** Commands the library handles: the interceptor may leave one to it (null). */
	intercepted: Partial<Record<LibraryVerb, (context: CommandContext) => CommandAnswer>>;
	/**
	 * Commands the library has no handler for (it would answer 500 "command not recognized"):
	 * each becomes a recognised command, so the sandbox always answers it.
	 */
	added: Record<string, (context: CommandContext) => CommandReply>;
}

/**
 * Lets the sandbox answer commands itself. The library's checks that run before any handler
 * (greeting not sent yet, HELO first, AUTH required) still apply.
 */
export function interceptCommands(connection: LibraryConnection, answers: CommandAnswers): void {
	const internals = connection as ConnectionInternals;
	const contextOf = (verb: string, command: Buffer): CommandContext => ({
		verb,
		argument: command.toString().slice(verb.length).trim(),
		openingCommand: internals.openingCommand,
		parameters: () => {
			const parsed = internals._parseAddressCommand(
				verb === 'MAIL' ? 'mail from' : 'rcpt to',
				command
			);
			return (parsed && parsed.args) || {};
		}
	});
	const reply = (answer: CommandReply, callback: () => void) => {
		connection.send(answer.code, answer.text);
		callback();
	};
	const intercepted = Object.entries(answers.intercepted) as [
		LibraryVerb,
		(context: CommandContext) => CommandAnswer
	][];
	for (const [verb, intercept] of intercepted) {
		const original = internals[`handler_${verb}`].bind(connection);
		internals[`handler_${verb}`] = (command, callback) => {
			const answer = intercept(contextOf(verb, command));
			if (answer) reply(answer, callback);
			else original(command, callback);
		};
	}
	for (const [verb, answer] of Object.entries(answers.added))
		internals[`handler_${verb}`] = (command, callback) =>
			reply(answer(contextOf(verb, command)), callback);
}

/**
 * Makes each command wait before the library handles it (a tarpitting mail host, server/hosts):
 * its reply comes that much later, and the next command's wait starts only then, since the
 * library reads the next line once it has answered this one. Pipelined commands wait in turn.
 */
export function delayCommands(
	connection: LibraryConnection,
	wait: (proceed: () => void) => void
): void {
	const internals = connection as LibraryConnection & {
		_onCommand(command: Buffer, callback?: () => void): void;
	};
	const handle = internals._onCommand.bind(connection);
	internals._onCommand = (command, callback) => wait(() => handle(command, callback));
}

/**
 * A logger for the library's `logger` option that reports each reply line as written: the
 * library logs every write at debug level as ("S:", line) with the connection id.
 */
export function replyLogger(onReply: (connectionId: string, line: string) => void) {
	const noop = () => undefined;
	return {
		trace: noop,
		info: noop,
		warn: noop,
		error: noop,
		fatal: noop,
		debug: (entry: { tnx?: string; cid?: string }, message: string, payload?: string) => {
			if (entry.tnx !== 'send' || message !== 'S:' || !entry.cid || payload === undefined) return;
			onReply(entry.cid, payload);
		}
	};
}
