/**
 * LabStore.applyRemote: what instance A writes, applied to instance B's memory, leaves B holding
 * what A holds and telling its watchers what A told its own. A's batches are captured as they
 * reach the database (through v8.serialize, as PgPersistence carries them) and applied to B.
 */
import { serialize, deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createAnnotator } from '../recorder/annotator';
import type { ClassRoom, Student } from '../classes/classRoom';
import type { QueueRecord } from '../queue/queueRecord';
import type { ImapFolderRecord } from '../mailboxes/imapFolderRecord';
import type { SessionEvent, SessionSummary } from '../../src/lib/messages';
import { LabStore, PEER_STOPPED_END_REASON, RESTART_END_REASON } from './labStore';
import {
	storeBatch,
	type PersistedState,
	type QueueClockOrigin,
	type SharedPersistence,
	type StoreBatch,
	type StorePersistence
} from './persistence';
import { UNCLAIMED } from './storageUsage';
import { sessionSummary, storedMessage } from '../../tests/storedItems';

const LIMITS = { maxEventsPerSession: 1000 };

function emptyState(): PersistedState {
	return {
		sessions: [],
		messages: [],
		owners: [],
		shares: [],
		grants: [],
		classes: [],
		students: [],
		queue: [],
		imapFolders: [],
		imapSubscriptions: [],
		zoneTxt: []
	};
}

/** A database that keeps each batch as written, copied as it would travel between instances. */
class RecordingPersistence implements StorePersistence {
	readonly batches: StoreBatch[] = [];
	constructor(readonly state: PersistedState = emptyState()) {}
	async load(): Promise<PersistedState> {
		return this.state;
	}
	async write(batch: StoreBatch): Promise<void> {
		this.batches.push(deserialize(serialize(batch)) as StoreBatch);
	}
	async close(): Promise<void> {}
}

/** The same, shared: what LabStore.open sees when several instances use one database. */
class SharedRecordingPersistence extends RecordingPersistence implements SharedPersistence {
	readonly instanceId = 'instance-b';
	readonly holdsLock = true;
	onConnection(): void {}
	queueClockOrigin(proposed: QueueClockOrigin): Promise<QueueClockOrigin> {
		return Promise.resolve(proposed);
	}
	follow(): void {}
	watchPeers(): void {}
	publish(): void {}
	subscribe(): void {}
}

/**
 * What a store tells its watchers: every event in order, as JSON carries it; which sessions
 * changed, which messages were added or changed, what went and which classes ended, as sets (A
 * tells each change as it is made, B once per batch).
 */
function listen(store: LabStore) {
	const heard = { events: [] as unknown[], told: new Set<string>() };
	store.on('event', (sessionId, event) =>
		heard.events.push(JSON.parse(JSON.stringify([sessionId, event])))
	);
	store.on('session', (summary) => heard.told.add(`session ${summary.id}`));
	store.on('message', (summary) => heard.told.add(`message ${summary.id}`));
	store.on('removed', (what, id, deleted) => heard.told.add(`removed ${what} ${id} ${deleted}`));
	store.on('classEnded', (id) => heard.told.add(`classEnded ${id}`));
	return heard;
}

function forget(...heard: ReturnType<typeof listen>[]): void {
	for (const h of heard) {
		h.events.length = 0;
		h.told.clear();
	}
}

const OWNERS = ['owner-1', 'owner-2', 'owner-3'];
const DOMAIN = 'quiet-otter-42.test';

/** Everything a reader of the store can see, as plain data. */
function snapshot(store: LabStore) {
	return deserialize(
		serialize({
			sessions: [...store.sessions.values()].map((s) => ({
				summary: s.summary,
				owners: s.owners,
				events: s.events,
				eventCount: s.eventCount
			})),
			messages: [...store.messages.values()].map(({ summary, raw, trace, owners }) => ({
				summary,
				raw: raw.toString('base64'),
				trace,
				owners
			})),
			owners: [...store.owners.values()],
			ownerByName: store.ownerByName('quiet-otter-42')?.id,
			ownerByDomain: store.ownerByDomain(DOMAIN)?.id,
			shares: [...store.shares.values()],
			grants: [...store.grants].map(([owner, tokens]) => [owner, [...tokens]]),
			classes: [...store.classes.values()],
			classByCode: store.classByCode('ABCDEF')?.id,
			taught: store.classesTaughtBy('owner-3').map((c) => c.id),
			formerStudentOf: OWNERS.map((id) => store.formerStudentOf(id)?.id),
			students: [...store.students.values()],
			nicknames: ['Ann', 'Ben'].map((n) => store.studentByNickname('class-1', n)?.ownerId),
			queue: [...store.queue.values()],
			imapFolders: [...store.imapFolders.values()],
			imapSubscriptions: [...store.imapSubscriptions].map(([space, names]) => [space, [...names]]),
			zoneTxt: store.zoneTxt(DOMAIN) ?? null,
			usage: {
				total: store.usage.total,
				messageBytes: store.usage.messageBytes,
				perOwner: [...OWNERS, UNCLAIMED].map((id) => store.usage.ofOwner(id))
			}
		})
	);
}

