/*
 * Parses one framed client command into a typed tree, following RFC 3501 §9 strictly (§2.2.1:
 * "It is a syntax error to send a command with missing or extraneous spaces or arguments"),
 * or says where it breaks the grammar and what the grammar expected there.
 *
 *   command         = tag SP (command-any / command-auth / command-nonauth /
 *                     command-select) CRLF
 *   command-any     = "CAPABILITY" / "LOGOUT" / "NOOP" / x-command
 *   command-auth    = append / create / delete / examine / list / lsub /
 *                     rename / select / status / subscribe / unsubscribe
 *   command-nonauth = login / authenticate / "STARTTLS"
 *   command-select  = "CHECK" / "CLOSE" / "EXPUNGE" / copy / fetch / store / uid / search
 *   append          = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal
 *   authenticate    = "AUTHENTICATE" SP auth-type *(CRLF base64)
 *   login           = "LOGIN" SP userid SP password          ; userid, password = astring
 *   create / delete / examine / select / subscribe / unsubscribe = <name> SP mailbox
 *   rename          = "RENAME" SP mailbox SP mailbox
 *   list / lsub     = <name> SP mailbox SP list-mailbox
 *   list-mailbox    = 1*list-char / string
 *   status          = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
 *   status-att      = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN"
 *   copy            = "COPY" SP sequence-set SP mailbox
 *   fetch           = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" /
 *                     fetch-att / "(" fetch-att *(SP fetch-att) ")")
 *   fetch-att       = "ENVELOPE" / "FLAGS" / "INTERNALDATE" /
 *                     "RFC822" [".HEADER" / ".SIZE" / ".TEXT"] /
 *                     "BODY" ["STRUCTURE"] / "UID" /
 *                     "BODY" section ["<" number "." nz-number ">"] /
 *                     "BODY.PEEK" section ["<" number "." nz-number ">"]
 *   section         = "[" [section-spec] "]"
 *   section-spec    = section-msgtext / (section-part ["." section-text])
 *   section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
 *   section-part    = nz-number *("." nz-number)
 *   section-text    = section-msgtext / "MIME"
 *   header-list     = "(" header-fld-name *(SP header-fld-name) ")"
 *   store           = "STORE" SP sequence-set SP store-att-flags
 *   store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
 *   flag-list       = "(" [flag *(SP flag)] ")"
 *   flag            = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" /
 *                     flag-keyword / flag-extension      ; flag-keyword = atom, flag-extension = "\" atom
 *   search          = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)
 *   search-key      = (see SEARCH_KEYS below, one row per alternative)
 *   uid             = "UID" SP (copy / fetch / search / store)
 *   sequence-set    = (seq-number / seq-range) *("," sequence-set)
 *   seq-range       = seq-number ":" seq-number
 *   seq-number      = nz-number / "*"
 *
 * Extensions: "IDLE" CRLF "DONE" (RFC 2177 §4), "UNSELECT" (RFC 3691), "ENABLE" 1*(SP capability)
 * (RFC 5161).
 */
import { Cursor, SyntaxFailure, isAstringChar, isListChar, tagOf, type Framed } from './grammar';
import { mailboxName, type MailboxName } from './mailboxName';
import { readDate, readDateTime, type ImapDate, type ImapDateTime } from './dateTime';

/** seq-number: a number, or "*" for the largest in use (§9). */
export type SeqNumber = number | '*';
export type SequenceSet = { from: SeqNumber; to?: SeqNumber }[];

export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN';

export interface Section {
	/** section-part: "1.2" is [1, 2]; [] for the whole message. */
	part: number[];
	text?: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
	/** header-list of HEADER.FIELDS (.NOT), as sent. */
	fields?: string[];
}

export type SimpleFetchItem =
	| 'ENVELOPE'
	| 'FLAGS'
	| 'INTERNALDATE'
	| 'RFC822'
	| 'RFC822.HEADER'
	| 'RFC822.SIZE'
	| 'RFC822.TEXT'
	| 'BODY'
	| 'BODYSTRUCTURE'
	| 'UID';

export type FetchItem =
	| { item: SimpleFetchItem }
	| {
			item: 'BODY[section]';
			/** BODY.PEEK: does not set \Seen (§6.4.5). */
			peek: boolean;
			section: Section;
			partial?: { offset: number; length: number };
	  };

