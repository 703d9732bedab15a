/**
 * The sandbox's outgoing queue (issue 17): what submission accepted for remote sandbox domains is
 * split per destination server (one copy, one transaction with all of its recipients, RFC 5321
 * §4.5.4.1), looked up in the sandbox DNS (MX, then addresses, §5.1), and handed on by a real SMTP
 * client from the outgoing server's own address; 4xx and unreachable hosts are retried on the
 * queue's clock until QUEUE_MAX_AGE, 5xx and give-ups bounce from <> to the envelope sender
 * (RFC 3464, RFC 6522), NOTIFY=DELAY gets a delay notice on the way. Each step is written into
 * the message's journey (src/lib/delivery/journey.ts), which /journey/<id> shows live.
 */
import { EventEmitter } from 'node:events';
import {
	DELAY_NOTICE_AFTER_HOURS,
	retryDelayMs,
	type Journey,
	type JourneyAttempt,
	type JourneyLeg
} from '../../src/lib/delivery/journey';
import type { MessageSummary, RecipientResult } from '../../src/lib/messages';
import type { Clock } from '../clock';
import { newId } from '../ids';
import type { LabStore, StoredMessage } from '../store/labStore';
import { composeDsn, reportMessage, type DsnRecipient } from '../sandbox/deliveryStatus';
import { storedMessage, type ReceivedMessage } from '../sandbox/messageAssembly';
import { domainOf, isLocalRecipient } from '../sandbox/policy';
import { replyError } from '../sandbox/replies';
import { remoteDomain } from '../../src/lib/delivery/mailHosts';
import { attemptHop, type HopResult, type HopTarget } from './hopAttempt';
import type { QueueClock } from './queueClock';
import type { LastTransient, QueueRecord } from './queueRecord';

/** Where the sandbox DNS routes a domain's mail (server/dns/resolver.ts answers it). */
export type MailRoute =
	| { kind: 'mx'; targets: (HopTarget & { preference: number })[] }
	| { kind: 'implicit'; target: HopTarget }
	| { kind: 'null-mx' }
	| { kind: 'nxdomain' }
	/** The domain exists but has neither MX nor address: nowhere to deliver. */
	| { kind: 'no-address' };

export interface LookupContext {
	by: 'queue' | 'submission';
	owners: string[];
	journeyId?: string;
}

export interface QueueLimits {
	/** Legs waiting at once (QUEUE_MAX_LENGTH): submission refuses more at RCPT with 452 4.3.1. */
	queueMaxLength: number;
	/** Connections the queue has open at once (QUEUE_CONCURRENCY). */
	queueConcurrency: number;
	/** Give up after this long in the queue, simulated (QUEUE_MAX_AGE_HOURS). */
	queueMaxAgeHours: number;
	/** And after this many tries of one leg, whatever the age (QUEUE_MAX_ATTEMPTS). */
	queueMaxAttempts: number;
}

/** The host a leg is sent from: its name (EHLO, Reporting-MTA) and the address it connects from. */
export interface SendingHost {
	name: string;
	address: string;
}

export interface QueueDeps {
	store: LabStore;
	clock: Clock;
	queueClock: QueueClock;
	limits: QueueLimits;
	/** The outgoing server, which sends every leg but those a mail host re-sends (a list's). */
	outgoing: SendingHost;
	resolveMail(domain: string, context: LookupContext): { route: MailRoute; lookupIds: string[] };
	/** Tells the host servers whose hop the connection from this local port is. */
	expectHop(
		localPort: number,
		hop: { owners: string[]; journeyId: string; skippedMs: number }
	): void;
	/** Owners of a local mailbox (a bounce to a sandbox sender is theirs). */
	ownersOfAddress(address: string): string[];
	/**
	 * False while this instance may not start a try: with a shared database, while it does not
	 * hold its lock (SharedPersistence.holdsLock). Absent: always.
	 */
	mayDeliver?: () => boolean;
}

/** How soon a drain put off by mayDeliver is tried again. */
const DRAIN_RETRY_MS = 500;

type ReplyError = ReturnType<typeof replyError>;

/** RFC 5321 §4.5.3.2: five minutes for the greeting and each command; a floor keeps CI calm. */
const STEP_TIMEOUT_SIMULATED_MS = 5 * 60_000;
const STEP_TIMEOUT_FLOOR_MS = 5000;

