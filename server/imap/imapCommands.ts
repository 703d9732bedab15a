/**
 * The IMAP command table: each command the server answers beyond the session's own (CAPABILITY,
 * NOOP, LOGOUT, STARTTLS, LOGIN, AUTHENTICATE, IDLE, in imapConnection.ts), with the states it
 * is valid in (RFC 3501 §6.3: authenticated or selected; §6.4: selected) and its handler. The
 * mailbox-level rows are here; the message-level ones (FETCH, STORE, SEARCH, COPY, APPEND) in
 * messageCommands.ts. Folders, UIDs and flags are the IMAP store's (server/mailboxes/).
 */
import type { ImapCommand } from '../../src/lib/imap/protocol/commandParser';
import {
	encodeModifiedUtf7,
	decodeModifiedUtf7,
	type MailboxName
} from '../../src/lib/imap/protocol/mailboxName';
import { atom } from '../../src/lib/imap/protocol/responseWriter';
import type { ImapRefusal, FolderListing } from '../mailboxes/imapFolders';
import { PERMANENT_FLAGS, HIERARCHY_DELIMITER } from '../mailboxes/imapFolderRecord';
import type { ReaderActBy } from '../mailboxes/mailboxes';
import {
	AUTHENTICATED,
	commandRow,
	SELECTED,
	type ImapCommandRow,
	type ImapContext
} from './imapCommand';
import type { ImapReplyName } from './imapReplies';
import { MESSAGE_COMMANDS } from './messageCommands';

/** Who did it: this session's command, for the reader acts a RENAME of INBOX or EXPUNGE records. */
function by(ctx: ImapContext, command: string): ReaderActBy {
	return { sessionId: ctx.id, at: ctx.now().getTime(), protocol: 'imap', command };
}

/** The store's refusal of a mailbox command, worded from the replies table. */
const REFUSAL_REPLIES: Record<ImapRefusal['refusal'], ImapReplyName> = {
	noSuchFolder: 'noSuchMailbox',
	exists: 'folderExists',
	systemFolder: 'systemFolder',
	noinferiors: 'noinferiors',
	noselect: 'notSelectable',
	badName: 'badMailboxName',
	intoItself: 'intoItself',
	nameTooLong: 'nameTooLong',
	tooManyFolders: 'tooManyFolders',
	folderFull: 'folderFull',
	readOnly: 'readOnly',
	labStorageFull: 'storageFull',
	ownerStorageFull: 'storageFull'
};

function refused(
	ctx: ImapContext,
	tag: string,
	verb: string,
	mailbox: MailboxName,
	refusal: ImapRefusal
): Promise<void> {
	return ctx.tagged(tag, REFUSAL_REPLIES[refusal.refusal], {
		verb,
		mailbox: mailbox.raw,
		limit: refusal.limit ?? 0
	});
}

/** A name the client sent that is not valid modified UTF-7 (§5.1.3). */
function badName(ctx: ImapContext, tag: string, verb: string, mailbox: MailboxName): Promise<void> {
	return ctx.tagged(tag, 'badMailboxName', { verb, mailbox: mailbox.raw });
}

/**
 * LIST's and LSUB's pattern (§6.3.8): the reference and the pattern joined, "*" matching any
 * characters, "%" any but the hierarchy delimiter; INBOX matches in any case (§5.1).
 */
function matcher(reference: string, pattern: string): ((name: string) => boolean) | null {
	const decoded = decodeModifiedUtf7(reference + pattern);
	if (decoded === null) return null;
	const source = [...decoded]
		.map((ch) =>
			ch === '*'
				? '.*'
				: ch === '%'
					? `[^${HIERARCHY_DELIMITER}]*`
					: ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
		)
		.join('');
	const exact = new RegExp(`^${source}$`, 'u');
	const anyCase = new RegExp(`^${source}$`, 'iu');
	return (name) => exact.test(name) || (name === 'INBOX' && anyCase.test(name));
}

