/**
 * The sandbox's answers at smtp-server's hooks for one listener: AUTH against the sandbox
 * accounts, the recorder's tap on the socket STARTTLS makes, MAIL and RCPT against the
 * advertised extensions, the sandbox policy and the storage quotas (storageQuota.ts), DATA (spam
 * test, then delivery) and the session's end.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import type { SMTPServerAddress, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { Listener } from '../../src/lib/listeners';
import type { ClassDirectory } from '../classes/classDirectory';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import { newId } from '../ids';
import type { OwnerDirectory } from '../owners/ownerDirectory';
import type { LabStore } from '../store/labStore';
import type { Delivery } from './delivery';
import { assembleMessage, readData, type ReceivedMessage } from './messageAssembly';
import type { MessageAuthentication } from './messageAuthentication';
import { identifyLogin, loginRefusal } from '../owners/logins';
import {
	domainOf,
	type Greylist,
	GTUBE,
	isFixedSandboxDomain,
	isLocalRecipient,
	isRemoteSandboxRecipient,
	localPartOf,
	teachingMailbox
} from './policy';
import { classWideAddress, isClassDomain } from '../../src/lib/classes';
import { replyError, replyText, SANDBOX_REPLIES } from './replies';
import type { LiveSession, LiveSessions } from './sessions';
import { declaredSize, type StorageQuota } from './storageQuota';

export interface HooksDeps {
	config: LabConfig;
	store: LabStore;
	clock: Clock;
	sessions: LiveSessions;
	greylist: Greylist;
	delivery: Delivery;
	owners: OwnerDirectory;
	classes: ClassDirectory;
	quota: StorageQuota;
	/** The outgoing queue's checks at MAIL and RCPT (server/queue/outgoingQueue.ts). */
	outgoing?: OutgoingChecks;
	/** DKIM signing at submission, SPF/DKIM/DMARC checks at the mx listener (issue 20). */
	authentication: MessageAuthentication;
}

/** What the outgoing queue checks while the client waits: null MX, a full queue. */
export interface OutgoingChecks {
	recipientRefusal(address: string, owners: string[]): (Error & { responseCode: number }) | null;
	senderRefusal(address: string, owners: string[]): (Error & { responseCode: number }) | null;
}

export type SandboxHooks = Pick<
	SMTPServerOptions,
	'onAuth' | 'onSecure' | 'onMailFrom' | 'onRcptTo' | 'onData' | 'onClose'
>;

/**
 * MAIL and RCPT parameters of the extensions EHLO advertises: smtp-server passes any other on,
 * and RFC 5321 §4.1.1.11 answers 555 to them.
 */
const MAIL_PARAMETERS = [
	'SIZE', // RFC 1870
	'BODY', // RFC 6152 8BITMIME
	'SMTPUTF8', // RFC 6531
	'RET', // RFC 3461 DSN
	'ENVID' // RFC 3461 DSN
];
const RCPT_PARAMETERS = [
	'NOTIFY', // RFC 3461 DSN
	'ORCPT' // RFC 3461 DSN
];

const GTUBE_BYTES = Buffer.from(GTUBE);
const NON_ASCII = /[^\p{ASCII}]/u;

