/**
 * The message-level IMAP commands (RFC 3501 §6.4: FETCH, STORE, SEARCH, COPY and their UID
 * forms, §6.4.8; §6.3.11 APPEND): rows of the command table (imapCommands.ts). What a FETCH
 * answers is built from the message's bytes by src/lib/imap/message/ (ENVELOPE, BODYSTRUCTURE,
 * BODY[section]<partial>); folders, UIDs and flags are the IMAP store's (server/mailboxes/).
 * Responses go out one message at a time, each written only after the last has drained, so a
 * slow reader of a large mailbox holds one message in memory, not the whole answer.
 */
import type { SequenceSet } from '../../src/lib/imap/protocol/commandParser';
import { momentOf } from '../../src/lib/imap/protocol/dateTime';
import { atom, fetchResponse, type ImapValue } from '../../src/lib/imap/protocol/responseWriter';
import { fetchAttributes, needsContent, setsSeen } from '../../src/lib/imap/message/fetchItems';
import { inSet, matches, SEARCH_CHARSETS } from '../../src/lib/imap/message/search';
import type { FolderView } from '../mailboxes/folderView';
import type { ImapRefusal } from '../mailboxes/imapFolders';
import type { ReaderActBy } from '../mailboxes/mailboxes';
import {
	AUTHENTICATED,
	commandRow,
	SELECTED,
	type ImapContext,
	type ImapCommandRow
} from './imapCommand';
import type { ImapReplyName } from './imapReplies';

const EMPTY = new Uint8Array(0);

/** The folder SELECT or EXAMINE opened: these commands run only in the selected state. */
function viewOf(ctx: ImapContext): FolderView {
	if (!ctx.selected) throw new Error('no folder is open');
	return ctx.selected;
}

function by(ctx: ImapContext, command: string): ReaderActBy {
	return { sessionId: ctx.id, at: ctx.now().getTime(), protocol: 'imap', command };
}

/**
 * The UIDs a sequence set names, in mailbox order. Message sequence numbers must exist: a number
 * past the last message is an error (§9 seq-number: "*" is the largest number in use, and a
 * number is "from 1 to the number of messages"). UIDs need not: UIDs not in the folder are
 * left out, and "n:*" always includes the last message (§6.4.8).
 */
function resolve(
	view: FolderView,
	set: SequenceSet,
	uid: boolean
): { uids: number[] } | { error: string } {
	const uids = view.uids;
	if (uid) {
		const last = uids.length ? uids[uids.length - 1] : 0;
		return { uids: uids.filter((u) => inSet(set, u, last)) };
	}
	for (const { from, to } of set)
		for (const n of [from, to])
			if (n !== undefined && (n === '*' ? uids.length === 0 : n > uids.length))
				return {
					error:
						uids.length === 0
							? `no message ${n}: the mailbox is empty (RFC 3501 section 9 seq-number)`
							: `no message ${n}: the mailbox has ${uids.length} (use UIDs, or NOOP to see new ones; RFC 3501 section 9 seq-number)`
				};
	return { uids: uids.filter((_, i) => inSet(set, i + 1, uids.length)) };
}

/** The store's refusal as a tagged NO; no such folder is [TRYCREATE] (§6.4.7, §6.3.11). */
async function refused(
	ctx: ImapContext,
	tag: string,
	verb: string,
	mailbox: string,
	refusal: ImapRefusal
): Promise<void> {
	const reply: ImapReplyName =
		refusal.refusal === 'noSuchFolder'
			? 'tryCreate'
			: refusal.refusal === 'folderFull'
				? 'folderFull'
				: refusal.refusal === 'labStorageFull' || refusal.refusal === 'ownerStorageFull'
					? 'storageFull'
					: refusal.refusal === 'noselect'
						? 'notSelectable'
						: refusal.refusal === 'readOnly'
							? 'readOnly'
							: 'badMailboxName';
	await ctx.tagged(tag, reply, { verb, mailbox, limit: refusal.limit ?? 0 });
}

const FETCH = commandRow({
	name: 'FETCH',
	states: SELECTED,
	async run(ctx, command) {
		const view = viewOf(ctx);
		const verb = command.uid ? 'UID FETCH' : 'FETCH';
		const found = resolve(view, command.sequence, command.uid);
		if ('error' in found) return ctx.tagged(command.tag, 'badSequence', { message: found.error });
		const readsBytes = needsContent(command.items);
		const seen = setsSeen(command.items);
		const asksFlags = command.items.some((i) => i.item === 'FLAGS');
		let gone = 0;
		for (const uid of found.uids) {
			const bytes = readsBytes ? view.content(uid) : EMPTY;
			const size = view.size(uid);
			// Expunged by another session, not yet told to this one (§7.4.1 allows NO).
			if (!bytes || size === null || !view.entry(uid)) {
				gone++;
				continue;
			}
			// \Seen is set by reading the body; the new flags are sent with it (§6.4.5).
			const flagsChanged = seen && view.markRead(uid, by(ctx, verb));
			const entry = view.entry(uid)!;
			const items =
				flagsChanged && !asksFlags ? [...command.items, { item: 'FLAGS' } as const] : command.items;
			const attributes = fetchAttributes(
				items,
				{ uid, flags: entry.flags, internalDate: entry.internalDate, size, content: () => bytes },
				command.uid
			);
			await ctx.send(
				fetchResponse(entry.seq, attributes),
				readsBytes ? entry.messageId : undefined
			);
		}
		if (gone) return ctx.tagged(command.tag, 'fetchGone', { verb, count: gone });
		await ctx.tagged(command.tag, 'fetch', { verb });
	}
});

