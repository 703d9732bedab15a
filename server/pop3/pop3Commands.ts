/**
 * What each POP3 command does, in which state it is permitted (RFC 1939 §3: any other state
 * gets -ERR), and how its line is recorded (a password masked for all but its owner). The
 * words of every response are in pop3Replies.ts.
 */
import type { Anomaly } from '../../src/lib/messages';
import type { ReaderActBy } from '../mailboxes/mailboxes';
import type { MaildropMessage, Pop3Connection, Pop3State } from './pop3Connection';
import { POP3_CAPABILITIES, pop3Reply, SASL_CONTINUATION } from './pop3Replies';

interface Command {
	/** The states it is permitted in; UPDATE takes no commands (RFC 1939 §6). */
	states: readonly Pop3State[];
	/** The syntax its -ERR names when an argument is wrong (RFC 1939 §5, §7). */
	syntax: string;
	run(conn: Pop3Connection, args: string[], argument: string): void | Promise<void>;
}

const AUTHORIZATION = ['authorization'] as const;
const TRANSACTION = ['transaction'] as const;
const BOTH = ['authorization', 'transaction'] as const;

/** A message number (RFC 1939 §5: a decimal from 1); the first argument. */
const NUMBER = /^[1-9][0-9]{0,8}$/;
const COUNT = /^[0-9]{1,9}$/;