export function sandboxHooks(spec: Listener, deps: HooksDeps): SandboxHooks {
	const { sessions } = deps;
	return {
		onAuth: (auth, session, callback) => {
			const live = sessions.get(session.id);
			if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN')
				return callback(replyError('badCredentials'));
			const user = auth.username ?? '';
			const login = identifyLogin(user, auth.password ?? '', deps);
			const refusal = loginRefusal(login, deps.config.visibility, live?.browser ?? false);
			if (refusal) return callback(replyError(refusal));
			// A personal login, or a student's (their class address), makes the session, and what it
			// sends, its owner's.
			const owner = login && login.kind !== 'shared' ? login.owner : undefined;
			if (owner && live) {
				if (!live.senderOwners.includes(owner.id)) live.senderOwners.push(owner.id);
				deps.store.claimSession(live.recorder.id, owner.id);
			}
			live?.recorder.authenticated(user);
			callback(null, { user });
		},
		onSecure: tapTlsSocket(sessions),
		onMailFrom: (address, session, callback) => {
			const live = sessions.get(session.id);
			if (live) live.recipients = [];
			callback(
				mailFromRefusal(address) ??
					deps.outgoing?.senderRefusal(address.address, live?.senderOwners ?? []) ??
					deps.quota.mailRefusal(declaredSize(address.args)) ??
					undefined
			);
		},
		onRcptTo: (address, session, callback) => {
			const live = sessions.get(session.id);
			const error =
				rcptRefusal(address, session) ??
				checkRecipient(spec, address.address, session, live, deps) ??
				deps.quota.recipientRefusal(
					address.address,
					live?.senderOwners ?? [],
					declaredSize(session.envelope.mailFrom && session.envelope.mailFrom.args)
				);
			// A recipient at a personal domain, or a student's address, makes the session visible to
			// that owner.
			const recipientOwner = error
				? undefined
				: (deps.owners.ownerOfAddress(address.address)?.id ??
					deps.classes.studentOfAddress(address.address)?.ownerId);
			if (recipientOwner && live) deps.store.claimSession(live.recorder.id, recipientOwner);
			recordRecipient(live, address, error);
			callback(error ?? undefined);
		},
		onData: (stream, session, callback) => {
			const live = sessions.get(session.id);
			const id = newId();
			live?.recorder.setPendingMessageId(id);
			const limit = deps.config.maxMessageBytes;
			readData(stream, limit, (raw) => {
				if (!raw) return callback(replyError('messageTooBig', { limit }));
				const socketTls = live ? deps.store.sessions.get(live.recorder.id)?.summary.tls : null;
				const message = assembleMessage(
					id,
					spec.name,
					raw,
					session,
					live,
					socketTls?.protocol ?? null
				);
				if (raw.includes(GTUBE_BYTES)) {
					const row = SANDBOX_REPLIES.spamRefused;
					deps.delivery.refuse(message, `${row.code} ${replyText('spamRefused')}`);
					return callback(replyError('spamRefused'));
				}
				const accepted = (stored: ReceivedMessage) => {
					// The reply goes out first (the callback writes it): storing and telling watchers is
					// this server's work, not something the client should wait for.
					callback(null, `Queued as ${id}: the message is now this server's responsibility`);
					deps.delivery.accept(stored);
				};
				// Submission signs what it takes on (RFC 6376 §5) before it stores and queues it; the
				// mx listener is an MX hop: it checks the message, and the reply depends on the verdict.
				if (spec.auth)
					void deps.authentication.sign(raw).then(
						(signed) => accepted({ ...message, raw: signed }),
						// A signature that cannot be made leaves the message unsigned, never lost.
						() => accepted(message)
					);
				else
					void checkAtMx(message, deps.config.serverName, deps).then(
						(checked) =>
							'refusal' in checked ? callback(checked.refusal) : accepted(checked.message),
						// check() answers for its own failures; should even that fail, the message is kept.
						() => accepted(message)
					);
			});
		},
		onClose: (session) => sessions.end(session.id)
	};
}

/**
 * An MX hop's checks (issue 20), after DATA and before its reply, as the host `authservId`: the
 * message gets its report and trace fields (forged Authentication-Results removed). A rejecting
 * decision is one reply for the whole message (RFC 5321 §4.2.5), and the message is stored as
 * refused so its page shows why; otherwise the message to deliver, its decision kept (junk).
 */
export async function checkAtMx(
	message: ReceivedMessage,
	authservId: string,
	deps: { authentication: MessageAuthentication; delivery: Delivery }
): Promise<{ refusal: ReplyError } | { message: ReceivedMessage }> {
	// The questions are the message's: its owners, its journey when it is a hop of one.
	const context = {
		owners: deps.delivery.ownersOf(message),
		...(message.journeyId ? { journeyId: message.journeyId } : {})
	};
	const { raw, authentication } = await deps.authentication.check(message, authservId, context);
	const checked: ReceivedMessage = { ...message, raw, authentication };
	const { reply } = authentication.report.decision;
	if (!reply) return { message: checked };
	deps.delivery.refuse(checked, reply);
	return {
		refusal: Object.assign(new Error(reply.slice(4)), { responseCode: Number(reply.slice(0, 3)) })
	};
}