export type SearchKey =
	| { key: SearchFlagKey }
	| { key: SearchTextKey; value: string }
	| { key: SearchDateKey; date: ImapDate }
	| { key: 'LARGER' | 'SMALLER'; size: number }
	| { key: 'KEYWORD' | 'UNKEYWORD'; flag: string }
	| { key: 'HEADER'; field: string; value: string }
	| { key: 'NOT'; operand: SearchKey }
	| { key: 'OR'; left: SearchKey; right: SearchKey }
	| { key: 'UID'; set: SequenceSet }
	| { key: 'SEQUENCE'; set: SequenceSet }
	/** A parenthesized group: all must match. */
	| { key: 'AND'; operands: SearchKey[] };

export type SearchFlagKey =
	| 'ALL'
	| 'ANSWERED'
	| 'DELETED'
	| 'DRAFT'
	| 'FLAGGED'
	| 'NEW'
	| 'OLD'
	| 'RECENT'
	| 'SEEN'
	| 'UNANSWERED'
	| 'UNDELETED'
	| 'UNDRAFT'
	| 'UNFLAGGED'
	| 'UNSEEN';
export type SearchTextKey = 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO';
export type SearchDateKey = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

export type ImapCommand = { tag: string } & (
	| {
			name:
				| 'CAPABILITY'
				| 'NOOP'
				| 'LOGOUT'
				| 'STARTTLS'
				| 'CHECK'
				| 'CLOSE'
				| 'EXPUNGE'
				| 'IDLE'
				| 'UNSELECT';
	  }
	| { name: 'LOGIN'; userid: string; password: string }
	| { name: 'AUTHENTICATE'; mechanism: string }
	| {
			name: 'SELECT' | 'EXAMINE' | 'CREATE' | 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE';
			mailbox: MailboxName;
	  }
	| { name: 'RENAME'; from: MailboxName; to: MailboxName }
	| { name: 'LIST' | 'LSUB'; reference: MailboxName; pattern: string }
	| { name: 'STATUS'; mailbox: MailboxName; items: StatusItem[] }
	| { name: 'ENABLE'; capabilities: string[] }
	| {
			name: 'APPEND';
			mailbox: MailboxName;
			flags?: string[];
			internalDate?: ImapDateTime;
			message: Uint8Array;
	  }
	| {
			name: 'FETCH';
			uid: boolean;
			sequence: SequenceSet;
			/** The macro as sent (§6.4.5), when one was; `items` holds its expansion. */
			macro?: 'ALL' | 'FAST' | 'FULL';
			items: FetchItem[];
	  }
	| {
			name: 'STORE';
			uid: boolean;
			sequence: SequenceSet;
			/** FLAGS replaces, +FLAGS adds, -FLAGS removes; .SILENT: no untagged FETCH back (§6.4.6). */
			operation: 'replace' | 'add' | 'remove';
			silent: boolean;
			flags: string[];
	  }
	| { name: 'SEARCH'; uid: boolean; charset?: string; criteria: SearchKey[] }
	| { name: 'COPY'; uid: boolean; sequence: SequenceSet; mailbox: MailboxName }
);

export type CommandName = ImapCommand['name'];

export interface CommandSyntaxError {
	/** The command's tag, when one could be read: the server answers "<tag> BAD", else "* BAD". */
	tag?: string;
	/** The command name as understood (upper case), when it got that far. */
	command?: string;
	/** Not a name this server knows, rather than a known command used wrongly. */
	unknownCommand?: boolean;
	/** Octet offset in the command's lines (literal octets left out). */
	position: number;
	found: string;
	expected: string;
	message: string;
}

export type ParseResult =
	{ ok: true; command: ImapCommand } | { ok: false; error: CommandSyntaxError };

export interface ParseOptions {
	/**
	 * Check only the tag and the command name: for the first line of a command that announces a
	 * literal, so that the server refuses an unknown command before it asks for the octets (§7.5).
	 * The command returned then carries no arguments.
	 */
	startOnly?: boolean;
	/** Deepest nesting of SEARCH's NOT, OR and parentheses; keeps recursion bounded. */
	maxSearchDepth?: number;
}

export const DEFAULT_MAX_SEARCH_DEPTH = 32;

/** The §6.4.5 macros: "equivalent to" these fetch-atts. */
export const FETCH_MACROS: Record<'ALL' | 'FAST' | 'FULL', SimpleFetchItem[]> = {
	ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
	FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
	FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']
};

const SIMPLE_FETCH_ITEMS = new Set<string>([
	'ENVELOPE',
	'FLAGS',
	'INTERNALDATE',
	'RFC822',
	'RFC822.HEADER',
	'RFC822.SIZE',
	'RFC822.TEXT',
	'BODY',
	'BODYSTRUCTURE',
	'UID'
]);

