/**
 * The sandbox: the SMTP listeners on smtp-server and the POP3 listeners on server/pop3, wired
 * together here. The parts, one job each: listeners.ts (sockets, implicit TLS, session limits),
 * sessions.ts (open sessions),
 * hooks.ts (AUTH, MAIL, RCPT, DATA), connection.ts (replies and commands the sandbox answers
 * itself), messageAssembly.ts and delivery.ts (the message and its fate).
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Listener } from '../../src/lib/listeners';
import type { ListenerName } from '../../src/lib/messages';
import type { ClassDirectory } from '../classes/classDirectory';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import type { OwnerDirectory } from '../owners/ownerDirectory';
import { ImapServer, type ImapMailboxes } from '../imap/imapServer';
import { MaildropLocks, Pop3Server, type Pop3Mailboxes } from '../pop3/pop3Server';
import type { Annotator } from '../recorder/sessionRecorder';
import type { LabStore, StoredMessage } from '../store/labStore';
import type { TlsMaterial } from '../tls/certificate';
import type { ClientAddressRegistry } from './clientAddresses';
import { adoptConnection } from './connection';
import { Delivery } from './delivery';
import type { ReceivedMessage } from './messageAssembly';
import type { MessageAuthentication } from './messageAuthentication';
import { sandboxHooks, type OutgoingChecks } from './hooks';
import { Listeners } from './listeners';
import { Greylist } from './policy';
import { LiveSessions } from './sessions';
import { StorageQuota } from './storageQuota';
import { assertSmtpServerVersion, onEachConnection, replyLogger } from './smtpServerPatches';

export interface SandboxDeps {
	config: LabConfig;
	store: LabStore;
	tls: TlsMaterial;
	clients: ClientAddressRegistry;
	createAnnotator: (listener: ListenerName) => Annotator;
	clock: Clock;
	owners: OwnerDirectory;
	classes: ClassDirectory;
	/** The read side's mailboxes (server/mailboxes/), which the POP3 and IMAP listeners serve. */
	mailboxes: Pop3Mailboxes & ImapMailboxes;
	/** The outgoing queue (server/queue/): mail submitted for remote sandbox domains goes on there. */
	outgoing?: OutgoingChecks & {
		enqueue(message: ReceivedMessage, stored: StoredMessage): void;
	};
	/** DKIM signing at submission, SPF/DKIM/DMARC checks at the mx listener (issue 20). */
	authentication: MessageAuthentication;
}

export class Sandbox {
	readonly sessions: LiveSessions;
	/**
	 * The owners whose mailbox an address is: a personal domain's (server/owners/ownerDirectory.ts),
	 * a student's, every student of a class for its class-wide address (server/classes/).
	 */
	readonly ownersOfAddress: (address: string) => string[];
	#listeners: Listeners;

	constructor(readonly deps: SandboxDeps) {
		assertSmtpServerVersion();
		const { config, store, clock } = deps;
		const sessions = new LiveSessions(deps);
		// One lock table for pop3 and pop3s: a maildrop is open in one session at a time.
		const maildropLocks = new MaildropLocks(config.pop3LoginDelaySeconds * 1000);
		this.sessions = sessions;
		this.ownersOfAddress = (address) => {
			const owner = deps.owners.ownerOfAddress(address)?.id;
			return owner ? [owner] : deps.classes.mailboxOwnersOf(address);
		};
		const hookDeps = {
			config,
			store,
			clock,
			sessions,
			greylist: new Greylist(config.greylistSeconds),
			delivery: new Delivery(store, config.serverName, this.ownersOfAddress, deps.outgoing),
			owners: deps.owners,
			classes: deps.classes,
			outgoing: deps.outgoing,
			authentication: deps.authentication,
			quota: new StorageQuota(config, store, (address) => deps.classes.mailboxOwnersOf(address))
		};
		this.#listeners = new Listeners({
			...deps,
			sessions,
			smtpServerOf: (spec) => {
				const smtp = new SMTPServer(
					smtpServerOptions(
						spec,
						config.serverName,
						{ ...deps, sessions },
						sandboxHooks(spec, hookDeps)
					)
				);
				// Client resets and failed handshakes surface here; they end one session, never the server.
				smtp.on('error', () => undefined);
				onEachConnection(smtp, (connection) => adoptConnection(spec, connection, sessions));
				return smtp;
			},
			pop3ServerOf: (spec) => new Pop3Server(spec, { ...deps, sessions, locks: maildropLocks }),
			imapServerOf: (spec) => new ImapServer(spec, { ...deps, sessions })
		});
	}

	port(name: ListenerName): number {
		return this.#listeners.port(name);
	}

	listen(portOf: (name: ListenerName) => number, host: string): Promise<void> {
		return this.#listeners.listen(portOf, host);
	}

	/** Stops accepting, answers 421 to open sessions (BAD-INPUTS W12), then closes their sockets. */
	async close(): Promise<void> {
		const stopped = this.#listeners.stopAccepting();
		this.sessions.shutDown('Server shutting down');
		// Give the 421s a moment to reach the clients, then close what is left.
		await new Promise((resolve) => setTimeout(resolve, this.sessions.size ? 50 : 0));
		this.#listeners.destroySockets();
		await stopped;
	}
}

/**
 * What a server here advertises and allows, and the hooks that apply its policy: a listener of
 * the table, or a sandbox mail host (server/hosts) answering as `name` with the mx row's rules.
 */
export function smtpServerOptions(
	spec: Listener,
	name: string,
	deps: { config: LabConfig; tls: TlsMaterial; sessions: LiveSessions },
	hooks: Partial<SMTPServerOptions>
): SMTPServerOptions {
	const { config, tls: material, sessions } = deps;
	return {
		name,
		key: material.key,
		cert: material.cert,
		secure: spec.tls === 'implicit',
		// Implicit TLS is terminated by our own tls.Server, so the library gets a decrypted socket.
		secured: spec.tls === 'implicit',
		size: config.maxMessageBytes,
		maxRecipients: config.maxRecipients,
		socketTimeout: config.idleTimeoutSeconds * 1000,
		closeTimeout: 1000,
		disableReverseLookup: true,
		hideENHANCEDSTATUSCODES: false,
		hideDSN: false,
		// We teach SIZE, 8BITMIME, SMTPUTF8, PIPELINING, DSN, ENHANCEDSTATUSCODES; not REQUIRETLS.
		hideREQUIRETLS: true,
		authMethods: spec.auth ? ['PLAIN', 'LOGIN'] : [],
		authOptional: !spec.auth,
		allowInsecureAuth: false,
		disabledCommands: spec.auth ? ['WIZ', 'SHELL', 'KILL'] : ['AUTH', 'WIZ', 'SHELL', 'KILL'],
		logger: replyLogger((id, line) => sessions.replied(id, line)),
		...hooks
	};
}
