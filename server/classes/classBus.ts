/**
 * A class live across instances (issue 21): what ClassLive keeps in one instance's memory (the
 * pages each owner has connected there, and what they show) goes to the other instances over the
 * shared store's bus, which stores nothing. With sticky routing a teacher's page and their
 * students' may be on different instances; each merges the others' state, by instance, with its
 * own. What the store keeps (classes, students, the spotlight) reaches the others through the
 * store's replication, not here.
 *
 * Each instance checks what it receives: the bus is a boundary like any other.
 */
import { isRecord, type ExamplePresence } from '../../src/lib/messages';
import { examplePresence, ID_PATTERN, nullableSessionId } from '../../src/lib/messageFields';
import type { SharedPersistence } from '../store/persistence';

export const CLASS_BUS_TOPIC = 'class';

/**
 * One bus message's JSON at most, in bytes: PostgreSQL's NOTIFY payload must be shorter than
 * 8000 bytes (its NOTIFY reference page), and the store's envelope (sender, topic) takes some.
 * A longer state is sent in several messages.
 */
export const CLASS_BUS_MAX_BYTES = 7000;

/** No browser opens nearly this many pages; a bigger count is a broken message. */
const PAGES_MAX = 1_000_000;
/** Instance ids are the store's (random, short); this bounds what a broken message may name. */
const INSTANCE_ID_MAX_LENGTH = 100;

/** One owner's pages on the instance that sends it: all of them, replacing what it sent before. */
export interface OwnerState {
	ownerId: string;
	/** Pages connected there; 0: none any more (the owner's entry for that instance goes). */
	pages: number;
	/** What the owner's most recently changed page there shows, or null. */
	sessionId: string | null;
	example: ExamplePresence | null;
	/** When that page said it (the sender's clock): the newest across instances is the owner's. */
	presenceAt: number | null;
}

export type ClassBusMessage =
	/** A new instance: every other one sends the state of its class members' pages. */
	| { topic: typeof CLASS_BUS_TOPIC; kind: 'hello' }
	| { topic: typeof CLASS_BUS_TOPIC; kind: 'owners'; owners: OwnerState[] }
	/** An instance closed, or stopped (the survivor that took it over says so): its state goes. */
	| { topic: typeof CLASS_BUS_TOPIC; kind: 'instance-stopped'; instanceId: string };

/** What ClassLive needs of the shared store: its bus, and which instance it is. */
export type ClassBusTransport = Pick<SharedPersistence, 'instanceId' | 'publish' | 'subscribe'>;

export const helloMessage: ClassBusMessage = { topic: CLASS_BUS_TOPIC, kind: 'hello' };

export function instanceStoppedMessage(instanceId: string): ClassBusMessage {
	return { topic: CLASS_BUS_TOPIC, kind: 'instance-stopped', instanceId };
}

/** The owners' states in as few messages as fit CLASS_BUS_MAX_BYTES each. */
export function ownersMessages(owners: readonly OwnerState[]): ClassBusMessage[] {
	const envelope = JSON.stringify({ topic: CLASS_BUS_TOPIC, kind: 'owners', owners: [] }).length;
	const messages: ClassBusMessage[] = [];
	let batch: OwnerState[] = [];
	let bytes = envelope;
	for (const owner of owners) {
		// Ids, slugs and numbers are ASCII: the string's length is its byte count.
		const size = JSON.stringify(owner).length;
		if (batch.length && bytes + 1 + size > CLASS_BUS_MAX_BYTES) {
			messages.push({ topic: CLASS_BUS_TOPIC, kind: 'owners', owners: batch });
			batch = [];
			bytes = envelope;
		}
		// After the first, each is preceded by a comma.
		bytes += (batch.length ? 1 : 0) + size;
		batch.push(owner);
	}
	if (batch.length) messages.push({ topic: CLASS_BUS_TOPIC, kind: 'owners', owners: batch });
	return messages;
}

/**
 * The class message a bus message is; null when it is another topic's (the DNS log's, say), an
 * error naming the field when it is this topic's but malformed.
 */
export function parseClassBusMessage(message: unknown): ClassBusMessage | null | Error {
	if (!isRecord(message) || message.topic !== CLASS_BUS_TOPIC) return null;
	switch (message.kind) {
		case 'hello':
			return helloMessage;
		case 'instance-stopped': {
			const id = message.instanceId;
			if (typeof id !== 'string' || !id || id.length > INSTANCE_ID_MAX_LENGTH)
				return new Error(
					`"instanceId" must be a string of 1 to ${INSTANCE_ID_MAX_LENGTH} characters`
				);
			return instanceStoppedMessage(id);
		}
		case 'owners': {
			if (!Array.isArray(message.owners)) return new Error('"owners" must be an array');
			const owners: OwnerState[] = [];
			for (const [i, value] of message.owners.entries()) {
				const owner = ownerState(value);
				if (owner instanceof Error) return new Error(`"owners[${i}]${owner.message}`);
				owners.push(owner);
			}
			return { topic: CLASS_BUS_TOPIC, kind: 'owners', owners };
		}
		default:
			return new Error('"kind" must be hello, owners or instance-stopped');
	}
}

/** One owner's state, or an error whose message goes on from the field's index. */
function ownerState(value: unknown): OwnerState | Error {
	if (!isRecord(value)) return new Error('" must be an object');
	const { ownerId, pages, presenceAt } = value;
	if (typeof ownerId !== 'string' || !ID_PATTERN.test(ownerId))
		return new Error('.ownerId" must be an owner id');
	if (typeof pages !== 'number' || !Number.isInteger(pages) || pages < 0 || pages > PAGES_MAX)
		return new Error(`.pages" must be an integer from 0 to ${PAGES_MAX}`);
	const sessionId = nullableSessionId(value.sessionId);
	if (sessionId === undefined) return new Error('.sessionId" must be a session id or null');
	const example = examplePresence(value.example);
	if (example === undefined)
		return new Error('.example" must be null or { slug: an example\'s slug, step: a step }');
	if (presenceAt !== null && (typeof presenceAt !== 'number' || !Number.isFinite(presenceAt)))
		return new Error('.presenceAt" must be a time in milliseconds or null');
	return { ownerId, pages, sessionId, example, presenceAt };
}
