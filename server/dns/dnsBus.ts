/**
 * A lookup one instance answered, as it goes to the others over the shared store's bus (issue 21:
 * the DNS log is memory only, so it is not in the database). Each instance checks what it
 * receives: the bus is a boundary like any other.
 */
import { isRecord } from '../../src/lib/messages';
import type { DnsLogEntry } from './dnsLog';

export const DNS_BUS_TOPIC = 'dns-lookup';

export interface DnsBusMessage {
	topic: typeof DNS_BUS_TOPIC;
	entry: DnsLogEntry;
}

export function dnsBusMessage(entry: DnsLogEntry): DnsBusMessage {
	return { topic: DNS_BUS_TOPIC, entry };
}

/**
 * The lookup a bus message carries; null when it is another topic's message, an error when it is
 * this topic's but malformed (the field named).
 */
export function parseDnsBusMessage(message: unknown): DnsLogEntry | null | Error {
	if (!isRecord(message) || message.topic !== DNS_BUS_TOPIC) return null;
	const entry = message.entry;
	if (!isRecord(entry)) return new Error('"entry" must be an object');
	for (const field of ['id', 'transport', 'client', 'rcode'] as const)
		if (typeof entry[field] !== 'string') return new Error(`"entry.${field}" must be a string`);
	if (typeof entry.at !== 'number') return new Error('"entry.at" must be a number');
	if (!Array.isArray(entry.answers)) return new Error('"entry.answers" must be an array');
	if (!Array.isArray(entry.owners) || !entry.owners.every((o) => typeof o === 'string'))
		return new Error('"entry.owners" must be an array of strings');
	const question = entry.question;
	if (
		question !== null &&
		!(isRecord(question) && typeof question.name === 'string' && typeof question.type === 'string')
	)
		return new Error('"entry.question" must be null or { name, type }');
	if (entry.journeyId !== undefined && typeof entry.journeyId !== 'string')
		return new Error('"entry.journeyId" must be a string');
	return entry as unknown as DnsLogEntry;
}