const COMMANDS: Record<string, Command> = {
	CAPA: {
		states: BOTH,
		syntax: 'CAPA',
		run(conn, args) {
			if (args.length) return syntaxError(conn, 'CAPA');
			const lines = POP3_CAPABILITIES.filter(
				({ when }) =>
					when === 'always' ||
					(when === 'beforeTls' && !conn.secure && conn.state === 'authorization') ||
					(when === 'login' && conn.loginAllowed && conn.state === 'authorization') ||
					(when === 'loginDelay' && conn.server.deps.config.pop3LoginDelaySeconds > 0)
			).map(({ line }) =>
				line
					.replace('{days}', String(expireDays(conn)))
					.replace('{delay}', String(conn.server.deps.config.pop3LoginDelaySeconds))
			);
			conn.send([pop3Reply('capa'), ...lines, '.']);
		}
	},
	STLS: {
		states: BOTH,
		syntax: 'STLS',
		async run(conn, args) {
			// RFC 2595 §4: STLS takes no arguments.
			if (args.length) return syntaxError(conn, 'STLS');
			if (conn.secure) return conn.reply('stlsActive');
			if (conn.state !== 'authorization') return conn.reply('stlsAfterLogin');
			await conn.startTls();
		}
	},
	USER: {
		states: AUTHORIZATION,
		syntax: 'USER name',
		run(conn, args) {
			if (!conn.loginAllowed) return conn.reply('tlsFirst', { verb: 'USER' });
			if (args.length !== 1) return syntaxError(conn, 'USER');
			conn.pendingUser = args[0];
			conn.reply('user', { user: args[0] });
		}
	},
	PASS: {
		states: AUTHORIZATION,
		syntax: 'PASS password',
		run(conn, _args, argument) {
			if (!conn.loginAllowed) return conn.reply('tlsFirst', { verb: 'PASS' });
			const user = conn.pendingUser;
			conn.pendingUser = null;
			if (user === null) return conn.reply('passWithoutUser');
			// RFC 1939 §7: the password is the rest of the line, spaces and all.
			logIn(conn, user, argument);
		}
	},
	AUTH: {
		states: AUTHORIZATION,
		syntax: 'AUTH PLAIN [initial-response]',
		run(conn, args) {
			if (!conn.loginAllowed) return conn.reply('tlsFirst', { verb: 'AUTH' });
			if (!args.length) return conn.reply('authNeedsMechanism');
			if (args[0].toUpperCase() !== 'PLAIN')
				return conn.reply('authUnknownMechanism', { mechanism: args[0] });
			if (args.length > 2) return syntaxError(conn, 'AUTH');
			if (args.length === 2) return saslPlain(conn, args[1]);
			conn.saslPending = true;
			conn.send([SASL_CONTINUATION]);
		}
	},
	STAT: {
		states: TRANSACTION,
		syntax: 'STAT',
		run(conn, args) {
			if (args.length) return syntaxError(conn, 'STAT');
			const { count, size } = totals(conn.maildrop);
			conn.reply('stat', { count, size });
		}
	},
	LIST: {
		states: TRANSACTION,
		syntax: 'LIST [msg]',
		run(conn, args) {
			if (args.length > 1) return syntaxError(conn, 'LIST');
			if (args.length === 1) {
				const found = message(conn, args[0], 'LIST');
				if (found) conn.reply('scanListing', { n: found.n, size: found.message.size });
				return;
			}
			const { count, size } = totals(conn.maildrop);
			conn.send([
				pop3Reply('list', { count, size }),
				...listing(conn.maildrop, (m) => String(m.size)),
				'.'
			]);
		}
	},
	UIDL: {
		states: TRANSACTION,
		syntax: 'UIDL [msg]',
		run(conn, args) {
			if (args.length > 1) return syntaxError(conn, 'UIDL');
			if (args.length === 1) {
				const found = message(conn, args[0], 'UIDL');
				if (found) conn.reply('uidlOne', { n: found.n, uid: found.message.uid });
				return;
			}
			conn.send([pop3Reply('uidl'), ...listing(conn.maildrop, (m) => m.uid), '.']);
		}
	},
	RETR: {
		states: TRANSACTION,
		syntax: 'RETR msg',
		async run(conn, args) {
			if (args.length !== 1) return syntaxError(conn, 'RETR');
			const found = message(conn, args[0], 'RETR');
			const content = found && download(conn, found);
			if (!found || !content) return;
			conn.server.deps.mailboxes.recordRead(
				conn.account!,
				found.message.messageId,
				by(conn, 'RETR')
			);
			await conn.sendMessage(
				pop3Reply('retr', { size: content.length }),
				content,
				found.message.messageId
			);
		}
	},
	TOP: {
		states: TRANSACTION,
		syntax: 'TOP msg n',
		async run(conn, args) {
			if (args.length !== 2 || !COUNT.test(args[1])) return syntaxError(conn, 'TOP');
			const found = message(conn, args[0], 'TOP');
			const content = found && download(conn, found);
			if (!found || !content) return;
			conn.server.deps.mailboxes.recordRead(
				conn.account!,
				found.message.messageId,
				by(conn, 'TOP')
			);
			await conn.sendMessage(
				pop3Reply('top'),
				topOf(content, Number(args[1])),
				found.message.messageId
			);
		}
	},
	DELE: {
		states: TRANSACTION,
		syntax: 'DELE msg',
		run(conn, args) {
			if (args.length !== 1) return syntaxError(conn, 'DELE');
			const found = message(conn, args[0], 'DELE');
			if (!found) return;
			found.message.deleted = true;
			conn.reply('dele', { n: found.n });
		}
	},
	RSET: {
		states: TRANSACTION,
		syntax: 'RSET',
		run(conn, args) {
			if (args.length) return syntaxError(conn, 'RSET');
			for (const m of conn.maildrop) m.deleted = false;
			const { count, size } = totals(conn.maildrop);
			conn.reply('rset', { count, size });
		}
	},
	NOOP: {
		states: TRANSACTION,
		syntax: 'NOOP',
		run(conn, args) {
			if (args.length) return syntaxError(conn, 'NOOP');
			conn.reply('noop');
		}
	},
	QUIT: {
		states: BOTH,
		syntax: 'QUIT',
		run(conn, args) {
			if (args.length) return syntaxError(conn, 'QUIT');
			const server = conn.server.deps.config.serverName;
			if (conn.state === 'authorization') {
				conn.reply('quit', { server });
				return conn.close('Client said QUIT before logging in (+OK): nothing removed');
			}
			// RFC 1939 §6: only QUIT in TRANSACTION enters UPDATE and removes the marked messages.
			conn.state = 'update';
			const marked = conn.maildrop.filter((m) => m.deleted).map((m) => m.messageId);
			let removed: string[];
			try {
				removed = conn.server.deps.mailboxes.remove(conn.account!, marked, by(conn, 'QUIT'));
			} catch (error) {
				conn.reply('quitUpdateFailed', { reason: (error as Error).message });
				return conn.close('Client said QUIT: the marked messages could not be removed');
			}
			// What the maildrop holds now: mail delivered meanwhile counts, mail the lab deleted not.
			const left = conn.server.deps.mailboxes.list(conn.account!, 'INBOX').length;
			conn.reply('quitUpdate', { server, removed: removed.length, left });
			conn.close(`Client said QUIT (+OK): ${removed.length} removed, ${left} left`);
		}
	}
};