async function listing(
	ctx: ImapContext,
	kind: 'LIST' | 'LSUB',
	reference: MailboxName,
	pattern: string,
	folders: FolderListing[]
): Promise<void> {
	// §6.3.8: an empty pattern asks for the hierarchy delimiter and the root.
	if (pattern === '' && kind === 'LIST') {
		await ctx.data(atom('LIST'), [atom('\\Noselect')], HIERARCHY_DELIMITER, '');
		return;
	}
	const matches = matcher(reference.raw, pattern);
	if (!matches) return;
	for (const folder of folders)
		if (matches(folder.name))
			await ctx.data(
				atom(kind),
				folder.attributes.map(atom),
				HIERARCHY_DELIMITER,
				encodeModifiedUtf7(folder.name)
			);
}

const LIST = commandRow({
	name: 'LIST',
	states: AUTHENTICATED,
	async run(ctx, command) {
		await listing(
			ctx,
			'LIST',
			command.reference,
			command.pattern,
			ctx.mailboxes.imap.list(ctx.account!)
		);
		await ctx.tagged(command.tag, 'list');
	}
});

const LSUB = commandRow({
	name: 'LSUB',
	states: AUTHENTICATED,
	async run(ctx, command) {
		await listing(
			ctx,
			'LSUB',
			command.reference,
			command.pattern,
			ctx.mailboxes.imap.subscribed(ctx.account!)
		);
		await ctx.tagged(command.tag, 'lsub');
	}
});

/** CREATE, DELETE, SUBSCRIBE, UNSUBSCRIBE: one name, the store's verdict, OK or NO. */
function oneName(
	name: 'CREATE' | 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE',
	done: ImapReplyName,
	act: (ctx: ImapContext, folder: string) => { name: string } | ImapRefusal
): ImapCommandRow {
	return commandRow({
		name,
		states: AUTHENTICATED,
		async run(ctx, command) {
			if (command.mailbox.name === null) return badName(ctx, command.tag, name, command.mailbox);
			const result = act(ctx, command.mailbox.name);
			if ('refusal' in result) return refused(ctx, command.tag, name, command.mailbox, result);
			await ctx.tagged(command.tag, done);
		}
	});
}

const CREATE = oneName('CREATE', 'create', (ctx, folder) =>
	ctx.mailboxes.imap.create(ctx.account!, folder)
);
const DELETE = oneName('DELETE', 'delete', (ctx, folder) =>
	ctx.mailboxes.imap.delete(ctx.account!, folder)
);
const SUBSCRIBE = oneName('SUBSCRIBE', 'subscribe', (ctx, folder) =>
	ctx.mailboxes.imap.subscribe(ctx.account!, folder)
);
const UNSUBSCRIBE = oneName('UNSUBSCRIBE', 'unsubscribe', (ctx, folder) =>
	ctx.mailboxes.imap.unsubscribe(ctx.account!, folder)
);

const RENAME = commandRow({
	name: 'RENAME',
	states: AUTHENTICATED,
	async run(ctx, command) {
		if (command.from.name === null) return badName(ctx, command.tag, 'RENAME', command.from);
		if (command.to.name === null) return badName(ctx, command.tag, 'RENAME', command.to);
		const result = ctx.mailboxes.imap.rename(
			ctx.account!,
			command.from.name,
			command.to.name,
			by(ctx, 'RENAME')
		);
		if ('refusal' in result) {
			const named = result.refusal === 'exists' ? command.to : command.from;
			return refused(ctx, command.tag, 'RENAME', named, result);
		}
		await ctx.tagged(command.tag, 'rename');
	}
});

const STATUS = commandRow({
	name: 'STATUS',
	states: AUTHENTICATED,
	async run(ctx, command) {
		if (command.mailbox.name === null) return badName(ctx, command.tag, 'STATUS', command.mailbox);
		const status = ctx.mailboxes.imap.status(ctx.account!, command.mailbox.name);
		if ('refusal' in status) return refused(ctx, command.tag, 'STATUS', command.mailbox, status);
		const values = {
			MESSAGES: status.messages,
			RECENT: status.recent,
			UIDNEXT: status.uidNext,
			UIDVALIDITY: status.uidValidity,
			UNSEEN: status.unseen
		};
		// §7.2.4: the name as the client gave it, then each asked-for item and its number.
		await ctx.data(
			atom('STATUS'),
			command.mailbox.raw,
			command.items.flatMap((item) => [atom(item), values[item]])
		);
		await ctx.tagged(command.tag, 'status');
	}
});