/** The lines of an SMTP session as the recorder's annotator reads them, one at a time. */
function smtpLines(): [SessionEvent['dir'], string, boolean][] {
	return [
		['server', '220 mx.smtp-lab.test ESMTP', false],
		['client', 'EHLO laptop.example', false],
		['server', '250-mx.smtp-lab.test', false],
		['server', '250 PIPELINING', false],
		['client', 'MAIL FROM:<alice@example.com>', false],
		['server', '250 2.1.0 Sender OK', false],
		['client', 'RCPT TO:<bob@example.com>', false],
		// A's first batch ends here: B's annotator must go on from what it read.
		['server', '250 2.1.5 Recipient OK', false],
		['client', 'DATA', false],
		['server', '354 Start mail input; end with <CRLF>.<CRLF>', false],
		['client', 'Subject: hi\r\n\r\nhello', true],
		['server', '250 2.0.0 Queued as m-1', false],
		['client', 'QUIT', false],
		['server', '221 2.0.0 Bye', false]
	];
}

/** A records the lines as its recorder would: annotated, read exactly (left out of the database). */
function record(
	store: LabStore,
	sessionId: string,
	annotator: ReturnType<typeof createAnnotator>,
	lines: [SessionEvent['dir'], string, boolean][]
): void {
	for (const [dir, text, isData] of lines)
		store.appendEvent(
			sessionId,
			{
				seq: 0,
				at: 1_700_000_000_000,
				dir,
				text,
				anomalies: [],
				annotation: annotator.annotate({ dir, text, isData })
			},
			undefined,
			{ isData, exact: true }
		);
}

async function pair() {
	const databaseA = new RecordingPersistence();
	const databaseB = new RecordingPersistence();
	const a = await LabStore.open(LIMITS, databaseA);
	const b = await LabStore.open(LIMITS, databaseB);
	const heardA = listen(a);
	const heardB = listen(b);
	/** A writes what it changed; B applies it. */
	const replicate = async () => {
		const from = databaseA.batches.length;
		await a.flush();
		for (const batch of databaseA.batches.slice(from)) b.applyRemote(batch);
	};
	return { a, b, heardA, heardB, databaseB, replicate };
}

function room(changes: Partial<ClassRoom> = {}): ClassRoom {
	return {
		id: 'class-1',
		code: 'ABCDEF',
		name: 'Mail 101',
		teacherOwnerId: 'owner-3',
		teacherKey: 'teacher-key',
		createdAt: 1_000,
		endsAt: 9_000_000_000_000,
		spotlight: null,
		formerStudents: [],
		handouts: [],
		...changes
	};
}

function student(ownerId: string, nickname: string): Student {
	return {
		classId: 'class-1',
		ownerId,
		nickname,
		rejoinCode: 'XYZXYZ',
		joinedAt: 2_000,
		passes: {}
	};
}

const queueRecord = (id: string, state: string) =>
	({
		journey: { id, legs: [{ id: `${id}-leg`, state }] },
		message: { id },
		legs: [],
		simulatedSavedAt: 5
	}) as unknown as QueueRecord;

const folder = (id: string, uidNext: number) =>
	({
		id,
		space: DOMAIN,
		name: 'Archive',
		uidValidity: 7,
		uidNext,
		noselect: false,
		entries: []
	}) as ImapFolderRecord;