function checkRecipient(
	spec: Listener,
	address: string,
	session: SMTPServerSession,
	live: LiveSession | undefined,
	deps: HooksDeps
): ReplyError | null {
	const domain = domainOf(address);
	if (!isLocalRecipient(address)) {
		// Authenticated submission may address the world: the outgoing queue takes a remote
		// sandbox domain's mail on; an outside domain's goes to the outbox, never out.
		if (spec.auth && session.user)
			return isRemoteSandboxRecipient(address)
				? (deps.outgoing?.recipientRefusal(address, live?.senderOwners ?? []) ?? null)
				: null;
		return replyError('relayDenied', { domain: domain || '(no domain)' });
	}
	if (isClassDomain(domain)) {
		const room = deps.classes.classOfDomain(domain);
		if (!room) return replyError('noSuchClass', { domain });
		// The class-wide address is the teacher's to send to: by a personal login or their browser.
		if (deps.classes.classOfClassWideAddress(address))
			return live?.senderOwners.includes(room.teacherOwnerId)
				? null
				: replyError('classWideTeacherOnly', { address: classWideAddress(room.code) });
		if (!deps.classes.studentOfAddress(address))
			return replyError('unknownStudent', {
				code: room.code,
				nickname: localPartOf(address),
				domain
			});
		return null;
	}
	// Under .test only the names the sandbox DNS answers for are its own (server/dns/sandboxZone.ts):
	// the fixed domains, and a personal domain while its owner exists.
	if (domain && !isFixedSandboxDomain(domain) && !deps.store.ownerByDomain(domain))
		return spec.auth && session.user
			? replyError('noSuchDomain', { domain })
			: replyError('relayDenied', { domain });
	const mailbox = teachingMailbox(address);
	if (mailbox?.behaviour === 'refuse') return replyError('unknownUser');
	if (mailbox?.behaviour === 'defer') return replyError('mailboxFull');
	if (mailbox?.behaviour === 'greylist') {
		const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
		const wait = deps.greylist.check(live?.clientAddress ?? '', sender, address, deps.clock.now());
		return wait > 0 ? replyError('greylisted', { seconds: wait }) : null;
	}
	return null;
}

type ReplyError = Error & { responseCode: number };
type Hook<Name extends keyof SMTPServerOptions> = NonNullable<SMTPServerOptions[Name]>;

/** STARTTLS: the recorder reads the TLS socket's plaintext as it read the plain socket's bytes. */
export function tapTlsSocket(sessions: LiveSessions): Hook<'onSecure'> {
	return (socket, session, callback) => {
		const live = sessions.get(session.id);
		if (live && !live.tappedSockets.has(socket as net.Socket)) {
			const tlsSocket = socket as tls.TLSSocket;
			tlsSocket.on('error', () => undefined);
			live.tappedSockets.add(tlsSocket);
			tlsSocket.on('data', (chunk: Buffer) => live.recorder.tap.feed(chunk));
			live.recorder.tlsStarted(tlsSocket.getProtocol() ?? 'TLS', tlsSocket.getCipher()?.name ?? '');
		}
		callback();
	};
}

/** MAIL FROM's checks on every server here: advertised parameters only, SMTPUTF8 for non-ASCII. */
export function mailFromRefusal(address: SMTPServerAddress): ReplyError | null {
	const unadvertised = unadvertisedParameter(address.args, MAIL_PARAMETERS);
	if (unadvertised) return replyError('unadvertisedParameter', { name: unadvertised });
	if (
		NON_ASCII.test(address.address) &&
		!((address.args as Record<string, unknown> | false) || {}).SMTPUTF8
	)
		return replyError('nonAsciiAddress');
	return null;
}

/** RCPT TO's checks on every server here: advertised parameters only, SMTPUTF8 for non-ASCII. */
export function rcptRefusal(
	address: SMTPServerAddress,
	session: SMTPServerSession
): ReplyError | null {
	const unadvertised = unadvertisedParameter(address.args, RCPT_PARAMETERS);
	if (unadvertised) return replyError('unadvertisedParameter', { name: unadvertised });
	const mailArgs = (session.envelope.mailFrom && session.envelope.mailFrom.args) || {};
	if (NON_ASCII.test(address.address) && !(mailArgs as Record<string, unknown>).SMTPUTF8)
		return replyError('nonAsciiAddress');
	return null;
}

/** Adds a RCPT TO to the session's transaction with its outcome and DSN parameters (RFC 3461). */
export function recordRecipient(
	live: LiveSession | undefined,
	address: SMTPServerAddress,
	error: ReplyError | null
): void {
	const args = (address.args ?? {}) as Record<string, string>;
	const dsn = address.dsn;
	live?.recipients.push({
		address: address.address,
		outcome: error ? (error.responseCode < 500 ? 'deferred' : 'refused') : 'delivered',
		reply: error ? `${error.responseCode} ${error.message}` : '250 2.1.5 Accepted',
		...(dsn?.notify
			? { notify: dsn.notify }
			: args.NOTIFY
				? { notify: args.NOTIFY.toUpperCase().split(',') }
				: {}),
		...((dsn?.orcpt ?? args.ORCPT) ? { orcpt: dsn?.orcpt ?? args.ORCPT } : {})
	});
}

function unadvertisedParameter(args: unknown, advertised: string[]): string | null {
	if (!args || typeof args !== 'object') return null;
	return Object.keys(args).find((key) => !advertised.includes(key.toUpperCase())) ?? null;
}