/** SELECT and EXAMINE (§6.3.1, §6.3.2): the folder's state, then OK [READ-WRITE] or [READ-ONLY]. */
function open(name: 'SELECT' | 'EXAMINE'): ImapCommandRow {
	const readOnly = name === 'EXAMINE';
	return commandRow({
		name,
		states: AUTHENTICATED,
		async run(ctx, command) {
			// §6.3.1: a SELECT leaves any open mailbox first, and a failed one leaves none open.
			ctx.enter('authenticated');
			if (command.mailbox.name === null) return badName(ctx, command.tag, name, command.mailbox);
			const view = ctx.mailboxes.imap.open(ctx.account!, command.mailbox.name, readOnly);
			if ('refusal' in view) return refused(ctx, command.tag, name, command.mailbox, view);
			ctx.enter('selected', view);
			await ctx.data(atom('FLAGS'), PERMANENT_FLAGS.map(atom));
			await ctx.data(view.exists, atom('EXISTS'));
			await ctx.data(view.recent, atom('RECENT'));
			const unseen = view.firstUnseen;
			if (unseen !== null)
				await ctx.untagged('unseen', { n: unseen }, { code: 'UNSEEN', value: unseen });
			// EXAMINE changes nothing, so no flag is permanent there.
			await ctx.untagged(
				readOnly ? 'permanentFlagsNone' : 'permanentFlags',
				{},
				{
					code: 'PERMANENTFLAGS',
					flags: readOnly ? [] : [...PERMANENT_FLAGS]
				}
			);
			await ctx.untagged('uidValidity', {}, { code: 'UIDVALIDITY', value: view.uidValidity });
			await ctx.untagged('uidNext', {}, { code: 'UIDNEXT', value: view.uidNext });
			await ctx.tagged(command.tag, readOnly ? 'examine' : 'select', {
				mailbox: encodeModifiedUtf7(view.name)
			});
		}
	});
}

const CHECK = commandRow({
	name: 'CHECK',
	states: SELECTED,
	async run(ctx, command) {
		// Every change is written to the store as it is made: nothing is left to checkpoint.
		await ctx.tagged(command.tag, 'check');
	}
});

const CLOSE = commandRow({
	name: 'CLOSE',
	states: SELECTED,
	async run(ctx, command) {
		const view = ctx.selected!;
		// §6.4.2: CLOSE expunges \Deleted messages silently, unless the mailbox is read-only.
		if (!view.readOnly) view.expunge(by(ctx, 'CLOSE'));
		ctx.enter('authenticated');
		await ctx.tagged(command.tag, view.readOnly ? 'closeReadOnly' : 'close');
	}
});

const UNSELECT = commandRow({
	name: 'UNSELECT',
	states: SELECTED,
	async run(ctx, command) {
		ctx.enter('authenticated');
		await ctx.tagged(command.tag, 'unselect');
	}
});

const EXPUNGE = commandRow({
	name: 'EXPUNGE',
	states: SELECTED,
	async run(ctx, command) {
		const gone = ctx.selected!.expunge(by(ctx, 'EXPUNGE'));
		if ('refusal' in gone) return ctx.tagged(command.tag, 'readOnly', { verb: 'EXPUNGE' });
		for (const seq of gone) await ctx.data(seq, atom('EXPUNGE'));
		await ctx.tagged(command.tag, 'expunge');
	}
});

const ENABLE = commandRow({
	name: 'ENABLE',
	// RFC 5161 §3.1: valid only in the authenticated state.
	states: ['authenticated'],
	async run(ctx, command) {
		// No capability this server offers can be enabled: "* ENABLED" names none (RFC 5161 §3.2).
		await ctx.data(atom('ENABLED'));
		await ctx.tagged(command.tag, 'enable');
	}
});

const MAILBOX_COMMANDS: ImapCommandRow[] = [
	LIST,
	LSUB,
	CREATE,
	DELETE,
	RENAME,
	SUBSCRIBE,
	UNSUBSCRIBE,
	STATUS,
	open('SELECT'),
	open('EXAMINE'),
	CHECK,
	CLOSE,
	UNSELECT,
	EXPUNGE,
	ENABLE
];

export const IMAP_COMMAND_TABLE: ReadonlyMap<ImapCommand['name'], ImapCommandRow> = new Map(
	[...MAILBOX_COMMANDS, ...MESSAGE_COMMANDS].map((row) => [row.name, row])
);
