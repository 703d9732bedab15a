/**
 * A mailing list's host (src/lib/delivery/mailingLists.ts, behaviour 'list' in MAIL_HOSTS): once
 * it has accepted and stored a post (its own copy, the list's archive), it writes a NEW message
 * and hands it to the outgoing queue to be sent from the list host itself.
 *
 * A list is not a relay. A relay passes the message data on unchanged but for its Received field
 * (RFC 5321 §2.3.10, §3.6.3). A list "operates by redistribution rather than by forwarding": the
 * envelope's return address is changed to the list's, so that bounces go to the list and not to
 * the author (§3.9.2); and a list that also modifies the message, as this one does with its
 * List-Id, List-Post and footer, is to be "viewed as [a] full MUA, which accept[s] a delivery and
 * post[s] a new message" (§3.9.2). So the copies the members get are a new submission: a new
 * envelope sender, a new client address (the list host's) and a changed body — which SPF then
 * judges for list.test and the author's DKIM signature no longer covers.
 */
import type { MailingListRow } from '../../src/lib/delivery/mailingLists';
import { mailingList } from '../../src/lib/delivery/mailingLists';
import { readMessage, fieldValue, paramValue } from '../../src/lib/imap/message/messageTree';
import { newId } from '../ids';
import { Delivery } from '../sandbox/delivery';
import { storedMessage, type ReceivedMessage } from '../sandbox/messageAssembly';
import type { LabStore, StoredMessage } from '../store/labStore';

/**
 * Header fields that are trace information (RFC 5322 §3.6.7: Return-Path and Received; RFC 8601
 * §2: Authentication-Results; RFC 7208 §9.1: Received-SPF). RFC 5322 §3.6 wants trace fields
 * kept in blocks prepended to the message, so the list's fields go below the leading block.
 */
const TRACE_FIELDS = new Set(['return-path', 'received', 'authentication-results', 'received-spf']);

/** Transfer encodings whose text a footer of US-ASCII lines can follow as is (RFC 2045 §6). */
const APPENDABLE_ENCODINGS = new Set(['7bit', '8bit', 'binary', 'quoted-printable']);

/**
 * The message the list sends to its members, as bytes: the post's header section unchanged but
 * for List-Id (RFC 2919 §2) and List-Post (RFC 2369 §3.4) added at the top of it (below its
 * trace fields), and the list's footer added to the body:
 * - a text/plain body (or one with no Content-Type: text/plain by default, RFC 2045 §5.2) in a
 *   transfer encoding that is plain lines: the footer's lines are appended;
 * - a multipart/mixed body: the footer becomes a new text/plain part at the end of the outermost
 *   multipart — its parts are "independent and need to be bundled in a particular order"
 *   (RFC 2046 §5.1.3), so one more part at the end changes no other part. (Appending to the
 *   first text/plain part of a multipart/alternative would put the footer in one alternative
 *   only, and a new part there would be taken for the best version, RFC 2046 §5.1.4.)
 * - anything else (base64 text, HTML alone, multipart/alternative): the body is left as it is —
 *   adding the footer would mean rewriting the message's own MIME header fields.
 */