describe('LabStore.applyRemote', () => {
	it('leaves B holding what A holds, batch after batch, and telling what A told', async () => {
		const { a, b, heardA, heardB, databaseB, replicate } = await pair();
		const queueHeard: [string, QueueRecord | null][] = [];
		b.on('queueRecord', (id, record) => queueHeard.push([id, record]));
		const annotator = createAnnotator('mx');
		const lines = smtpLines();

		// 1. Owners, and an open session with its first lines.
		a.addOwner({ id: 'owner-1', name: 'quiet-otter-42', password: 'p1', createdAt: 1 });
		a.addOwner({ id: 'owner-2', name: 'brave-fox-7', password: 'p2', createdAt: 2 });
		a.addOwner({ id: 'owner-3', name: 'calm-owl-3', password: 'p3', createdAt: 3 });
		a.addSession(sessionSummary('s-1', { endedAt: null }), ['owner-1']);
		record(a, 's-1', annotator, lines.slice(0, 7));
		await replicate();
		expect(snapshot(b)).toEqual(snapshot(a));
		expect(heardB).toEqual(heardA);
		// Every line the annotator explains is explained on B as on A, not left bare.
		expect(b.sessions.get('s-1')!.events.every((e) => e.annotation.title)).toBe(true);

		// 2. The rest of the session, its message, a read, a claim, sharing, a class, the queue,
		// IMAP, a zone.
		forget(heardA, heardB);
		record(a, 's-1', annotator, lines.slice(7));
		const message = storedMessage(
			'm-1',
			{
				raw: 'Subject: hi\r\n\r\nhello\r\n',
				trace: 'Received: x\r\n',
				owners: ['owner-1', 'owner-2']
			},
			{ sessionId: 's-1' }
		);
		a.addMessage(message);
		a.addMessage(storedMessage('m-2', { raw: 'Subject: nobody\r\n\r\n' }));
		a.addReaderAct('m-1', {
			act: 'read',
			mailbox: 'bob',
			sessionId: 's-9',
			at: 3,
			protocol: 'pop3',
			command: 'RETR 1'
		});
		a.claimSession('s-1', 'owner-2');
		a.addShare({ token: 't-1', kind: 'message', itemId: 'm-1', ownerId: 'owner-1', createdAt: 4 });
		a.addShare({ token: 't-2', kind: 'session', itemId: 's-1', ownerId: 'owner-1', createdAt: 4 });
		a.addGrant('owner-2', 't-1');
		a.saveClass(room());
		a.saveStudent(student('owner-1', 'Ann'));
		a.saveStudent(student('owner-2', 'Ben'));
		a.saveQueueRecord(queueRecord('j-1', 'queued'));
		a.saveQueueRecord(queueRecord('j-2', 'queued'));
		a.saveImapFolder(folder('f-1', 1));
		a.saveImapFolder(folder('f-2', 1));
		a.setImapSubscription(DOMAIN, 'Archive', true);
		a.setZoneTxt(DOMAIN, [{ name: DOMAIN, value: 'v=spf1 -all' }]);
		await replicate();
		expect(snapshot(b)).toEqual(snapshot(a));
		expect(heardB).toEqual(heardA);
		expect(b.sessions.get('s-1')!.summary.messageIds).toEqual(['m-1']);
		expect(queueHeard.map(([id, record]) => [id, record?.journey.id])).toEqual([
			['j-1', 'j-1'],
			['j-2', 'j-2']
		]);

		// 3. Changes and deletions of all kinds, and a session that opens and ends in one batch.
		forget(heardA, heardB);
		queueHeard.length = 0;
		a.releaseMessage('m-1', 'owner-1');
		a.addReaderAct('m-1', {
			act: 'removed',
			mailbox: 'bob',
			sessionId: 's-9',
			at: 5,
			protocol: 'pop3',
			command: 'DELE 1'
		});
		a.messages.get('m-1')!.summary.subject = 'changed';
		a.touchMessage('m-1');
		a.deleteShare('t-2');
		a.deleteStudent(a.students.get('owner-2')!);
		a.saveClass(room({ spotlight: 's-1', formerStudents: ['owner-2'] }));
		a.saveQueueRecord(queueRecord('j-1', 'delivered'));
		a.deleteQueueRecord('j-2');
		a.saveImapFolder(folder('f-1', 2));
		a.deleteImapFolder('f-2');
		a.setImapSubscription(DOMAIN, 'Archive', false);
		a.setZoneTxt(DOMAIN, null);
		a.addSession(sessionSummary('s-2', { endedAt: null }));
		record(a, 's-2', createAnnotator('mx'), lines.slice(0, 2));
		a.updateSession('s-2', { endedAt: 10, endReason: 'closed' });
		a.endStoppedPeerSession('s-1');
		await replicate();
		expect(snapshot(b)).toEqual(snapshot(a));
		expect(heardB).toEqual(heardA);
		expect(queueHeard.map(([id, record]) => [id, record?.journey.legs[0].state ?? null])).toEqual([
			['j-1', 'delivered'],
			['j-2', null]
		]);
		expect(b.sessions.get('s-1')!.summary.endReason).toBe(PEER_STOPPED_END_REASON);

		// 4. Everything goes: sessions and messages their owners let go of, the class.
		forget(heardA, heardB);
		a.releaseSession('s-1', 'owner-1');
		a.releaseSession('s-1', 'owner-2');
		a.releaseMessage('m-1', 'owner-2');
		a.expire(['s-2'], ['m-2']);
		a.deleteClass('class-1');
		await replicate();
		expect(snapshot(b)).toEqual(snapshot(a));
		expect(heardB).toEqual(heardA);
		expect(heardB.told).toContain('classEnded class-1');
		expect(heardB.told).toContain('removed session s-1 true');
		expect(heardB.told).toContain('removed message m-1 true');
		expect(b.sessions.size + b.messages.size + b.classes.size + b.students.size).toBe(0);

		// B wrote nothing: what it applied is in the database already.
		await b.flush();
		expect(databaseB.batches.flatMap((batch) => Object.values(batch).flat())).toEqual([]);
	});

	it('an open session of another instance is annotated as its recorder did, a batch at a time', async () => {
		const { a, b, replicate } = await pair();
		const annotator = createAnnotator('mx');
		a.addSession(sessionSummary('s-1', { endedAt: null }));
		for (const line of smtpLines()) {
			record(a, 's-1', annotator, [line]);
			await replicate();
		}
		const expected = a.sessions.get('s-1')!.events;
		expect(b.sessions.get('s-1')!.events).toEqual(expected);
		// Annotations that depend on the lines before: the reply to RCPT, the message content.
		expect(expected[7].annotation).not.toEqual(
			createAnnotator('mx').annotate({ dir: 'server', text: '250 2.1.5 Recipient OK' })
		);
	});
});