const STORE = commandRow({
	name: 'STORE',
	states: SELECTED,
	async run(ctx, command) {
		const view = viewOf(ctx);
		const verb = command.uid ? 'UID STORE' : 'STORE';
		const found = resolve(view, command.sequence, command.uid);
		if ('error' in found) return ctx.tagged(command.tag, 'badSequence', { message: found.error });
		const stored = view.store(found.uids, command.flags, command.operation);
		if ('refusal' in stored) return refused(ctx, command.tag, verb, view.name, stored);
		// §6.4.6: the new flags of each message, unless .SILENT; with UID STORE, its UID (§6.4.8).
		if (!command.silent)
			for (const uid of found.uids) {
				const entry = view.entry(uid);
				if (!entry) continue;
				const attributes: [string, ImapValue][] = [['FLAGS', entry.flags.map(atom)]];
				if (command.uid) attributes.push(['UID', uid]);
				await ctx.send(fetchResponse(entry.seq, attributes));
			}
		await ctx.tagged(command.tag, 'store', { verb });
	}
});

const SEARCH = commandRow({
	name: 'SEARCH',
	states: SELECTED,
	async run(ctx, command) {
		const view = viewOf(ctx);
		const verb = command.uid ? 'UID SEARCH' : 'SEARCH';
		const charset = command.charset?.toUpperCase();
		if (charset && !(SEARCH_CHARSETS as readonly string[]).includes(charset))
			return ctx.tagged(
				command.tag,
				'badCharset',
				{ charset: command.charset! },
				{ code: 'BADCHARSET', charsets: [...SEARCH_CHARSETS] }
			);
		const uids = view.uids;
		const bounds = { maxSeq: uids.length, maxUid: uids.length ? uids[uids.length - 1] : 0 };
		const hits: number[] = [];
		for (const uid of uids) {
			const entry = view.entry(uid);
			if (!entry) continue;
			const message = {
				seq: entry.seq,
				uid,
				flags: entry.flags,
				internalDate: entry.internalDate,
				size: view.size(uid) ?? 0,
				content: () => view.content(uid)
			};
			if (matches(command.criteria, message, bounds)) hits.push(command.uid ? uid : entry.seq);
		}
		// §7.2.5: "* SEARCH" and the numbers, or nothing after it when none matched.
		await ctx.data(atom('SEARCH'), ...hits);
		await ctx.tagged(command.tag, 'search', { verb });
	}
});

const COPY = commandRow({
	name: 'COPY',
	states: SELECTED,
	async run(ctx, command) {
		const view = viewOf(ctx);
		const verb = command.uid ? 'UID COPY' : 'COPY';
		const target = command.mailbox;
		if (target.name === null)
			return ctx.tagged(command.tag, 'badMailboxName', { verb, mailbox: target.raw });
		const found = resolve(view, command.sequence, command.uid);
		if ('error' in found) return ctx.tagged(command.tag, 'badSequence', { message: found.error });
		const copied = view.copy(found.uids, target.name);
		if ('refusal' in copied) return refused(ctx, command.tag, verb, target.name, copied);
		await ctx.tagged(command.tag, 'copy', {
			verb,
			count: copied.uids.length,
			mailbox: target.name
		});
	}
});

const APPEND = commandRow({
	name: 'APPEND',
	states: AUTHENTICATED,
	async run(ctx, command) {
		const target = command.mailbox;
		if (target.name === null)
			return ctx.tagged(command.tag, 'badMailboxName', { verb: 'APPEND', mailbox: target.raw });
		const folders = ctx.mailboxes.imap;
		const appended = folders.append(
			ctx.account!,
			target.name,
			Buffer.from(command.message),
			command.flags ?? [],
			command.internalDate ? momentOf(command.internalDate).getTime() : ctx.now().getTime()
		);
		if ('refusal' in appended) return refused(ctx, command.tag, 'APPEND', target.name, appended);
		await ctx.tagged(command.tag, 'append', {
			mailbox: target.name,
			octets: command.message.length
		});
	}
});

export const MESSAGE_COMMANDS: ImapCommandRow[] = [FETCH, STORE, SEARCH, COPY, APPEND];