export function composeListMessage(list: MailingListRow, raw: Buffer): Buffer {
	const tree = readMessage(raw);
	const { root, text } = tree;
	const traceEnd = root.fields.find((f) => !TRACE_FIELDS.has(f.name.toLowerCase()))?.start;
	const insertAt = traceEnd ?? (root.fields.at(-1)?.end || root.start);
	const listFields = `List-Id: <${list.listId}>\r\n` + `List-Post: <mailto:${list.address}>\r\n`;
	const footer = list.footer.join('\r\n');
	const type = `${root.contentType.type}/${root.contentType.subtype}`.toLowerCase();
	const encoding = (fieldValue(root.fields, 'content-transfer-encoding') ?? '7bit')
		.trim()
		.toLowerCase();
	let body = text.slice(root.bodyStart);
	if (type === 'text/plain' && APPENDABLE_ENCODINGS.has(encoding)) {
		// The body's last line ends before the footer starts (a final "=" soft break included).
		const lastLineEnded = body === '' || (body.endsWith('\r\n') && !body.endsWith('=\r\n'));
		body += `${lastLineEnded ? '' : '\r\n'}${footer}\r\n`;
	} else if (type === 'multipart/mixed' && root.parts.length) {
		const boundary = paramValue(root.contentType.params, 'boundary')!;
		const at = root.parts.at(-1)!.end - root.bodyStart;
		// The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1): the new part
		// goes where the last part ends, before the CRLF and the close delimiter after it.
		const part =
			`\r\n--${boundary}\r\n` +
			'Content-Type: text/plain; charset=us-ascii\r\n' +
			'Content-Transfer-Encoding: 7bit\r\n\r\n' +
			footer;
		body = body.slice(0, at) + part + body.slice(at);
	}
	const header = text.slice(0, insertAt) + listFields + text.slice(insertAt, root.bodyStart);
	// A message with no blank line (all header) gets one before a footer it now has.
	const separator = root.blankLine || body === '' ? '' : '\r\n';
	return Buffer.from(header + separator + body, 'latin1');
}

/** Where the list's new messages go: the outgoing queue, sent from the list's host. */
export interface ListOutgoing {
	enqueue(
		message: ReceivedMessage,
		stored: StoredMessage,
		sender: { name: string; address: string }
	): void;
}

export interface ListHost {
	name: string;
	/** The address it sends from: its endpoint's (hostEndpoints.ts). */
	address(): string;
}

/**
 * The list host's delivery: the post is stored as at any host (its copy, final delivery for the
 * list's address), then each list among its delivered recipients re-sends it.
 */
export class ListDelivery extends Delivery {
	constructor(
		store: LabStore,
		ownersOfAddress: (address: string) => string[],
		readonly host: ListHost,
		readonly resend: ListOutgoing
	) {
		super(store, host.name, ownersOfAddress);
	}

	override accept(...args: Parameters<Delivery['accept']>): void {
		super.accept(...args);
		const [message] = args;
		const stored = this.store.messages.get(message.id);
		if (!stored) return;
		for (const r of stored.summary.recipients) {
			const list = r.outcome === 'delivered' ? mailingList(r.address) : undefined;
			if (list) this.#redistribute(list, message, stored);
		}
	}

	/** RFC 5321 §3.9.2: the list's own envelope sender, its members as the recipients. */
	#redistribute(list: MailingListRow, post: ReceivedMessage, copy: StoredMessage): void {
		const address = this.host.address();
		const message: ReceivedMessage = {
			id: newId(),
			sessionId: post.sessionId,
			listener: null,
			raw: composeListMessage(list, copy.raw),
			envelope: {
				mailFrom: { address: list.bounces, params: {} },
				rcptTo: list.members.map((member) => ({ address: member, params: {} }))
			},
			recipients: list.members.map((member) => ({
				address: member,
				outcome: 'queued',
				reply: `queued by ${this.host.name}: re-sent by the list ${list.address}`
			})),
			tls: false,
			tlsProtocol: null,
			authUser: null,
			clientAddress: address,
			helo: this.host.name,
			ret: null,
			envid: null,
			// The post's owners see what became of it: its journey goes on with the members' copies.
			senderOwners: post.senderOwners,
			...(post.journeyId ? { journeyId: post.journeyId } : {})
		};
		const stored = storedMessage(
			message,
			{ recipients: message.recipients, kind: 'mail', finalDelivery: false, owners: copy.owners },
			this.host.name
		);
		// Its trace is the list host's receipt of the post (no Return-Path: not final delivery).
		stored.trace = copy.trace.replace(/^Return-Path:[^\r\n]*\r\n/i, '');
		// The post's journey, or (a post from outside the sandbox) a journey of its own.
		stored.summary.journeyId ??= message.id;
		this.store.addMessage(stored);
		this.resend.enqueue(message, stored, { name: this.host.name, address });
	}
}