describe('LabStore.open on a database shared by several instances', () => {
	const openSession = (): PersistedState => ({
		...emptyState(),
		sessions: [
			{
				summary: { ...sessionSummary('s-1', { endedAt: null }), eventCount: 2 },
				events: [
					{ seq: 1, at: 1, dir: 'server', text: '220 mx ESMTP', anomalies: [], read: 'line' },
					{ seq: 2, at: 2, dir: 'client', text: 'EHLO x', anomalies: [], read: 'line' }
				],
				owners: []
			}
		]
	});

	it('closes no session another instance may be serving; taking over a stopped one ends it', async () => {
		const database = new SharedRecordingPersistence(openSession());
		const store = await LabStore.open(LIMITS, database);
		const loaded = store.sessions.get('s-1')!;
		expect(loaded.summary.endedAt).toBeNull();
		expect(loaded.wireTap).toBe('elsewhere');
		// Still live: the next line of its instance is annotated after those loaded.
		const summary: SessionSummary = { ...loaded.summary, eventCount: 3 };
		store.applyRemote(
			storeBatch({
				sessions: [summary],
				events: [
					{
						sessionId: 's-1',
						event: {
							seq: 3,
							at: 3,
							dir: 'server',
							text: '250 mx greets x',
							anomalies: [],
							read: 'line'
						}
					}
				]
			})
		);
		const annotator = createAnnotator('mx');
		for (const [dir, text] of [
			['server', '220 mx ESMTP'],
			['client', 'EHLO x']
		] as const)
			annotator.annotate({ dir, text });
		expect(loaded.events[2].annotation).toEqual(
			annotator.annotate({ dir: 'server', text: '250 mx greets x' })
		);
		store.endStoppedPeerSession('s-1');
		await store.flush();
		expect(loaded.summary).toMatchObject({ endReason: PEER_STOPPED_END_REASON });
		const written = database.batches.flatMap((batch) => batch.events);
		expect(written).toEqual([
			{
				sessionId: 's-1',
				event: expect.objectContaining({
					seq: 4,
					dir: 'system',
					text: `Session closed: ${PEER_STOPPED_END_REASON}.`
				})
			}
		]);
		expect(database.batches.flatMap((batch) => batch.sessions)).toContainEqual(
			expect.objectContaining({ id: 's-1', endReason: PEER_STOPPED_END_REASON })
		);
	});

	it('one instance alone closes what the last run left open, as before', async () => {
		const store = await LabStore.open(LIMITS, new RecordingPersistence(openSession()));
		expect(store.sessions.get('s-1')!.summary.endReason).toBe(RESTART_END_REASON);
	});
});