interface QueuedLeg {
	journey: Journey;
	leg: JourneyLeg;
	message: ReceivedMessage;
	/** Who connects: the outgoing server, or the mail host that re-sends (leg.resent). */
	sender: SendingHost;
	/** The bytes handed on: the submission server's Received field, then the message. */
	payload: Buffer;
	/** The recipients still to deliver. */
	pending: RecipientResult[];
	timer: (() => void) | null;
	/** The last transient reply, for a delay notice or the give-up bounce. */
	lastTransient: LastTransient | null;
}

export class OutgoingQueue extends EventEmitter<{ journey: [Journey] }> {
	readonly #journeys = new Map<string, Journey>();
	/** Each journey's submitted message, as the queue hands it on. */
	readonly #messages = new Map<string, ReceivedMessage>();
	readonly #queued = new Set<QueuedLeg>();
	readonly #waiting: QueuedLeg[] = [];
	/**
	 * Journeys another instance sends (a database shared by several): shown here, never sent here,
	 * and their records are the sender's to delete.
	 */
	readonly #shownOnly = new Set<string>();
	/** A drain put off while this instance may not deliver (QueueDeps.mayDeliver). */
	#drainLater: NodeJS.Timeout | null = null;
	#sending = 0;
	#closed = false;
	readonly #onRemoved = (what: 'session' | 'message', id: string, deleted: boolean) => {
		if (what === 'message' && deleted) this.#messageRemoved(id);
	};
	/**
	 * Another instance saved or deleted one of its journeys (several instances sharing one
	 * database): shown here as it is there, never scheduled here. A journey this instance sends
	 * that another deleted (its message deleted there) stops.
	 */
	readonly #onQueueRecord = (id: string, record: QueueRecord | null) => {
		if (this.#isSending(id)) {
			if (!record) this.#stop(id);
			return;
		}
		if (!record) {
			this.#journeys.delete(id);
			this.#shownOnly.delete(id);
			return;
		}
		this.#journeys.set(id, record.journey);
		this.#shownOnly.add(id);
		this.emit('journey', record.journey);
	};
	/** A reader read or removed one of a journey's copies: its watchers see the journey's end. */
	readonly #onMessage = (summary: MessageSummary) => {
		const journey = summary.readerActs?.length && this.#journeys.get(summary.journeyId ?? '');
		if (journey) this.emit('journey', journey);
	};

	constructor(readonly deps: QueueDeps) {
		super();
		deps.store.on('removed', this.#onRemoved);
		deps.store.on('message', this.#onMessage);
		deps.store.on('queueRecord', this.#onQueueRecord);
	}

	/**
	 * The journey as it is sent, ending at its readers (issue 18): the acts recorded on its copies
	 * (the submitted message's local deliveries, each leg's delivered copy and bounce), oldest
	 * first. Whoever may see the journey sees them: a reader's act is part of the message's story.
	 */
	withReads(journey: Journey): Journey {
		const copies = [
			journey.id,
			...journey.legs.flatMap((leg) => [leg.deliveredMessageId, leg.bounceMessageId])
		];
		const reads = copies.flatMap((messageId) =>
			messageId === null
				? []
				: (this.deps.store.messages.get(messageId)?.summary.readerActs ?? []).map((act) => ({
						...act,
						messageId
					}))
		);
		return { ...journey, reads: reads.sort((a, b) => a.at - b.at) };
	}

	journey(id: string): Journey | undefined {
		return this.#journeys.get(id);
	}

	/** The journey's own time: the queue clock's, plus how far it was fast-forwarded. */
	journeyNow(journey: Journey): number {
		return this.deps.queueClock.now() + journey.skippedMs;
	}

	/**
	 * The journey page's fast-forward: this journey's time jumps to its next try, which is made at
	 * once. Only this journey moves: the queue clock, and every other message, keep their time (the
	 * greylisting host is told the skew with the hop). Returns the simulated ms skipped, or null
	 * when nothing of it waits.
	 */
	fastForward(id: string): number | null {
		const journey = this.#journeys.get(id);
		const waiting = [...this.#queued].filter(
			(e) => e.journey === journey && e.timer !== null && e.leg.nextAttemptAt !== null
		);
		if (!journey || !waiting.length) return null;
		const next = Math.min(...waiting.map((e) => e.leg.nextAttemptAt!));
		const skipped = Math.max(0, next - this.journeyNow(journey));
		journey.skippedMs += skipped;
		for (const entry of waiting) this.#schedule(entry);
		this.#changed(journey);
		return skipped;
	}

	/** Legs waiting or being tried now. */
	get length(): number {
		return this.#queued.size;
	}

	/** Tries under way now: at most QUEUE_CONCURRENCY, each one connection. */
	get tryingNow(): number {
		return this.#sending;
	}

	/** Whether one more leg may be queued (QUEUE_MAX_LENGTH). */
	get full(): boolean {
		return this.#queued.size >= this.deps.limits.queueMaxLength;
	}

	/**
	 * At RCPT TO on submission, for a remote sandbox recipient: the MX lookup is made while the
	 * client waits, so a null MX is refused at once (556 5.1.10, RFC 7505 §4.1); a full queue says
	 * 452 4.3.1. Null when the recipient may be queued.
	 */
	recipientRefusal(address: string, owners: string[]): ReplyError | null {
		if (this.full) return replyError('queueFull', { limit: this.deps.limits.queueMaxLength });
		const domain = domainOf(address);
		const { route } = this.deps.resolveMail(domain, { by: 'submission', owners });
		return route.kind === 'null-mx' ? replyError('nullMxRecipient', { domain }) : null;
	}

	/** At MAIL FROM: a sender at a remote sandbox domain with a null MX (550 5.7.27, RFC 7505 §4.2). */
	senderRefusal(address: string, owners: string[]): ReplyError | null {
		const domain = domainOf(address);
		if (!address || !remoteDomain(domain)) return null;
		const { route } = this.deps.resolveMail(domain, { by: 'submission', owners });
		return route.kind === 'null-mx' ? replyError('nullMxSender', { domain }) : null;
	}

	/**
	 * Submission accepted `message`; `recipients` are its fates, the queued ones among them. A mail
	 * host that posts a new message (a mailing list, RFC 5321 §3.9.2) passes itself as `sender`:
	 * its legs are sent from there, and join the journey the message it took was on, if any.
	 */
	enqueue(message: ReceivedMessage, stored: StoredMessage, sender?: SendingHost): void {
		const { queueClock, clock, limits } = this.deps;
		const queued = stored.summary.recipients.filter((r) => r.outcome === 'queued');
		if (!queued.length) return;
		const simulatedNow = queueClock.now();
		const onward = sender && message.journeyId ? this.#journeys.get(message.journeyId) : undefined;
		const journey: Journey = onward ?? {
			id: message.id,
			sessionId: message.sessionId,
			from: message.envelope.mailFrom.address,
			subject: stored.summary.subject,
			queuedAt: clock.now(),
			simulatedQueuedAt: simulatedNow,
			giveUpAt: simulatedNow + limits.queueMaxAgeHours * 3_600_000,
			skippedMs: 0,
			legs: [],
			outbox: stored.summary.recipients.filter((r) => r.outcome === 'outbox').map((r) => r.address),
			local: stored.summary.recipients
				.filter((r) => r.outcome === 'delivered' || r.outcome === 'bounced')
				.map((r) => r.address)
		};
		if (!onward) {
			this.#journeys.set(journey.id, journey);
			this.#messages.set(journey.id, message);
		}
		const payload = payloadOf(stored);
		const byDomain = new Map<string, RecipientResult[]>();
		for (const r of queued) {
			const domain = domainOf(r.address);
			byDomain.set(domain, [...(byDomain.get(domain) ?? []), r]);
		}
		for (const [domain, recipients] of byDomain) {
			const { route, lookupIds } = this.deps.resolveMail(domain, {
				by: 'queue',
				owners: message.senderOwners,
				journeyId: journey.id
			});
			const leg: JourneyLeg = {
				id: newId(),
				domain,
				recipients: recipients.map((r) => r.address),
				state: 'queued',
				lookupIds,
				route: routeOf(route),
				attempts: [],
				nextAttemptAt: simulatedNow,
				deliveredMessageId: null,
				bounceMessageId: null,
				delayNoticeIds: [],
				verdict: null,
				...(sender
					? {
							resent: {
								by: sender.name,
								address: sender.address,
								messageId: message.id,
								from: message.envelope.mailFrom.address
							}
						}
					: {})
			};
			journey.legs.push(leg);
			const entry: QueuedLeg = {
				journey,
				leg,
				message,
				sender: sender ?? this.deps.outgoing,
				payload,
				pending: recipients,
				timer: null,
				lastTransient: null
			};
			if (route.kind === 'null-mx')
				this.#bounce(entry, recipients, {
					status: '5.1.10',
					diagnostic: `556 5.1.10 ${domain} has a null MX: it accepts no mail (RFC 7505)`,
					verdict: `${domain} publishes a null MX ("0 ."): nothing was tried (RFC 7505 §3).`
				});
			else if (route.kind === 'nxdomain')
				this.#bounce(entry, recipients, {
					status: '5.1.2',
					diagnostic: `550 5.1.2 ${domain}: no such domain (the DNS answered NXDOMAIN)`,
					verdict: `${domain} does not exist in DNS: no MX and no address to fall back to (RFC 5321 §5.1).`
				});
			else if (route.kind === 'no-address')
				this.#bounce(entry, recipients, {
					status: '5.4.4',
					diagnostic: `550 5.4.4 ${domain} has no MX and no address record: unable to route`,
					verdict: `${domain} exists but has neither an MX nor an address record: no implicit MX to fall back to (RFC 5321 §5.1).`
				});
			else {
				this.#queued.add(entry);
				this.#schedule(entry);
			}
		}
		this.#changed(journey);
	}

	/**
	 * Takes up what the last run left (the store's queue records): every journey is shown again,
	 * and each delivery still queued is tried at its time, or now if that has passed. Not with a
	 * database shared by several instances: there each journey is sent by one of them (adopt).
	 */
	resume(): void {
		for (const record of this.deps.store.queue.values()) this.#take(record);
	}

	/**
	 * With a database shared by several instances, at start: every journey stored is shown, none
	 * is sent: each is the instance's that queued it, or the one that took its place (adopt).
	 */
	showStored(): void {
		for (const { journey } of this.deps.store.queue.values()) {
			this.#journeys.set(journey.id, journey);
			this.#shownOnly.add(journey.id);
		}
	}

	/**
	 * Takes up exactly these journeys of a stopped instance (its queue rows are now this one's):
	 * as resume does, each delivery still queued is tried at its time, or now.
	 */
	adopt(ids: Iterable<string>): void {
		for (const id of ids) {
			const record = this.deps.store.queue.get(id);
			if (record && !this.#isSending(id)) this.#take(record);
		}
	}

	/**
	 * Whether this instance sends the journey (with several instances on one database, exactly one
	 * does): a fast-forward asked on another comes here (server/queue/journeyForward.ts).
	 */
	sends(id: string): boolean {
		return this.#isSending(id);
	}

	/** Whether this instance sends (some leg of) the journey: it schedules it, or tries it now. */
	#isSending(id: string): boolean {
		for (const entry of this.#queued) if (entry.journey.id === id) return true;
		return false;
	}

	/** Another instance deleted a journey this one sends: its legs stop, nothing more is saved. */
	#stop(id: string): void {
		for (const entry of [...this.#queued])
			if (entry.journey.id === id) {
				entry.timer?.();
				this.#queued.delete(entry);
				const waiting = this.#waiting.indexOf(entry);
				if (waiting >= 0) this.#waiting.splice(waiting, 1);
			}
		this.#journeys.delete(id);
		this.#messages.delete(id);
	}

	#take(record: QueueRecord): void {
		const { store } = this.deps;
		const { journey } = record;
		this.#journeys.set(journey.id, journey);
		this.#shownOnly.delete(journey.id);
		const submitted = store.messages.get(journey.id);
		if (submitted) this.#messages.set(journey.id, { ...record.message, raw: submitted.raw });
		for (const saved of record.legs) {
			const leg = journey.legs.find((l) => l.id === saved.id);
			if (!leg || !saved.pending.length) continue;
			// A re-sent leg carries the mail host's new message, kept in the store as well.
			const stored = leg.resent ? store.messages.get(leg.resent.messageId) : submitted;
			if (!stored) {
				leg.state = 'bounced';
				leg.nextAttemptAt = null;
				leg.verdict = 'The submitted message was deleted before the queue could deliver it.';
				continue;
			}
			const entry: QueuedLeg = {
				journey,
				leg,
				message: { ...(saved.message ?? record.message), raw: stored.raw },
				sender: leg.resent
					? { name: leg.resent.by, address: leg.resent.address }
					: this.deps.outgoing,
				payload: payloadOf(stored),
				pending: saved.pending,
				timer: null,
				lastTransient: saved.lastTransient
			};
			// A try cut short by the restart is made again.
			leg.state = 'queued';
			leg.nextAttemptAt = Math.max(leg.nextAttemptAt ?? 0, this.journeyNow(journey));
			this.#queued.add(entry);
			this.#schedule(entry);
		}
		this.#changed(journey);
	}

	/** The submitted message was deleted: a journey with nothing left to deliver goes with it. */
	#messageRemoved(id: string): void {
		const journey = this.#journeys.get(id);
		if (!journey || [...this.#queued].some((e) => e.journey === journey)) return;
		this.#journeys.delete(id);
		this.#messages.delete(id);
		// Another instance's journey: its sender hears of the removal too, and decides as here.
		if (this.#shownOnly.delete(id)) return;
		this.deps.store.deleteQueueRecord(id);
	}

	close(): void {
		this.#closed = true;
		if (this.#drainLater) clearTimeout(this.#drainLater);
		this.deps.store.off('removed', this.#onRemoved);
		this.deps.store.off('message', this.#onMessage);
		this.deps.store.off('queueRecord', this.#onQueueRecord);
		for (const entry of this.#queued) entry.timer?.();
		this.#queued.clear();
	}

	/** Tells the journey's watchers, and saves it with what it still has to deliver. */
	#changed(journey: Journey): void {
		// A journey stopped (#stop) while a try was under way is not saved again.
		if (this.#journeys.get(journey.id) !== journey) return;
		this.emit('journey', journey);
		const entries = [...this.#queued].filter((e) => e.journey === journey);
		const submitted = this.#messages.get(journey.id) ?? entries[0]?.message;
		this.deps.store.saveQueueRecord({
			journey,
			message: withoutBytes(submitted!),
			legs: entries.map((e) => ({
				id: e.leg.id,
				pending: e.pending,
				lastTransient: e.lastTransient,
				...(e.message !== submitted ? { message: withoutBytes(e.message) } : {})
			})),
			simulatedSavedAt: this.deps.queueClock.now()
		});
	}

	/** Sets the leg's timer for its next attempt, on the queue's clock. */
	#schedule(entry: QueuedLeg): void {
		entry.timer?.();
		const at =
			(entry.leg.nextAttemptAt ?? this.journeyNow(entry.journey)) - entry.journey.skippedMs;
		const due = () => {
			entry.timer = null;
			this.#waiting.push(entry);
			this.#drain();
		};
		const wait = this.deps.queueClock.realDelayUntil(at);
		if (wait > 0) entry.timer = this.deps.clock.after(wait, due);
		else {
			// Due now (a new message, a fast-forward): tried in the next turn, not on a timer.
			const immediate = setImmediate(due);
			entry.timer = () => clearImmediate(immediate);
		}
	}

	/** Starts waiting attempts up to QUEUE_CONCURRENCY. */
	#drain(): void {
		if (this.deps.mayDeliver?.() === false) {
			// Without its lock another instance may be taking this one's journeys: none is tried
			// until the lock is back (or the takeover stops this instance).
			this.#drainLater ??= setTimeout(() => {
				this.#drainLater = null;
				this.#drain();
			}, DRAIN_RETRY_MS).unref();
			return;
		}
		while (
			!this.#closed &&
			this.#sending < this.deps.limits.queueConcurrency &&
			this.#waiting.length
		) {
			const entry = this.#waiting.shift()!;
			this.#sending++;
			void this.#attempt(entry).finally(() => {
				this.#sending--;
				this.#drain();
			});
		}
	}

	async #attempt(entry: QueuedLeg): Promise<void> {
		const { leg, journey, sender } = entry;
		const { queueClock, clock } = this.deps;
		leg.state = 'sending';
		leg.nextAttemptAt = null;
		this.#changed(journey);
		const targets = this.#targetsOf(entry);
		if (targets === 'loop') {
			this.#bounce(entry, entry.pending, {
				status: '5.4.6',
				diagnostic: `554 5.4.6 mail for ${leg.domain} loops back to myself (${sender.name})`,
				verdict: `${leg.domain}'s best MX is ${sender.name}, the sending server itself: a routing loop, caught before connecting (RFC 5321 §5.1).`
			});
			return;
		}
		const dsnNotify = sameNotify(entry.pending);
		let decided: { result: HopResult; target: HopTarget } | null = null;
		for (const target of targets) {
			const at = clock.now();
			const simulatedAt = this.journeyNow(journey);
			const result = await attemptHop(
				target,
				{
					from: entry.message.envelope.mailFrom.address,
					to: entry.pending.map((r) => r.address),
					dsn: {
						...(entry.message.ret ? { ret: entry.message.ret } : {}),
						...(entry.message.envid ? { envid: entry.message.envid } : {}),
						...(dsnNotify ? { notify: dsnNotify } : {})
					}
				},
				entry.payload,
				{
					name: sender.name,
					localAddress: sender.address,
					register: (localPort) =>
						this.deps.expectHop(localPort, {
							owners: entry.message.senderOwners,
							journeyId: journey.id,
							skippedMs: journey.skippedMs
						}),
					timeoutMs: Math.max(
						STEP_TIMEOUT_FLOOR_MS,
						queueClock.realDuration(STEP_TIMEOUT_SIMULATED_MS)
					)
				}
			);
			if (this.#closed || !this.#queued.has(entry)) return;
			leg.attempts.push(this.#attemptOf(leg, target, at, simulatedAt, result));
			this.#changed(journey);
			// Past the greeting, the transaction's replies decide; before it (no connection, a 4xx
			// or 5xx greeting) the next MX may take the message (RFC 5321 §5.1).
			if (result.connected) {
				decided = { result, target };
				break;
			}
			entry.lastTransient = { reply: result.reply, host: null };
		}
		if (decided) this.#settle(entry, decided.result, decided.target);
		this.#retryOrGiveUp(entry);
	}

	/** The exchangers to try now, best first, equal preferences shuffled (RFC 5321 §5.1). */
	#targetsOf(entry: QueuedLeg): HopTarget[] | 'loop' {
		const { route } = this.deps.resolveMail(entry.leg.domain, {
			by: 'queue',
			owners: entry.message.senderOwners,
			journeyId: entry.journey.id
		});
		if (route.kind === 'implicit') return [route.target];
		if (route.kind !== 'mx') return [];
		const sorted = [...route.targets].sort(
			(a, b) => a.preference - b.preference || Math.random() - 0.5
		);
		// §5.1: an MX list naming this host keeps only the hosts preferred to it.
		const self = sorted.findIndex((t) => t.host === entry.sender.name);
		if (self === 0) return 'loop';
		return self > 0 ? sorted.slice(0, self) : sorted;
	}

	#attemptOf(
		leg: JourneyLeg,
		target: HopTarget,
		at: number,
		simulatedAt: number,
		result: HopResult
	): JourneyAttempt {
		const session = result.connected ? this.#hopSession(leg, target.host, at) : null;
		const outcome: JourneyAttempt['outcome'] = !result.connected
			? 'unreachable'
			: result.recipients.every((r) => isSuccess(r.code))
				? 'delivered'
				: result.recipients.some((r) => isTransient(r.code))
					? 'deferred'
					: result.recipients.some((r) => isSuccess(r.code))
						? 'delivered'
						: 'refused';
		return {
			number: leg.attempts.length + 1,
			at,
			simulatedAt,
			host: target.host,
			address: target.address,
			port: target.port,
			sessionId: session,
			outcome,
			reply: result.reply,
			recipients: result.recipients.map((r) => ({ address: r.address, reply: r.reply }))
		};
	}

	/** The session the destination host recorded for this try. */
	#hopSession(leg: JourneyLeg, host: string, since: number): string | null {
		let found: string | null = null;
		for (const stored of this.deps.store.sessions.values())
			if (
				stored.summary.host === host &&
				stored.summary.journeyId !== undefined &&
				this.#journeys.get(stored.summary.journeyId)?.legs.includes(leg) &&
				stored.summary.startedAt >= since - 1000
			)
				found = stored.summary.id;
		return found;
	}

	/** A transaction was answered: delivered recipients leave the leg, refused ones bounce. */
	#settle(entry: QueuedLeg, result: HopResult, target: HopTarget): void {
		const byAddress = new Map(result.recipients.map((r) => [r.address.toLowerCase(), r]));
		const reply = (r: RecipientResult) => byAddress.get(r.address.toLowerCase());
		const delivered = entry.pending.filter((r) => isSuccess(reply(r)?.code ?? null));
		const refused = entry.pending.filter((r) => isFinal(reply(r)?.code ?? null));
		entry.pending = entry.pending.filter((r) => !delivered.includes(r) && !refused.includes(r));
		if (delivered.length) {
			const copy = [...this.deps.store.messages.values()]
				.reverse()
				.find(
					(m) =>
						m.summary.journeyId === entry.journey.id &&
						m.summary.kind === 'mail' &&
						m.summary.recipients.some((r) =>
							delivered.some((d) => sameAddress(d.address, r.address))
						)
				);
			entry.leg.deliveredMessageId = copy?.summary.id ?? null;
		}
		if (refused.length) {
			const first = reply(refused[0])!;
			this.#bounce(entry, refused, {
				status: enhancedOf(first.reply) ?? '5.0.0',
				diagnostic: first.reply,
				remoteMta: target.host,
				verdict: `${target.host} refused it for good: ${first.reply} (RFC 5321 §4.2.1: a 5xx is final).`
			});
		}
		if (!entry.pending.length && !refused.length) {
			entry.leg.state = 'delivered';
			entry.leg.verdict = `Delivered by ${target.host}: ${result.reply}`;
		}
		const transient = result.recipients.find((r) => isTransient(r.code));
		if (transient) entry.lastTransient = { reply: transient.reply, host: target.host };
	}

	/** Recipients still pending: a retry on the schedule, or the give-up bounce. */
	#retryOrGiveUp(entry: QueuedLeg): void {
		const { leg, journey } = entry;
		if (!entry.pending.length) {
			this.#queued.delete(entry);
			if (leg.state === 'sending') leg.state = leg.bounceMessageId ? 'bounced' : 'delivered';
			this.#changed(journey);
			return;
		}
		const { limits } = this.deps;
		const next = this.journeyNow(journey) + retryDelayMs(leg.attempts.length + 1);
		if (next > journey.giveUpAt || leg.attempts.length >= limits.queueMaxAttempts) {
			const last = entry.lastTransient;
			this.#bounce(entry, entry.pending, {
				status: transientStatus(last),
				diagnostic: last?.reply ?? 'no attempt got an answer',
				...(last?.host ? { remoteMta: last.host } : {}),
				verdict: `Given up after ${leg.attempts.length} tries over ${hours(this.journeyNow(journey) - journey.simulatedQueuedAt)} (QUEUE_MAX_AGE ${limits.queueMaxAgeHours} h; RFC 5321 §4.5.4.1 says real servers keep trying 4–5 days). Last: ${last?.reply ?? 'none'}`
			});
			this.#queued.delete(entry);
			this.#changed(journey);
			return;
		}
		this.#delayNotice(entry);
		leg.state = 'queued';
		leg.nextAttemptAt = next;
		this.#schedule(entry);
		this.#changed(journey);
	}

	/** NOTIFY=DELAY: once the message has waited DELAY_NOTICE_AFTER_HOURS, one notice (RFC 3461 §4.1). */
	#delayNotice(entry: QueuedLeg): void {
		const { leg, journey } = entry;
		if (leg.delayNoticeIds.length) return;
		if (this.journeyNow(journey) - journey.simulatedQueuedAt < DELAY_NOTICE_AFTER_HOURS * 3_600_000)
			return;
		const asked = entry.pending.filter((r) => r.notify?.includes('DELAY'));
		if (!asked.length) return;
		const last = entry.lastTransient;
		const id = this.#report(entry, asked, 'delivery-report', {
			action: 'delayed',
			status: transientStatus(last),
			diagnostic: last?.reply,
			remoteMta: last?.host ?? undefined,
			willRetryUntil: new Date(
				journey.queuedAt +
					this.deps.queueClock.realDuration(journey.giveUpAt - this.journeyNow(journey))
			)
		});
		if (id) leg.delayNoticeIds.push(id);
	}

	#bounce(
		entry: QueuedLeg,
		recipients: RecipientResult[],
		why: { status: string; diagnostic: string; remoteMta?: string; verdict: string }
	): void {
		const { leg } = entry;
		entry.pending = entry.pending.filter((r) => !recipients.includes(r));
		leg.verdict = why.verdict;
		const failures = recipients.filter((r) => !r.notify || r.notify.includes('FAILURE'));
		const id = failures.length
			? this.#report(entry, failures, 'bounce', {
					action: 'failed',
					status: why.status,
					diagnostic: why.diagnostic,
					remoteMta: why.remoteMta
				})
			: null;
		leg.bounceMessageId = id ?? leg.bounceMessageId;
		if (!entry.pending.length) {
			leg.state = 'bounced';
			leg.nextAttemptAt = null;
		}
		this.#changed(entry.journey);
	}

	/**
	 * A DSN from <> to the envelope sender, stored in the sender's mailbox when it is the
	 * sandbox's own; never about a message from <> (RFC 5321 §4.5.5). Returns its id.
	 */
	#report(
		entry: QueuedLeg,
		recipients: RecipientResult[],
		kind: 'bounce' | 'delivery-report',
		fate: Omit<DsnRecipient, 'finalRecipient' | 'originalRecipient'>
	): string | null {
		const { message, journey } = entry;
		const sender = message.envelope.mailFrom.address;
		if (!sender) return null;
		const id = newId();
		const { store } = this.deps;
		const outgoing = entry.sender;
		const raw = composeDsn({
			reportingMta: outgoing.name,
			to: sender,
			arrivalDate: new Date(journey.queuedAt),
			envid: message.envid,
			ret: message.ret ?? 'HDRS',
			original: entry.payload,
			recipients: recipients.map((r) => ({
				finalRecipient: r.address,
				...(r.orcpt ? { originalRecipient: r.orcpt } : {}),
				...fate
			})),
			messageId: id
		});
		const local = isLocalRecipient(sender);
		const owners = new Set(message.senderOwners);
		if (local) for (const owner of this.deps.ownersOfAddress(sender)) owners.add(owner);
		const report = storedMessage(
			reportMessage(message, id, raw, outgoing),
			{
				recipients: [
					local
						? {
								address: sender,
								outcome: 'delivered',
								reply: `delivered by the sandbox (${kind} from ${outgoing.name})`
							}
						: {
								address: sender,
								outcome: 'outbox',
								reply: 'the sender is not at a sandbox domain of its own: kept, not sent'
							}
				],
				kind,
				finalDelivery: local,
				reportsOn: message.id,
				owners: [...owners]
			},
			outgoing.name
		);
		report.summary.journeyId = journey.id;
		store.addMessage(report);
		return id;
	}
}

