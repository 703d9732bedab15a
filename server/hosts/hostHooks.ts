/**
 * A sandbox mail host's answers at smtp-server's hooks: the checks every server here makes
 * (server/sandbox/hooks.ts), then the host's own policy: its domains only, greylisting when its
 * row says so, loop detection and SPF/DKIM/DMARC after DATA, and final delivery to the mailbox.
 */
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { MailHostRow } from '../../src/lib/delivery/mailHosts';
import type { LabConfig } from '../config';
import { newId } from '../ids';
import type { QueueClock } from '../queue/queueClock';
import type { Delivery } from '../sandbox/delivery';
import {
	checkAtMx,
	mailFromRefusal,
	rcptRefusal,
	recordRecipient,
	tapTlsSocket
} from '../sandbox/hooks';
import { assembleMessage, readData, type ReceivedMessage } from '../sandbox/messageAssembly';
import type { MessageAuthentication } from '../sandbox/messageAuthentication';
import { domainOf, isBarePostmaster, teachingMailbox, type Greylist } from '../sandbox/policy';
import { replyError, replyText, SANDBOX_REPLIES } from '../sandbox/replies';
import type { LiveSession, LiveSessions } from '../sandbox/sessions';
import { declaredSize, type StorageQuota } from '../sandbox/storageQuota';
import type { LabStore } from '../store/labStore';
import { countReceivedFields } from './hostPolicy';

export interface HostHooksDeps {
	host: MailHostRow;
	/** The domains routed to this host (hostPolicy.ts). */
	domains: ReadonlySet<string>;
	config: LabConfig;
	store: LabStore;
	sessions: LiveSessions;
	delivery: Delivery;
	quota: StorageQuota;
	queueClock: QueueClock;
	/** Set for a greylisting host: first tries wait in queue time. */
	greylist: Greylist | null;
	/** Set for a tarpitting host: runs `proceed` after the host's delay. */
	tarpit: ((proceed: () => void) => void) | null;
	/** Set for a mailing list's host: the list addresses, the only mailboxes at its domains. */
	lists?: readonly string[];
	/** Its checks of SPF, DKIM and DMARC, as an MX (issue 20). */
	authentication: MessageAuthentication;
}

type ReplyError = Error & { responseCode: number };

export function mailHostHooks(deps: HostHooksDeps): Partial<SMTPServerOptions> {
	const { sessions, tarpit } = deps;
	return {
		// A tarpit is slow from the greeting on.
		...(tarpit ? { onConnect: (_session, callback) => tarpit(() => callback()) } : {}),
		onSecure: tapTlsSocket(sessions),
		onMailFrom: (address, session, callback) => {
			const live = sessions.get(session.id);
			if (live) live.recipients = [];
			callback(
				mailFromRefusal(address) ?? deps.quota.mailRefusal(declaredSize(address.args)) ?? undefined
			);
		},
		onRcptTo: (address, session, callback) => {
			const live = sessions.get(session.id);
			const error =
				rcptRefusal(address, session) ??
				recipientRefusal(address.address, session, live, deps) ??
				deps.quota.recipientRefusal(
					address.address,
					live?.senderOwners ?? [],
					declaredSize(session.envelope.mailFrom && session.envelope.mailFrom.args)
				);
			recordRecipient(live, address, error);
			callback(error ?? undefined);
		},
		onData: (stream, session, callback) => {
			const live = sessions.get(session.id);
			const id = newId();
			live?.recorder.setPendingMessageId(id);
			const reply: typeof callback = tarpit
				? (error, message) => tarpit(() => callback(error, message))
				: callback;
			const limit = deps.config.maxMessageBytes;
			readData(stream, limit, (raw) => {
				if (!raw) return reply(replyError('messageTooBig', { limit }));
				const socketTls = live ? deps.store.sessions.get(live.recorder.id)?.summary.tls : null;
				const message = assembleMessage(id, 'mx', raw, session, live, socketTls?.protocol ?? null);
				const count = countReceivedFields(raw);
				const loopLimit = deps.config.maxReceivedFields;
				if (count >= loopLimit) {
					const values = { count, limit: loopLimit };
					deps.delivery.refuse(
						message,
						`${SANDBOX_REPLIES.routingLoop.code} ${replyText('routingLoop', values)}`
					);
					return reply(replyError('routingLoop', values));
				}
				// An MX hop: the reply depends on its checks of SPF, DKIM and DMARC (issue 20).
				const accepted = (stored: ReceivedMessage) => {
					reply(null, `Queued as ${id}: the message is now this server's responsibility`);
					deps.delivery.accept(stored);
				};
				void checkAtMx(message, deps.host.name, deps).then(
					(checked) => ('refusal' in checked ? reply(checked.refusal) : accepted(checked.message)),
					// check() answers for its own failures; should even that fail, the message is kept.
					() => accepted(message)
				);
			});
		},
		onClose: (session) => sessions.end(session.id)
	};
}

/** Its own domains only (else relaying, refused); a greylisting host defers a first try. */
function recipientRefusal(
	address: string,
	session: SMTPServerSession,
	live: LiveSession | undefined,
	deps: HostHooksDeps
): ReplyError | null {
	const domain = domainOf(address);
	// RFC 5321 §4.5.1: every server accepts the bare "Postmaster" as its own.
	if (!isBarePostmaster(address) && !deps.domains.has(domain))
		return replyError('relayDenied', { domain: domain || '(no domain)' });
	// A list's host has no mailboxes but its lists' (and postmaster, RFC 5321 §4.5.1).
	const postmaster = isBarePostmaster(address) || /^postmaster@/i.test(address);
	if (deps.lists && !postmaster && !deps.lists.includes(address.toLowerCase()))
		return replyError('notAListAddress', { host: deps.host.name, lists: deps.lists.join(', ') });
	// The teaching mailboxes are at every sandbox domain: unknown@ refused for good, full@ for now.
	const mailbox = teachingMailbox(address);
	if (mailbox?.behaviour === 'refuse') return replyError('unknownUser');
	if (mailbox?.behaviour === 'defer') return replyError('mailboxFull');
	if (!deps.greylist) return null;
	const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
	const wait = deps.greylist.check(
		live?.clientAddress ?? '',
		sender,
		address,
		// A fast-forwarded journey's hop comes in its journey's time (OutgoingQueue.fastForward).
		deps.queueClock.now() + (live?.skippedMs ?? 0)
	);
	return wait > 0 ? replyError('hostGreylisted', { host: deps.host.name, seconds: wait }) : null;
}