const PASS_ARGUMENT = /^\s*PASS ?/i;
const AUTH_WITH_RESPONSE = /^(\s*AUTH\s+\S+\s+)\S/i;

/** Records a line and runs it: the one way a line read from the client is handled. */
export async function runCommand(
	conn: Pop3Connection,
	bytes: Buffer,
	anomalies: Anomaly[]
): Promise<void> {
	const text = bytes.toString('latin1');
	if (conn.saslPending) {
		conn.saslPending = false;
		conn.record(bytes, anomalies, 0);
		if (text.trim() === '*') return conn.reply('authCancelled');
		return saslPlain(conn, text.trim());
	}
	const pass = PASS_ARGUMENT.exec(text);
	const auth = AUTH_WITH_RESPONSE.exec(text);
	conn.record(bytes, anomalies, pass ? pass[0].length : auth ? auth[1].length : undefined);
	// RFC 1939 §3: a keyword and arguments, each separated by a single space.
	const [keyword = '', ...args] = text.split(' ');
	const verb = keyword.toUpperCase();
	const command = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
	if (!command) return conn.reply('unknownCommand', { verb: printable(keyword) });
	if (!command.states.includes(conn.state))
		return conn.reply(conn.state === 'authorization' ? 'needLogin' : 'notAfterLogin', { verb });
	await command.run(
		conn,
		args.filter((arg) => arg !== ''),
		text.slice(keyword.length + 1)
	);
}

/**
 * The days any message is sure to stay (RFC 2449 §6.7 EXPIRE): RETENTION_HOURS counts from
 * delivery, and a class's mail goes with the class after CLASS_RETENTION_DAYS at the latest.
 */
function expireDays(conn: Pop3Connection): number {
	const { retentionHours, classRetentionDays } = conn.server.deps.config;
	return Math.min(Math.floor(retentionHours / 24), classRetentionDays);
}

/** A verb as a response may quote it: printable ASCII, at most 40 characters. */
function printable(keyword: string): string {
	const clean = keyword.replace(/[^\x21-\x7e]/g, '?').slice(0, 40);
	return clean || '(empty line)';
}

function syntaxError(conn: Pop3Connection, verb: string): void {
	conn.reply('syntax', { syntax: COMMANDS[verb].syntax });
}

