/*
 * The msg-att pairs of one FETCH response (RFC 3501 §6.4.5, §7.4.2) from the items asked for
 * and what the server knows of the message: its flags, UID, internal date and raw bytes.
 */
import type { FetchItem } from '../protocol/commandParser';
import { dateTimeOf, formatDateTime } from '../protocol/dateTime';
import {
	atom,
	bodySectionName,
	bodyStructureValue,
	envelopeValue,
	type ImapValue
} from '../protocol/responseWriter';
import { bodyStructureOf } from './bodyStructure';
import { envelopeOf } from './envelope';
import { readMessage, type MessageTree } from './messageTree';
import { partialOf, sectionOctets } from './sections';

export interface FetchedMessage {
	uid: number;
	flags: readonly string[];
	/** Milliseconds since the epoch (§2.3.3). */
	internalDate: number;
	/** Octets of content() (RFC822.SIZE, §7.4.2), known without reading the message. */
	size: number;
	/** The message as downloaded, read only when an item needs its bytes. */
	content(): Uint8Array;
}

/** Does any item read the message's bytes (not just its flags, UID, date, size)? */
export function needsContent(items: readonly FetchItem[]): boolean {
	return items.some((i) => !['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE'].includes(i.item));
}

/**
 * Items that set \Seen (§6.4.5): BODY[section] without .PEEK, RFC822 and RFC822.TEXT;
 * RFC822.HEADER does not (§7.4.2: it is BODY.PEEK[HEADER]).
 */
export function setsSeen(items: readonly FetchItem[]): boolean {
	return items.some(
		(i) =>
			(i.item === 'BODY[section]' && !i.peek) || i.item === 'RFC822' || i.item === 'RFC822.TEXT'
	);
}

/** The pairs in the order asked; a UID FETCH gets UID whether asked or not (§6.4.8). */
export function fetchAttributes(
	items: readonly FetchItem[],
	message: FetchedMessage,
	withUid: boolean
): [string, ImapValue][] {
	let content: Uint8Array | undefined;
	const bytes = () => (content ??= message.content());
	let tree: MessageTree | undefined;
	const parsed = () => (tree ??= readMessage(bytes()));
	const out: [string, ImapValue][] = [];
	const asked =
		withUid && !items.some((i) => i.item === 'UID') ? [...items, { item: 'UID' } as const] : items;
	for (const item of asked) {
		switch (item.item) {
			case 'FLAGS':
				out.push(['FLAGS', message.flags.map(atom)]);
				break;
			case 'UID':
				out.push(['UID', message.uid]);
				break;
			case 'INTERNALDATE':
				out.push(['INTERNALDATE', formatDateTime(dateTimeOf(new Date(message.internalDate)))]);
				break;
			case 'RFC822.SIZE':
				out.push(['RFC822.SIZE', message.size]);
				break;
			case 'ENVELOPE':
				out.push(['ENVELOPE', envelopeValue(envelopeOf(parsed().root))]);
				break;
			case 'BODYSTRUCTURE':
				out.push(['BODYSTRUCTURE', bodyStructureValue(bodyStructureOf(parsed()), true)]);
				break;
			case 'BODY':
				out.push(['BODY', bodyStructureValue(bodyStructureOf(parsed()), false)]);
				break;
			// §7.4.2: RFC822 is BODY[], RFC822.HEADER BODY[HEADER], RFC822.TEXT BODY[TEXT].
			case 'RFC822':
				out.push(['RFC822', bytes()]);
				break;
			case 'RFC822.HEADER':
				out.push(['RFC822.HEADER', sectionOctets(parsed(), { part: [], text: 'HEADER' })]);
				break;
			case 'RFC822.TEXT':
				out.push(['RFC822.TEXT', sectionOctets(parsed(), { part: [], text: 'TEXT' })]);
				break;
			case 'BODY[section]': {
				const whole =
					item.section.part.length || item.section.text
						? sectionOctets(parsed(), item.section)
						: bytes();
				out.push([
					bodySectionName(item.section, item.partial?.offset),
					whole && partialOf(whole, item.partial)
				]);
				break;
			}
		}
	}
	return out;
}