/**
 * The bytes the queue hands on: the trace fields travel with the message, but Return-Path is
 * added only at final delivery (RFC 5321 §4.4), so the submission copy's is left off.
 */
function payloadOf(stored: StoredMessage): Buffer {
	const received = stored.trace.replace(/^Return-Path:[^\r\n]*\r\n/i, '');
	return Buffer.concat([Buffer.from(received, 'latin1'), stored.raw]);
}

function withoutBytes(message: ReceivedMessage): Omit<ReceivedMessage, 'raw'> {
	const copy: Partial<ReceivedMessage> = { ...message };
	delete copy.raw;
	return copy as Omit<ReceivedMessage, 'raw'>;
}

function routeOf(route: MailRoute): JourneyLeg['route'] {
	if (route.kind === 'mx')
		return route.targets.map((t) => ({ preference: t.preference, host: t.host }));
	if (route.kind === 'implicit') return [{ preference: null, host: route.target.host }];
	return [];
}

/** The NOTIFY every recipient asked for, when they all asked the same. */
function sameNotify(recipients: RecipientResult[]): string[] | undefined {
	const first = recipients[0]?.notify;
	if (!first) return undefined;
	const key = first.join(',');
	return recipients.every((r) => r.notify?.join(',') === key) ? first : undefined;
}

const isSuccess = (code: number | null) => code !== null && code >= 200 && code < 300;
const isTransient = (code: number | null) => code !== null && code >= 400 && code < 500;
const isFinal = (code: number | null) => code !== null && code >= 500;
const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The enhanced status code of a reply ("451 4.7.1 …" → "4.7.1"), RFC 3463. */
function enhancedOf(reply: string): string | null {
	return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1] ?? null;
}

/**
 * The status of a delay or give-up: the last real error's (4.7.1 greylisted, …); a host that could
 * not be reached is 4.4.1 (RFC 3463 §3.5, "no answer from host"); 4.4.7 ("delivery time expired")
 * only when nothing better is known.
 */
function transientStatus(last: { reply: string; host: string | null } | null): string {
	if (!last) return '4.4.7';
	return enhancedOf(last.reply) ?? (last.host === null ? '4.4.1' : '4.4.7');
}

function hours(ms: number): string {
	const h = ms / 3_600_000;
	return h >= 48 ? `${(h / 24).toFixed(1)} days` : `${h.toFixed(1)} h`;
}