const STATUS_ITEMS = new Set<string>(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN']);

/** The flags §9 names; matched case-insensitively and written as the RFC spells them. */
const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'];

/** search-key alternatives by their argument (RFC 3501 §9 search-key, §6.4.4). */
const SEARCH_KEYS: Record<string, 'none' | 'astring' | 'date' | 'number' | 'keyword'> = {
	ALL: 'none',
	ANSWERED: 'none',
	DELETED: 'none',
	DRAFT: 'none',
	FLAGGED: 'none',
	NEW: 'none',
	OLD: 'none',
	RECENT: 'none',
	SEEN: 'none',
	UNANSWERED: 'none',
	UNDELETED: 'none',
	UNDRAFT: 'none',
	UNFLAGGED: 'none',
	UNSEEN: 'none',
	BCC: 'astring',
	BODY: 'astring',
	CC: 'astring',
	FROM: 'astring',
	SUBJECT: 'astring',
	TEXT: 'astring',
	TO: 'astring',
	BEFORE: 'date',
	ON: 'date',
	SINCE: 'date',
	SENTBEFORE: 'date',
	SENTON: 'date',
	SENTSINCE: 'date',
	LARGER: 'number',
	SMALLER: 'number',
	KEYWORD: 'keyword',
	UNKEYWORD: 'keyword'
};

type Body<T> = T extends unknown ? Omit<T, 'tag'> : never;
type CommandBody = Body<ImapCommand>;

/** Commands with no arguments: the name is the whole command. */
const BARE = new Set([
	'CAPABILITY',
	'NOOP',
	'LOGOUT',
	'STARTTLS',
	'CHECK',
	'CLOSE',
	'EXPUNGE',
	'IDLE',
	'UNSELECT'
]);

class CommandGrammar {
	#depth = 0;

	constructor(
		readonly c: Cursor,
		readonly maxSearchDepth: number
	) {}

	command(name: string): CommandBody {
		const c: Cursor = this.c;
		if (BARE.has(name)) return { name } as CommandBody;
		switch (name) {
			case 'LOGIN': {
				c.sp();
				const userid = c.astring('a user name (astring)');
				c.sp();
				return { name, userid, password: c.astring('a password (astring)') };
			}
			case 'AUTHENTICATE':
				c.sp();
				return { name, mechanism: c.atom('a SASL mechanism name (auth-type)').toUpperCase() };
			case 'SELECT':
			case 'EXAMINE':
			case 'CREATE':
			case 'DELETE':
			case 'SUBSCRIBE':
			case 'UNSUBSCRIBE':
				c.sp();
				return { name, mailbox: this.mailbox() };
			case 'RENAME': {
				c.sp();
				const from = this.mailbox();
				c.sp();
				return { name, from, to: this.mailbox() };
			}
			case 'LIST':
			case 'LSUB': {
				c.sp();
				const reference = this.mailbox();
				c.sp();
				return { name, reference, pattern: this.listMailbox() };
			}
			case 'STATUS': {
				c.sp();
				const mailbox = this.mailbox();
				c.sp();
				const items = this.list(() => {
					const item = c
						.atom('a status item: MESSAGES, RECENT, UIDNEXT, UIDVALIDITY or UNSEEN')
						.toUpperCase();
					if (!STATUS_ITEMS.has(item)) {
						c.skip(-item.length);
						c.fail('a status item: MESSAGES, RECENT, UIDNEXT, UIDVALIDITY or UNSEEN');
					}
					return item as StatusItem;
				}, false);
				return { name, mailbox, items };
			}
			case 'ENABLE': {
				const capabilities: string[] = [];
				do {
					c.sp();
					capabilities.push(c.atom('a capability name').toUpperCase());
				} while (c.peek() === ' ');
				return { name, capabilities };
			}
			case 'APPEND':
				return this.append();
			case 'UID': {
				c.sp();
				const sub = c.atom('COPY, FETCH, SEARCH or STORE after UID').toUpperCase();
				if (!['COPY', 'FETCH', 'SEARCH', 'STORE'].includes(sub)) {
					c.skip(-sub.length);
					c.fail(
						'COPY, FETCH, SEARCH or STORE after UID',
						`UID ${sub} is not a command: UID goes with COPY, FETCH, SEARCH or STORE (RFC 3501 §6.4.8)`
					);
				}
				return this.selected(sub, true);
			}
			case 'COPY':
			case 'FETCH':
			case 'SEARCH':
			case 'STORE':
				return this.selected(name, false);
		}
		throw new Error(`no grammar for ${name}`);
	}

	selected(name: string, uid: boolean): CommandBody {
		const c: Cursor = this.c;
		c.sp();
		if (name === 'SEARCH') return this.search(uid);
		const sequence = this.sequenceSet();
		c.sp();
		if (name === 'COPY') return { name, uid, sequence, mailbox: this.mailbox() };
		if (name === 'STORE') return this.store(uid, sequence);
		return this.fetch(uid, sequence);
	}

	/** mailbox = "INBOX" / astring */
	mailbox(): MailboxName {
		return mailboxName(this.c.astring('a mailbox name (astring)'));
	}

	/** list-mailbox = 1*list-char / string */
	listMailbox(): string {
		const c: Cursor = this.c;
		if (c.peek() === '"' || c.peek() === '{') return c.string();
		const text = c.run(isListChar);
		if (!text) c.fail('a mailbox pattern (list-char such as % and *, or a string)');
		return text;
	}

	/** "(" item *(SP item) ")"; `empty` allows "()" */
	list<T>(item: () => T, empty: boolean): T[] {
		const c: Cursor = this.c;
		c.expect('(', '"(" to open a parenthesized list');
		const items: T[] = [];
		if (empty && c.accept(')')) return items;
		items.push(item());
		while (c.peek() === ' ') {
			c.sp();
			items.push(item());
		}
		if (c.peek() === '')
			c.fail('")"', 'unbalanced parentheses: the list is not closed with ")" (RFC 3501 §4.4)');
		c.expect(')', 'SP or ")"');
		return items;
	}

	/** sequence-set = (seq-number / seq-range) *("," sequence-set) */
	sequenceSet(): SequenceSet {
		const set: SequenceSet = [];
		do {
			const from = this.seqNumber();
			if (this.c.accept(':')) set.push({ from, to: this.seqNumber() });
			else set.push({ from });
		} while (this.c.accept(','));
		return set;
	}

	seqNumber(): SeqNumber {
		if (this.c.accept('*')) return '*';
		return this.c.nzNumber('a message number (nz-number or "*")');
	}

	flag(): string {
		const c: Cursor = this.c;
		if (c.accept('\\')) {
			const name = c.atom('a flag name after "\\"');
			return SYSTEM_FLAGS.find((f) => f.toLowerCase() === `\\${name}`.toLowerCase()) ?? `\\${name}`;
		}
		return c.atom('a flag (\\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft or a keyword)');
	}

	flagList(): string[] {
		return this.list(() => this.flag(), true);
	}

	append(): CommandBody {
		const c: Cursor = this.c;
		c.sp();
		const mailbox = this.mailbox();
		c.sp();
		let flags: string[] | undefined;
		let internalDate: ImapDateTime | undefined;
		if (c.peek() === '(') {
			flags = this.flagList();
			c.sp();
		}
		// A date-time starts with a day; any other quoted string here is a message sent quoted.
		if (c.peek() === '"' && /^"[ 0-9][0-9]-/.test(c.rest())) {
			internalDate = readDateTime(c);
			c.sp();
		}
		if (c.peek() !== '{')
			c.fail(
				'the message as a literal "{n}"',
				'APPEND\'s message must be a literal "{n}" (RFC 3501 §9 append)'
			);
		return { name: 'APPEND', mailbox, flags, internalDate, message: c.literal() };
	}

	fetch(uid: boolean, sequence: SequenceSet): CommandBody {
		const c: Cursor = this.c;
		if (c.peek() === '(')
			return { name: 'FETCH', uid, sequence, items: this.list(() => this.fetchAtt(), false) };
		for (const macro of ['ALL', 'FAST', 'FULL'] as const)
			if (c.acceptWord(macro))
				return {
					name: 'FETCH',
					uid,
					sequence,
					macro,
					items: FETCH_MACROS[macro].map((item) => ({ item }))
				};
		return { name: 'FETCH', uid, sequence, items: [this.fetchAtt()] };
	}

	fetchAtt(): FetchItem {
		const c: Cursor = this.c;
		const expected =
			'a fetch item (FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODYSTRUCTURE, BODY[...], BODY.PEEK[...])';
		const word = c.run((ch) => /[A-Za-z0-9.]/.test(ch)).toUpperCase();
		if (c.peek() === '[' && (word === 'BODY' || word === 'BODY.PEEK')) {
			const section = readSection(c);
			let partial: { offset: number; length: number } | undefined;
			if (c.accept('<')) {
				const offset = c.number("the partial fetch's first octet");
				c.expect('.', '"." between offset and length: <offset.length>');
				const length = c.nzNumber("the partial fetch's octet count (non-zero)");
				c.expect('>', '">" closing <offset.length>');
				partial = { offset, length };
			}
			return { item: 'BODY[section]', peek: word === 'BODY.PEEK', section, partial };
		}
		if (SIMPLE_FETCH_ITEMS.has(word) && !(c.peek() && isAstringChar(c.peek())))
			return { item: word as SimpleFetchItem };
		c.skip(-word.length);
		if (word === 'BODY.PEEK')
			c.fail(
				'BODY.PEEK[section]',
				'BODY.PEEK needs a section, e.g. BODY.PEEK[] or BODY.PEEK[HEADER] (RFC 3501 §6.4.5)'
			);
		return c.fail(expected);
	}

	store(uid: boolean, sequence: SequenceSet): CommandBody {
		const c: Cursor = this.c;
		const operation = c.accept('+') ? 'add' : c.accept('-') ? 'remove' : 'replace';
		if (!c.accept('FLAGS')) c.fail('FLAGS, +FLAGS or -FLAGS (optionally .SILENT)');
		const silent = c.accept('.SILENT');
		c.sp();
		let flags: string[];
		if (c.peek() === '(') flags = this.flagList();
		else {
			flags = [this.flag()];
			while (c.peek() === ' ') {
				c.sp();
				flags.push(this.flag());
			}
		}
		return { name: 'STORE', uid, sequence, operation, silent, flags };
	}

	search(uid: boolean): CommandBody {
		const c: Cursor = this.c;
		let charset: string | undefined;
		if (c.acceptWord('CHARSET')) {
			c.sp();
			charset = c.astring('a charset name');
			c.sp();
		}
		const criteria = [this.searchKey()];
		while (c.peek() === ' ') {
			c.sp();
			criteria.push(this.searchKey());
		}
		return { name: 'SEARCH', uid, charset, criteria };
	}

	searchKey(): SearchKey {
		const c: Cursor = this.c;
		if (++this.#depth > this.maxSearchDepth)
			c.fail(
				'a simpler search',
				`search criteria nested deeper than ${this.maxSearchDepth} levels`
			);
		try {
			if (c.peek() === '(')
				return { key: 'AND', operands: this.list(() => this.searchKey(), false) };
			if (c.peek() === '*' || (c.peek() >= '1' && c.peek() <= '9'))
				return { key: 'SEQUENCE', set: this.sequenceSet() };
			const word = c
				.atom('a search key (e.g. ALL, UNSEEN, FROM "x", SINCE 1-Feb-1994, a message set)')
				.toUpperCase();
			const argument = SEARCH_KEYS[word];
			if (argument === 'none') return { key: word as SearchFlagKey };
			if (argument) c.sp();
			switch (argument) {
				case 'astring':
					return { key: word as SearchTextKey, value: c.astring() };
				case 'date':
					return { key: word as SearchDateKey, date: readDate(c) };
				case 'number':
					return { key: word as 'LARGER' | 'SMALLER', size: c.number('a size in octets') };
				case 'keyword':
					return {
						key: word as 'KEYWORD' | 'UNKEYWORD',
						flag: c.atom('a keyword (flag-keyword = atom)')
					};
			}
			switch (word) {
				case 'HEADER': {
					c.sp();
					const field = c.astring('a header field name');
					c.sp();
					return { key: 'HEADER', field, value: c.astring() };
				}
				case 'NOT':
					c.sp();
					return { key: 'NOT', operand: this.searchKey() };
				case 'OR': {
					c.sp();
					const left = this.searchKey();
					c.sp();
					return { key: 'OR', left, right: this.searchKey() };
				}
				case 'UID':
					c.sp();
					return { key: 'UID', set: this.sequenceSet() };
			}
			c.skip(-word.length);
			c.fail('a search key', `${word} is not a search key (RFC 3501 §6.4.4)`);
		} finally {
			this.#depth--;
		}
	}
}

/** section = "[" [section-spec] "]" (shared with the response parser's BODY[section]) */
export function readSection(c: Cursor): Section {
	c.expect('[');
	const section: Section = { part: [] };
	if (c.peek() >= '1' && c.peek() <= '9') {
		section.part.push(c.nzNumber());
		while (c.peek() === '.' && c.peek(1) >= '0' && c.peek(1) <= '9') {
			c.skip(1);
			section.part.push(c.nzNumber('a body part number (nz-number)'));
		}
		if (c.accept('.')) readSectionText(c, section, true);
	} else if (c.peek() !== ']') readSectionText(c, section, false);
	c.expect(']', '"]" closing the section');
	return section;
}

/** section-text = section-msgtext / "MIME" (MIME only after a part number) */
function readSectionText(c: Cursor, section: Section, afterPart: boolean): void {
	const word = c.run((ch) => /[A-Za-z.]/.test(ch)).toUpperCase();
	const allowed = afterPart
		? ['HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME']
		: ['HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT'];
	if (!allowed.includes(word)) {
		c.skip(-word.length);
		c.fail(`a section: ${afterPart ? 'a part number, ' : ''}${allowed.join(', ')}`);
	}
	section.text = word as Section['text'];
	if (word.startsWith('HEADER.FIELDS')) {
		c.sp();
		section.fields = [];
		c.expect('(', '"(" opening the header-list');
		section.fields.push(c.astring('a header field name'));
		while (c.peek() === ' ') {
			c.sp();
			section.fields.push(c.astring('a header field name'));
		}
		c.expect(')', 'SP or ")" closing the header-list');
	}
}

/** Parses one command the reader framed. */
export function parseCommand(framed: Framed, options: ParseOptions = {}): ParseResult {
	const c: Cursor = new Cursor(framed);
	const tag = tagOf(framed.segments[0]);
	let name: string | undefined;
	let unknownCommand: boolean | undefined;
	try {
		if (framed.segments.join('') === '')
			c.fail('a tag', 'empty line: a command starts with a tag, e.g. "a1 NOOP" (RFC 3501 §2.2.1)');
		if (tag === undefined)
			c.fail(
				'a tag (letters and digits, e.g. a1)',
				'no tag: a command starts with a tag such as "a1" followed by one space (RFC 3501 §2.2.1, §9 tag)'
			);
		c.skip(tag.length);
		c.sp();
		const word = c.atom('a command name');
		name = word.toUpperCase();
		if (!KNOWN.has(name)) {
			unknownCommand = true;
			c.skip(-word.length);
			c.fail('a command this server knows', `unknown command ${name}`);
		}
		if (options.startOnly) return { ok: true, command: { tag, name } as ImapCommand };
		const body = new CommandGrammar(c, options.maxSearchDepth ?? DEFAULT_MAX_SEARCH_DEPTH).command(
			name
		);
		if (!c.atEnd())
			c.fail(
				'end of line',
				name === 'AUTHENTICATE'
					? 'an initial response on the AUTHENTICATE line needs SASL-IR (RFC 4959), which this server does not advertise: send the mechanism alone and the response after "+"'
					: `unexpected text after the ${name} command's arguments`
			);
		return { ok: true, command: { tag, ...body } as ImapCommand };
	} catch (e) {
		if (!(e instanceof SyntaxFailure)) throw e;
		return {
			ok: false,
			error: {
				tag,
				command: name,
				unknownCommand,
				position: e.position,
				found: e.found,
				expected: e.expected,
				message: e.message
			}
		};
	}
}

const KNOWN = new Set([
	...BARE,
	'LOGIN',
	'AUTHENTICATE',
	'SELECT',
	'EXAMINE',
	'CREATE',
	'DELETE',
	'SUBSCRIBE',
	'UNSUBSCRIBE',
	'RENAME',
	'LIST',
	'LSUB',
	'STATUS',
	'ENABLE',
	'APPEND',
	'UID',
	'COPY',
	'FETCH',
	'SEARCH',
	'STORE'
]);

/** IDLE ends with the line "DONE" (RFC 2177 §3; §4: idle = "IDLE" CRLF "DONE"); case-insensitive (RFC 3501 §9 note 1). */
export function isIdleDone(line: string): boolean {
	return line.toUpperCase() === 'DONE';
}

/**
 * A client's line during AUTHENTICATE (RFC 3501 §6.2.2, §9 authenticate): "*" cancels the
 * exchange, otherwise it is base64 = *(4base64-char) [base64-terminal].
 */
export function parseAuthenticateLine(
	line: string
): { cancel: true } | { base64: string } | { error: string } {
	if (line === '*') return { cancel: true };
	if (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(line))
		return { base64: line };
	return {
		error:
			'not base64: an AUTHENTICATE response is one line of base64, or "*" to cancel (RFC 3501 §6.2.2)'
	};
}