/** SASL PLAIN's response (RFC 4616 §2): [authzid] NUL authcid NUL passwd, in base64. */
function saslPlain(conn: Pop3Connection, response: string): void {
	// RFC 5034 §4: "=" is an empty initial response.
	const encoded = response === '=' ? '' : response;
	const decoded = BASE64.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : null;
	const parts = decoded?.split('\0');
	if (!parts || parts.length !== 3 || !parts[1] || !parts[2]) return conn.reply('authMalformed');
	const [authzid, user, password] = parts;
	if (authzid && authzid !== user) return conn.reply('authzidRefused');
	logIn(conn, user, password);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** USER/PASS and AUTH PLAIN alike: the read account, the maildrop's lock, TRANSACTION. */
function logIn(conn: Pop3Connection, user: string, password: string): void {
	const { deps } = conn.server;
	const { live } = conn;
	const result = deps.mailboxes.resolveReadLogin(user, password, {
		browser: live.browser,
		ownerId: live.browser ? (live.senderOwners[0] ?? null) : null
	});
	if ('refusal' in result) {
		conn.failedLogins++;
		if (conn.failedLogins < deps.config.pop3MaxFailedLogins) return conn.reply(result.refusal);
		conn.reply('tooManyFailedLogins', { count: conn.failedLogins });
		return conn.close(
			`${conn.failedLogins} failed log-ins (POP3_MAX_FAILED_LOGINS): the server closed the session`
		);
	}
	const { account } = result;
	// RFC 2449 §8.1.1: refused at PASS or AUTH, never at USER (which would tell who exists).
	const wait = deps.locks.loginWait(account.mailbox, deps.clock.now());
	if (wait) return conn.reply('loginDelay', wait);
	// RFC 1939 §4 (an exclusive-access lock) and RFC 2449 §8.1.2: one session holds a maildrop.
	if (!deps.locks.take(account.mailbox, conn.id, deps.clock.now())) return conn.reply('inUse');
	conn.account = account;
	conn.maildrop = deps.mailboxes
		.list(account, 'INBOX')
		.map(({ messageId, size, uid }) => ({ messageId, size, uid, deleted: false }));
	conn.state = 'transaction';
	// A personal or class login makes the session its owner's, as SMTP AUTH does.
	if (account.kind !== 'shared' && account.ownerId) {
		if (!live.senderOwners.includes(account.ownerId)) live.senderOwners.push(account.ownerId);
		deps.store.claimSession(live.recorder.id, account.ownerId);
	}
	const { count, size } = totals(conn.maildrop);
	conn.reply('loggedIn', { user, count, size });
	live.recorder.authenticated(user);
}

/** Messages not marked as deleted, and their octets (RFC 1939 §5: marked ones are not counted). */
function totals(maildrop: MaildropMessage[]): { count: number; size: number } {
	const kept = maildrop.filter((m) => !m.deleted);
	return { count: kept.length, size: kept.reduce((sum, m) => sum + m.size, 0) };
}

function listing(maildrop: MaildropMessage[], value: (m: MaildropMessage) => string): string[] {
	return maildrop.flatMap((m, i) => (m.deleted ? [] : [`${i + 1} ${value(m)}`]));
}

/** The message a number names, or the -ERR that says why not (sent here). */
function message(
	conn: Pop3Connection,
	arg: string,
	verb: string
): { n: number; message: MaildropMessage } | null {
	if (!NUMBER.test(arg)) {
		syntaxError(conn, verb);
		return null;
	}
	const n = Number(arg);
	const found = conn.maildrop[n - 1];
	if (!found) {
		conn.reply('noSuchMessage', { count: conn.maildrop.length });
		return null;
	}
	if (found.deleted) {
		conn.reply('alreadyDeleted', { n });
		return null;
	}
	return { n, message: found };
}

function download(
	conn: Pop3Connection,
	found: { n: number; message: MaildropMessage }
): Buffer | null {
	const content = conn.server.deps.mailboxes.content(conn.account!, found.message.messageId);
	if (!content) conn.reply('messageGone', { n: found.n });
	return content;
}

/**
 * TOP (RFC 1939 §7): the header, the blank line after it, and the first `lines` lines of the
 * body (all of it when it has fewer).
 */
export function topOf(content: Buffer, lines: number): Buffer {
	const blank = content.indexOf('\r\n\r\n');
	if (blank < 0) return content;
	let end = blank + 4;
	for (let i = 0; i < lines && end < content.length; i++) {
		const lf = content.indexOf(0x0a, end);
		end = lf < 0 ? content.length : lf + 1;
	}
	return content.subarray(0, end);
}

function by(conn: Pop3Connection, command: string): ReaderActBy {
	return { sessionId: conn.id, at: Date.now(), protocol: 'pop3', command };
}
