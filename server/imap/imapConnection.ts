/**
 * One IMAP session on an admitted socket: frames the client's bytes into commands with the
 * protocol layer's CommandReader (literals announced "{n}" get a "+" continuation first, and one
 * over IMAP_MAX_LITERAL_BYTES is refused at its announcement, RFC 3501 §7.5), answers them one
 * at a time in order, keeps the state (§3), checks each command against it, upgrades to TLS
 * after STARTTLS (§6.2.1), logs in (LOGIN §6.2.3, AUTHENTICATE PLAIN §6.2.2), runs IDLE (RFC
 * 2177), logs out after IMAP_IDLE_TIMEOUT_SECONDS of silence (§5.4), and hands every line and
 * response to the session's recorder, which is its only framer.
 */
import type net from 'node:net';
import tls from 'node:tls';
import {
	isIdleDone,
	parseAuthenticateLine,
	parseCommand,
	type CommandSyntaxError,
	type ImapCommand
} from '../../src/lib/imap/protocol/commandParser';
import { CommandReader, type ReaderEvent } from '../../src/lib/imap/protocol/commandReader';
import { latin1, type Framed } from '../../src/lib/imap/protocol/grammar';
import {
	atom,
	continuation,
	fetchResponse,
	taggedResponse,
	untaggedData,
	untaggedStatus,
	type ImapValue,
	type ResponseCode
} from '../../src/lib/imap/protocol/responseWriter';
import type { FolderView } from '../mailboxes/folderView';
import type { ReadAccount } from '../mailboxes/mailboxes';
import { wireText } from '../recorder/wireText';
import type { LiveSession } from '../sandbox/sessions';
import type { CommandOf, ImapContext, ImapState } from './imapCommand';
import { IMAP_COMMAND_TABLE } from './imapCommands';
import {
	IDLE_CONTINUATION,
	IMAP_CAPABILITIES,
	IMAP_REPLIES,
	imapReplyText,
	LITERAL_CONTINUATION,
	type ImapReplyName
} from './imapReplies';
import type { ImapServer } from './imapServer';

/** Bytes read ahead while a command is answered; past this the socket is paused (TCP pushes back). */
const MAX_BUFFERED_BYTES = 64 * 1024;
const ENHANCED_CODE = /^\d\.\d{1,3}\.\d{1,3} /;
/** How long a closing session waits for the peer before its socket is destroyed. */
const CLOSE_GRACE_MS = 1000;
const LATIN1 = 'latin1';
/** The first octet of a TLS handshake record (RFC 8446 §5.1: ContentType handshake(22)). */
const TLS_HANDSHAKE_RECORD = 22;

/** A command that reads raw lines after its "+" (RFC 3501 §6.2.2, RFC 2177 §3). */
type Pending = { kind: 'authenticate'; tag: string } | { kind: 'idle'; tag: string };

/**
 * The commands that work on the session itself (its TLS, log-in, the wait of IDLE); the
 * mailbox- and message-level ones are IMAP_COMMAND_TABLE's rows.
 */
type SessionCommandName =
	'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'LOGIN' | 'AUTHENTICATE' | 'IDLE';
const ANY: readonly ImapState[] = ['not-authenticated', 'authenticated', 'selected'];
const SESSION_STATES: Record<SessionCommandName, readonly ImapState[]> = {
	CAPABILITY: ANY,
	NOOP: ANY,
	LOGOUT: ANY,
	STARTTLS: ['not-authenticated'],
	LOGIN: ['not-authenticated'],
	AUTHENTICATE: ['not-authenticated'],
	// RFC 2177 §3: IDLE is valid in the authenticated and selected states.
	IDLE: ['authenticated', 'selected']
};

export class ImapConnection implements ImapContext {
	state: ImapState = 'not-authenticated';
	account: ReadAccount | null = null;
	selected: FolderView | null = null;
	failedLogins = 0;
	upgrading = false;
	#socket: net.Socket;
	#reader: CommandReader;
	#pending: Pending | null = null;
	/** Parts of the command being read already recorded (each "{n}" line at its "+"). */
	#recordedParts = 0;
	/** The command being answered: whether untagged EXPUNGE may go with its completion (§7.4.1). */
	#current: ImapCommand | null = null;
	/** IDLE's listener on the selected folder's changes, while IDLE runs. */
	#idleListener: (() => void) | null = null;
	/** The untagged report being written, if any (see #reportChanges). */
	#reporting: Promise<void> = Promise.resolve();
	#busy = false;
	#closed = false;
	/** The session's first bytes are still to come: a TLS handshake there is told apart. */
	#firstChunk = true;

	constructor(
		readonly server: ImapServer,
		socket: net.Socket,
		readonly id: string,
		readonly live: LiveSession
	) {
		this.#socket = socket;
		this.#reader = this.#newReader();
	}

	get mailboxes() {
		return this.server.deps.mailboxes;
	}

	get recorder() {
		return this.live.recorder;
	}

	get config() {
		return this.server.deps.config;
	}

	now(): Date {
		return new Date(this.server.deps.clock.now());
	}

	get secure(): boolean {
		return this.#socket instanceof tls.TLSSocket;
	}

	/** A password may be sent: inside TLS, or anywhere when the operator allows it. */
	get loginAllowed(): boolean {
		return this.secure || this.config.readAllowPlaintext;
	}

	get capabilities(): readonly string[] {
		if (this.secure) return IMAP_CAPABILITIES.afterTls;
		return this.config.readAllowPlaintext
			? IMAP_CAPABILITIES.plaintextAllowed
			: IMAP_CAPABILITIES.beforeTls;
	}

	#newReader(): CommandReader {
		const { imapMaxLineBytes, imapMaxLiteralBytes } = this.config;
		return new CommandReader({
			maxLineOctets: imapMaxLineBytes,
			maxLiteralOctets: imapMaxLiteralBytes,
			maxCommandOctets: imapMaxLiteralBytes + 4 * imapMaxLineBytes
		});
	}

	start(): void {
		// The lifetime limit and shutdown (server/sandbox/sessions.ts) end a session through this.
		// SMTP's enhanced status code (RFC 3463) in front of the text means nothing in IMAP.
		this.live.connection = {
			send: (_code, text) => void this.closeWith(String(text).replace(ENHANCED_CODE, ''))
		};
		this.#socket.once('close', () => this.#onClose());
		this.#listen(this.#socket);
		// RFC 3501 §7.1.1: the greeting may carry the capabilities, saving a round trip.
		void this.untagged(
			this.secure ? 'greetingTls' : 'greeting',
			{ server: this.config.serverName },
			{ code: 'CAPABILITY', capabilities: [...this.capabilities] }
		);
	}

	#listen(socket: net.Socket): void {
		socket.on('data', this.#onData);
		socket.setTimeout(this.config.imapIdleTimeoutSeconds * 1000);
		socket.on('timeout', this.#onIdle);
	}

	#onData = (chunk: Buffer): void => {
		if (this.#firstChunk) {
			this.#firstChunk = false;
			// A TLS record (content type 22, handshake) where the greeting's answer should be: a
			// client set up for implicit TLS. Its ClientHello holds no line end, so say so now.
			if (!this.secure && chunk[0] === TLS_HANDSHAKE_RECORD) return this.#tlsOnPlainPort();
		}
		this.#reader.push(chunk);
		if (this.#reader.buffered > MAX_BUFFERED_BYTES) this.#socket.pause();
		void this.#drain();
	};

	#tlsOnPlainPort(): void {
		this.recorder.system(
			'note',
			'The client began a TLS handshake on a port that starts in plaintext (RFC 8314 §3.1 puts implicit TLS on its own port)'
		);
		void this.untagged('tlsOnPlainPort');
		this.close('The client spoke TLS to the STARTTLS port; the server said BYE and closed');
	}

	/** RFC 3501 §5.4: the autologout timer; the server says BYE before it closes (§7.1.5). */
	#onIdle = (): void => {
		const seconds = this.config.imapIdleTimeoutSeconds;
		void this.untagged('autologout', { seconds });
		this.close(
			`Autologout: no command for ${seconds} s (IMAP_IDLE_TIMEOUT_SECONDS); the server said BYE and closed (RFC 3501 §5.4)`
		);
	};

	async #drain(): Promise<void> {
		if (this.#busy) return;
		this.#busy = true;
		try {
			while (!this.#closed && !this.upgrading) {
				const event = this.#reader.next();
				if (!event) break;
				await this.#handle(event);
			}
		} finally {
			this.#busy = false;
			if (!this.#closed && this.#socket.isPaused() && !this.upgrading) this.#socket.resume();
		}
	}

	async #handle(event: ReaderEvent): Promise<void> {
		if (event.kind === 'line') return this.#pendingLine(event.text);
		if (event.kind === 'refused') return this.#refused(event);
		if (event.kind === 'continue') return this.#literalAnnounced(event.command);
		this.#recordParts(event.command);
		this.#recordedParts = 0;
		const parsed = parseCommand(event.command);
		if (!parsed.ok) return this.#syntaxError(parsed.error);
		await this.#run(parsed.command);
	}

	/**
	 * "{n}" ends a line: the command name and its state are checked before the client is asked
	 * for the octets, so an unknown command or one in the wrong state sends none (§7.5 example).
	 */
	async #literalAnnounced(command: Framed): Promise<void> {
		this.#recordParts(command);
		const start = parseCommand(command, { startOnly: true });
		const refusal = start.ok ? this.#literalRefusal(start.command.name) : null;
		if (start.ok && !refusal) {
			await this.#respond(continuation(LITERAL_CONTINUATION));
			return;
		}
		this.#reader.abandon();
		this.#recordedParts = 0;
		if (!start.ok) return this.#syntaxError(start.error);
		await this.tagged(start.command.tag, refusal!, { verb: start.command.name });
	}

	/**
	 * Records the command's parts not yet recorded: each line, after the first with the literal
	 * before it, as display text (wireText: no client byte acts on a terminal or page), a LOGIN
	 * password masked from where it starts.
	 */
	#recordParts(command: Framed): void {
		const { segments, literals } = command;
		const literalAt = (i: number) => (i === 0 ? new Uint8Array(0) : literals[i - 1]);
		const raw = segments.map((segment, i) => latin1(literalAt(i)) + segment);
		const secretAt = credentialOffset(raw.join(''));
		let offset = raw.slice(0, this.#recordedParts).join('').length;
		for (let i = this.#recordedParts; i < segments.length; i++) {
			const literal = literalAt(i);
			const literalShown = i === 0 ? '' : this.#literalShown(literal);
			const shown = (text: string) => wireText(Buffer.from(text, LATIN1));
			let maskFrom: number | undefined;
			if (secretAt !== undefined && secretAt < offset + raw[i].length) {
				const into = Math.max(0, secretAt - offset);
				maskFrom =
					into < literal.length
						? 0
						: literalShown.length + shown(segments[i].slice(0, into - literal.length)).length;
			}
			this.recorder.clientLine(literalShown + shown(segments[i]), [], maskFrom);
			offset += raw[i].length;
		}
		this.#recordedParts = segments.length;
	}

	/** A literal as the transcript shows it: cut at MAX_DATA_EVENT_BYTES, as DATA is. */
	#literalShown(literal: Uint8Array): string {
		const limit = this.config.maxDataEventBytes;
		if (literal.length <= limit) return wireText(literal, true);
		this.recorder.system(
			'note',
			`The transcript shows the first ${limit.toLocaleString('en')} of the literal's ${literal.length.toLocaleString('en')} octets (MAX_DATA_EVENT_BYTES); the server read all of them.`
		);
		return wireText(literal.subarray(0, limit), true);
	}

	async #refused(event: Extract<ReaderEvent, { kind: 'refused' }>): Promise<void> {
		this.#recordedParts = 0;
		const pending = this.#pending;
		this.#pending = null;
		// The client's line as far as it was read, so its tagged answer has a command to answer.
		if (event.text) {
			const shown = wireText(Buffer.from(event.text.slice(0, 200), LATIN1));
			this.recorder.clientLine(
				event.text.length > 200 || event.reason === 'line-too-long' ? `${shown}…` : shown,
				[],
				credentialOffset(event.text)
			);
		}
		this.recorder.system('note', `Command refused before it was read whole: ${event.message}`);
		const reply: ImapReplyName =
			event.reason === 'line-too-long'
				? 'lineTooLong'
				: event.reason === 'non-synchronizing-literal'
					? 'nonSynchronizingLiteral'
					: 'literalTooLarge';
		const tag = pending?.tag ?? event.tag;
		if (tag) await this.tagged(tag, reply, { message: event.message });
		else await this.untagged('noTag', { message: event.message });
	}

	async #syntaxError(error: CommandSyntaxError): Promise<void> {
		if (!error.tag) return this.untagged('noTag', { message: error.message });
		await this.tagged(error.tag, error.unknownCommand ? 'unknownCommand' : 'syntax', {
			message: error.message
		});
	}

	/**
	 * Why a command announcing a literal may not go on: its state, or a LOGIN before TLS, whose
	 * literal would carry the password in plaintext only to be refused (§6.2.3).
	 */
	#literalRefusal(name: string): ImapReplyName | null {
		const refusal = this.#stateRefusal(name);
		if (refusal || name !== 'LOGIN' || this.loginAllowed) return refusal;
		return 'loginDisabled';
	}

	/** Why a command may not run in this state, or null (RFC 3501 §3, §6). */
	#stateRefusal(name: string): ImapReplyName | null {
		const states = commandStates(name);
		if (!states || states.includes(this.state)) return null;
		if (this.state === 'not-authenticated') return 'needLogin';
		if (states.includes('not-authenticated')) return 'alreadyLoggedIn';
		return states.includes('selected') ? 'needSelected' : 'notWhileSelected';
	}

	async #run(command: ImapCommand): Promise<void> {
		this.#current = command;
		const refusal = this.#stateRefusal(command.name);
		if (refusal) return this.tagged(command.tag, refusal, { verb: command.name });
		switch (command.name) {
			case 'CAPABILITY':
				await this.data(atom('CAPABILITY'), ...this.capabilities.map(atom));
				return this.tagged(command.tag, 'capability');
			case 'NOOP':
				return this.tagged(command.tag, 'noop');
			case 'LOGOUT':
				return this.#logout(command.tag);
			case 'STARTTLS':
				return this.#startTls(command.tag);
			case 'LOGIN':
				return this.#login(command);
			case 'AUTHENTICATE':
				return this.#authenticate(command);
			case 'IDLE':
				return this.#idle(command.tag);
		}
		const row = IMAP_COMMAND_TABLE.get(command.name);
		if (!row) return this.tagged(command.tag, 'notImplemented', { verb: command.name });
		try {
			await (row.run as (ctx: ImapContext, command: ImapCommand) => void | Promise<void>)(
				this,
				command
			);
		} catch (error) {
			// A handler's failure ends one command, never the session or the server.
			await this.tagged(command.tag, 'serverError', {
				verb: command.name,
				reason: error instanceof Error ? error.message : String(error)
			});
		}
	}

	async #logout(tag: string): Promise<void> {
		this.state = 'logout';
		await this.untagged('logoutBye', { server: this.config.serverName });
		await this.tagged(tag, 'logout');
		this.close('The client logged out (LOGOUT, RFC 3501 §6.1.3)');
	}

	// --- log-in ---------------------------------------------------------------------------

	async #login(command: CommandOf<'LOGIN'>): Promise<void> {
		if (!this.loginAllowed) return this.tagged(command.tag, 'loginDisabled', { verb: 'LOGIN' });
		await this.#logIn(command.tag, command.userid, command.password, 'loggedIn');
	}

	async #authenticate(command: CommandOf<'AUTHENTICATE'>): Promise<void> {
		if (!this.loginAllowed)
			return this.tagged(command.tag, 'loginDisabled', { verb: 'AUTHENTICATE' });
		if (command.mechanism.toUpperCase() !== 'PLAIN')
			return this.tagged(command.tag, 'authUnknownMechanism', { mechanism: command.mechanism });
		// RFC 3501 §6.2.2: an empty challenge is "+ " and nothing more.
		this.#pending = { kind: 'authenticate', tag: command.tag };
		this.#reader.expectLine();
		await this.#respond(continuation(''));
	}

	async #pendingLine(text: string): Promise<void> {
		const pending = this.#pending;
		this.#pending = null;
		if (!pending) return;
		if (pending.kind === 'idle') {
			this.recorder.clientLine(wireText(Buffer.from(text, LATIN1)), []);
			return this.#idleEnded(pending.tag, text);
		}
		// A SASL response is a credential; "*" (a cancel) is not.
		this.recorder.clientLine(wireText(Buffer.from(text, LATIN1)), [], text === '*' ? undefined : 0);
		const answer = parseAuthenticateLine(text);
		if ('cancel' in answer) return this.tagged(pending.tag, 'authCancelled');
		if ('error' in answer) return this.tagged(pending.tag, 'authNotBase64');
		// SASL PLAIN (RFC 4616 §2): [authzid] NUL authcid NUL passwd.
		const parts = Buffer.from(answer.base64, 'base64').toString('utf8').split('\0');
		if (parts.length !== 3 || !parts[1] || !parts[2])
			return this.tagged(pending.tag, 'authMalformed');
		const [authzid, user, password] = parts;
		if (authzid && authzid !== user) return this.tagged(pending.tag, 'authzidRefused');
		await this.#logIn(pending.tag, user, password, 'authenticated');
	}

	/** LOGIN and AUTHENTICATE PLAIN alike: the read account, then the authenticated state. */
	async #logIn(
		tag: string,
		user: string,
		password: string,
		success: 'loggedIn' | 'authenticated'
	): Promise<void> {
		const { live } = this;
		const result = this.mailboxes.resolveReadLogin(user, password, {
			browser: live.browser,
			ownerId: live.browser ? (live.senderOwners[0] ?? null) : null
		});
		if ('refusal' in result) {
			this.failedLogins++;
			await this.tagged(tag, result.refusal);
			if (this.failedLogins < this.config.imapMaxFailedLogins) return;
			await this.untagged('tooManyFailedLogins', { count: this.failedLogins });
			return this.close(
				`${this.failedLogins} failed log-ins (IMAP_MAX_FAILED_LOGINS): the server closed the session`
			);
		}
		const { account } = result;
		this.account = account;
		this.state = 'authenticated';
		// A personal or class login makes the session its owner's, as SMTP AUTH does.
		if (account.kind !== 'shared' && account.ownerId) {
			if (!live.senderOwners.includes(account.ownerId)) live.senderOwners.push(account.ownerId);
			this.server.deps.store.claimSession(live.recorder.id, account.ownerId);
		}
		await this.tagged(tag, success, { user });
		live.recorder.authenticated(user);
	}

	// --- IDLE ------------------------------------------------------------------------------

	/** RFC 2177 §3: "+ idling", then untagged updates as they happen, until "DONE". */
	async #idle(tag: string): Promise<void> {
		this.#pending = { kind: 'idle', tag };
		this.#reader.expectLine();
		await this.#respond(continuation(IDLE_CONTINUATION));
		const view = this.selected;
		if (!view) return;
		const listener = () => void this.#reportChanges();
		this.#idleListener = listener;
		view.on('change', listener);
		// What changed between the last command and IDLE goes out at once.
		await this.#reportChanges();
	}

	async #idleEnded(tag: string, line: string): Promise<void> {
		this.#stopIdle();
		await this.tagged(tag, isIdleDone(line) ? 'idleDone' : 'idleNotDone');
	}

	#stopIdle(): void {
		if (this.#idleListener) this.selected?.off('change', this.#idleListener);
		this.#idleListener = null;
	}

	/**
	 * Untagged EXPUNGE, EXISTS, RECENT and FETCH FLAGS for what other sessions (or new mail, or
	 * POP3) changed in the selected folder since this session last heard (§5.2, §7.3.1, §7.4.1).
	 */
	#reportChanges(): Promise<void> {
		// One report at a time, in order: IDLE's change events and a tagged completion never
		// interleave their lines, and a completion waits for a report already under way.
		const report = this.#reporting.then(() => this.#writeChanges());
		this.#reporting = report.catch(() => undefined);
		return report;
	}

	async #writeChanges(): Promise<void> {
		const view = this.selected;
		if (!view || this.#closed) return;
		const changes = view.sync();
		for (const seq of changes.expunged) await this.data(seq, atom('EXPUNGE'));
		if (changes.exists !== null) {
			await this.data(changes.exists, atom('EXISTS'));
			await this.data(changes.recent ?? 0, atom('RECENT'));
		}
		for (const entry of changes.flags)
			await this.send(fetchResponse(entry.seq, [['FLAGS', entry.flags.map(atom)]]));
	}

	// --- STARTTLS ---------------------------------------------------------------------------

	/**
	 * STARTTLS answered OK: the TLS handshake starts on this connection (RFC 3501 §6.2.1).
	 * Whatever the client sent after STARTTLS in plaintext, before the handshake, is discarded,
	 * never read as a command inside TLS (the STARTTLS command injection class, CVE-2011-0411).
	 */
	async #startTls(tag: string): Promise<void> {
		if (this.secure) return this.tagged(tag, 'starttlsActive');
		const raw = this.#socket;
		const { recorder } = this;
		raw.pause();
		raw.removeListener('data', this.#onData);
		raw.removeListener('timeout', this.#onIdle);
		raw.setTimeout(0);
		this.upgrading = true;
		const discarded = this.#reader.buffered;
		this.#reader = this.#newReader();
		const ok = taggedResponse(tag, 'OK', imapReplyText('starttls'));
		recorder.serverResponse([Buffer.from(ok).toString(LATIN1).trimEnd()]);
		if (discarded)
			recorder.system(
				'note',
				`${discarded} bytes sent in plaintext after STARTTLS, before the TLS handshake, were discarded by the server (RFC 3501 §6.2.1: the client waits for the tagged OK, then negotiates TLS)`
			);
		recorder.system(
			'starttls',
			'The server agreed (OK): the TLS handshake starts now, and everything after it is encrypted on the wire (RFC 3501 §6.2.1).'
		);
		await this.#write(ok);
		if (this.#closed || raw.destroyed) return;
		// The tap's carrier lets the wire tap count the handshake and records (server/sandbox/wireTap.ts).
		raw.removeAllListeners('data');
		const secure = new tls.TLSSocket(this.live.tap ? this.live.tap.carrier(raw) : raw, {
			isServer: true,
			secureContext: this.server.secureContext
		});
		secure.on('error', () => raw.destroy());
		secure.once('secure', () => {
			this.#socket = secure;
			this.upgrading = false;
			recorder.tlsStarted(secure.getProtocol() ?? 'TLS', secure.getCipher()?.name ?? '');
			this.#listen(secure);
		});
	}

	// --- writing ----------------------------------------------------------------------------

	async data(...values: ImapValue[]): Promise<void> {
		await this.#respond(untaggedData(...values));
	}

	async send(response: Uint8Array, messageId?: string): Promise<void> {
		await this.#respond(response, messageId);
	}

	async tagged(
		tag: string,
		reply: ImapReplyName,
		values: Record<string, string | number> = {},
		code?: ResponseCode
	): Promise<void> {
		if (this.selected && mayReportChanges(this.#current)) await this.#reportChanges();
		else await this.#reporting;
		this.#current = null;
		const row = IMAP_REPLIES[reply];
		const status = row.status === 'OK' || row.status === 'NO' ? row.status : 'BAD';
		const withCode = code ?? ('code' in row ? { code: row.code } : undefined);
		await this.#respond(taggedResponse(tag, status, imapReplyText(reply, values), withCode));
	}

	async untagged(
		reply: ImapReplyName,
		values: Record<string, string | number> = {},
		code?: ResponseCode
	): Promise<void> {
		const row = IMAP_REPLIES[reply];
		const withCode = code ?? ('code' in row ? { code: row.code } : undefined);
		await this.#respond(untaggedStatus(row.status, imapReplyText(reply, values), withCode));
	}

	enter(state: ImapState, selected: FolderView | null = null): void {
		if (this.selected && this.selected !== selected) {
			this.#stopIdle();
			this.selected.close();
		}
		this.state = state;
		this.selected = state === 'selected' ? selected : null;
	}

	/** Records one response (a literal in it as content) and writes it, waiting for 'drain'. */
	async #respond(response: Uint8Array, messageId?: string): Promise<void> {
		if (this.#closed) return;
		recordResponse(this.recorder, Buffer.from(response), messageId);
		await this.#write(response);
	}

	/** Writes, and waits for 'drain' when the socket's buffer is full (or for the close). */
	#write(data: Uint8Array): Promise<void> {
		if (this.#closed) return Promise.resolve();
		if (this.#socket.write(data)) return Promise.resolve();
		const socket = this.#socket;
		return new Promise((resolve) => {
			const done = () => {
				socket.off('drain', done);
				socket.off('close', done);
				resolve();
			};
			socket.on('drain', done);
			socket.on('close', done);
		});
	}

	/** Ends the session after a last response: `reason` is what the session list says. */
	close(reason: string): void {
		this.live.endReason ??= reason;
		this.#closed = true;
		const socket = this.#socket;
		socket.end();
		setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
	}

	/** The lifetime limit or shutdown: "* BYE" with the reason (RFC 3501 §7.1.5), then the close. */
	async closeWith(reason: string): Promise<void> {
		if (this.#closed) return;
		await this.untagged('closing', { reason });
		this.close(reason);
	}

	#onClose(): void {
		this.#closed = true;
		this.#pending = null;
		this.#stopIdle();
		this.selected?.close();
	}
}

/**
 * One response for the recorder: its lines, and a literal in it (a FETCH's BODY[], §7.4.2) as
 * content, the rest of its line after it as the closing line.
 */
function recordResponse(
	recorder: LiveSession['recorder'],
	bytes: Buffer,
	messageId?: string
): void {
	const lines: string[] = [];
	let at = 0;
	const nextLine = (): string => {
		const lf = bytes.indexOf(0x0a, at);
		const end = lf < 0 ? bytes.length : lf + 1;
		const line = bytes
			.subarray(at, end)
			.toString(LATIN1)
			.replace(/\r?\n$/, '');
		at = end;
		return line;
	};
	const announced = (line: string): number | null => {
		const literal = /\{(\d+)\}$/.exec(line);
		return literal ? Number(literal[1]) : null;
	};
	while (at < bytes.length) {
		const line = nextLine();
		lines.push(line);
		// A literal, then the rest of its line, which may announce the next (BODY[HEADER] BODY[TEXT]).
		for (let octets = announced(line); octets !== null;) {
			const content = bytes.subarray(at, at + octets);
			at += content.length;
			const rest = nextLine();
			recorder.serverResponse(lines.splice(0), {
				bytes: content,
				closing: rest,
				...(messageId ? { messageId } : {})
			});
			octets = announced(rest);
		}
	}
	if (lines.length) recorder.serverResponse(lines);
}

/**
 * Where LOGIN's password starts in a command's text (literals inline), so everyone but the owner
 * sees it masked: after the tag, "LOGIN", and the userid (an atom, a quoted string or a
 * literal, §9 astring). Undefined for other commands, or before the password has been sent.
 */
function credentialOffset(text: string): number | undefined {
	const head = /^\S+ LOGIN /i.exec(text);
	if (!head) return undefined;
	let i = head[0].length;
	if (text[i] === '"') {
		for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
		i++;
	} else if (text[i] === '{') {
		const literal = /^\{(\d+)\}/.exec(text.slice(i));
		if (!literal) return undefined;
		i += literal[0].length + Number(literal[1]);
	} else {
		while (i < text.length && text[i] !== ' ') i++;
	}
	return text[i] === ' ' && i + 1 < text.length ? i + 1 : undefined;
}

/** The states a command is valid in: the session's own, or its command table row's. */
export function commandStates(name: string): readonly ImapState[] | undefined {
	return (
		SESSION_STATES[name as SessionCommandName] ??
		IMAP_COMMAND_TABLE.get(name as ImapCommand['name'])?.states
	);
}

/**
 * §7.4.1: no untagged EXPUNGE while answering FETCH, STORE or SEARCH (their UID forms may have
 * them), since the client's sequence numbers must stay put; sync() reports expunges with the rest,
 * so those commands leave every change for the next one.
 */
function mayReportChanges(command: ImapCommand | null): boolean {
	if (!command) return true;
	if (command.name === 'FETCH' || command.name === 'STORE' || command.name === 'SEARCH')
		return command.uid;
	return true;
}
