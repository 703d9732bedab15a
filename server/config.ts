/**
 * Every setting of the lab, read from the environment once. Each limit is named here, has a
 * default, and is documented in the README's configuration table. The listeners' ports, their
 * defaults and variables come from the listener table (src/lib/listeners.ts).
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { DEFAULT_QUEUE_MAX_AGE_HOURS } from '../src/lib/delivery/journey';
import { LISTENER_TABLE, type ListenerConfigKey } from '../src/lib/listeners';
import { plainAddress } from './clientAddress';

/** One number per listener (`smtpPort`, `submissionPort`, …), keyed as its row says. */
export const VISIBILITIES = ['open', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface LabConfig extends Record<ListenerConfigKey, number> {
	port: number;
	host: string;
	origin: string | null;
	/** Proxies in front of the server: the client address is then read from X-Forwarded-For. */
	trustProxy: number;
	/**
	 * Addresses whose connections to the mail listeners must open with a PROXY protocol v1 header
	 * (server/sandbox/proxyHeader.ts) naming the client; empty: no header is read from anyone.
	 */
	proxyProtocolFrom: string[];
	/** How long such a connection may take to send its header before it is closed. */
	proxyProtocolTimeoutSeconds: number;
	/** Who sees what (server/owners/visibility.ts): everyone everything, or each owner their own. */
	visibility: Visibility;
	/** The operator's key (null: made at the first start and kept in DATA_DIR/operator-token). */
	operatorToken: string | null;
	/** Wrong operator tokens one client address may send in a minute (0: no limit). */
	operatorTokenFailuresPerMinute: number;
	smtpHost: string;
	greylistSeconds: number;
	/**
	 * The port every sandbox mail host (server/hosts/) listens on at its own 127.0.0.N; where only
	 * 127.0.0.1 can be bound, each host gets this port plus its row's index (0: any free ports).
	 */
	mailHostsPort: number;
	/** Simulated milliseconds per real one on the queue's clock (server/queue/queueClock.ts). */
	queueTimeScale: number;
	/** How long a greylisting mail host defers a new (client, sender, recipient), in queue time. */
	mailHostsGreylistSeconds: number;
	/** How long a tarpitting mail host waits before each reply, in queue time. */
	tarpitDelaySeconds: number;
	/** A mail host refuses a message with this many Received fields or more (554 5.4.6). */
	maxReceivedFields: number;
	/** Legs the outgoing queue holds at once; submission answers more with 452 4.3.1 at RCPT. */
	queueMaxLength: number;
	/** Connections the outgoing queue has open at once. */
	queueConcurrency: number;
	/** The queue gives up after this long, in queue time (RFC 5321 §4.5.4.1: at least 4–5 days). */
	queueMaxAgeHours: number;
	/** …or after this many tries of one destination, whichever comes first. */
	queueMaxAttempts: number;
	maxMessageBytes: number;
	maxRecipients: number;
	maxSessions: number;
	maxSessionsPerAddress: number;
	/** Live browser sessions one owner (one browser) may have open at once. */
	maxSessionsPerOwner: number;
	/** Share links one owner may hold at once (each is a row kept until revoked or its item goes). */
	maxSharesPerOwner: number;
	/** Days a class lasts unless its teacher ends it sooner (server/classes/); ending deletes its data. */
	classRetentionDays: number;
	/** Students one class may have at once (a released nickname frees its place). */
	classMaxStudents: number;
	/** Wrong rejoin codes one client address may send in a minute (0: no limit). */
	classRejoinFailuresPerMinute: number;
	/** Live classes one owner may teach at once. */
	maxClassesPerOwner: number;
	idleTimeoutSeconds: number;
	maxSessionSeconds: number;
	/** Ended sessions and messages older than this are deleted (server/store/retention.ts). */
	retentionHours: number;
	/** Bytes of mail one owner (or all unclaimed mail) may have: 452 4.2.2 at RCPT past it. */
	maxStoredBytesPerOwner: number;
	/** Bytes the lab may hold in total (server/store/storageUsage.ts): 452 4.3.1 at MAIL past it. */
	maxDbBytes: number;
	maxEventsPerSession: number;
	/** Bytes of a message's content shown in its DATA event; the mailbox keeps all of it. */
	maxDataEventBytes: number;
	tlsCert: string | null;
	tlsKey: string | null;
	/** Where the self-signed certificate made at first start is kept (null: in memory only). */
	tlsDir: string | null;
	/** Where the database is kept (null: sessions and messages in memory only, DATA_DIR=memory). */
	dataDir: string | null;
	/**
	 * The PostgreSQL database several instances share (postgres://…; null: SQLite in DATA_DIR),
	 * and its connection pool, how often its change log and its instances are read, how long a
	 * change stays in the log (server/store/postgres/pgPersistence.ts).
	 */
	databaseUrl: string | null;
	pgPoolSize: number;
	pgPollMs: number;
	pgPeerCheckMs: number;
	pgChangeLogSeconds: number;
	/** Name the sandbox gives itself in its greeting and trace fields (never the machine's). */
	serverName: string;
	/**
	 * s= of the sandbox's DKIM signatures (RFC 6376 §3.1): the key is published at
	 * <selector>._domainkey.<domain> and kept in DATA_DIR/dkim/<selector>.pem.
	 */
	dkimSelector: string;
	/**
	 * An MX checks SPF, DKIM and DMARC, and submission signs, only a message whose header section
	 * has at most this many lines: mailauth's header parser takes time growing with the square.
	 */
	authMaxHeaderLines: number;
	/** WebSocket limits. */
	wsMaxPayloadBytes: number;
	wsMessagesPerSecond: number;
	/** Open WebSocket connections from one client address (429 at the upgrade past it). */
	maxWsPerAddress: number;
	wsMaxBufferedBytes: number;
	wsHeartbeatSeconds: number;
	resumeGraceSeconds: number;
	/** Time and size budget for parsing one message for display. */
	parseBudgetMs: number;
	/** POST /api/annotate: body size, lines, requests at once and per minute from one address. */
	maxAnnotateBytes: number;
	maxAnnotateLines: number;
	annotateConcurrentPerAddress: number;
	annotateRequestsPerMinute: number;
	/** The sandbox DNS (server/dns/): its bind address and port (UDP and TCP alike). */
	dnsHost: string;
	dnsPort: number;
	/** DNS queries one client address may send per second (REFUSED past it; 0: no limit). */
	dnsQueriesPerSecondPerAddress: number;
	/** Lookups the DNS log keeps in memory for the /dns page (the oldest go first). */
	dnsLogSize: number;
	/** A DNS TCP connection with no query for this long is closed (RFC 7766 §6.2.3). */
	dnsTcpIdleSeconds: number;
	/** TXT records one personal or class domain may publish when its owner edits them (/dns). */
	zoneMaxTxtRecords: number;
	/** Octets (UTF-8) of one edited TXT record's value. */
	zoneMaxTxtBytes: number;
	/**
	 * Entries the wire tap keeps per session (server/sandbox/wireTap.ts), in memory. 0 turns the
	 * tap off entirely: TLS then runs on the socket's own handle, not through JS streams.
	 */
	maxWireRecordsPerSession: number;
	/** Sessions whose wire tap is kept in memory, the newest; an older one's says it was forgotten. */
	wireTapsKept: number;
	/** Accept a password on the read listeners before TLS (server/pop3/): off (RFC 2595 §2.3). */
	readAllowPlaintext: boolean;
	/** Octets of one POP3 command line, CRLF included (RFC 2449 §4: 255). */
	pop3MaxLineBytes: number;
	/** Silence before a POP3 session is closed (RFC 1939 §3: at least 10 minutes). */
	pop3IdleTimeoutSeconds: number;
	/** Failed log-ins in one POP3 session before the server closes it. */
	pop3MaxFailedLogins: number;
	/** Seconds after a POP3 log-in before the same maildrop may log in again (0: no delay). */
	pop3LoginDelaySeconds: number;
	/** Octets of one IMAP command line, CRLF excluded; longer arguments come as literals (RFC 3501 §4.3). */
	imapMaxLineBytes: number;
	/** Octets of one IMAP literal; a bigger one is refused when announced (RFC 3501 §7.5). */
	imapMaxLiteralBytes: number;
	/** Silence before an IMAP session is logged out (RFC 3501 §5.4: at least 30 minutes). */
	imapIdleTimeoutSeconds: number;
	/** Failed log-ins in one IMAP session before the server closes it. */
	imapMaxFailedLogins: number;
	/** Folders per read account, INBOX, Sent and Junk included. */
	imapMaxFoldersPerAccount: number;
	/** Entries one folder may hold after COPY or APPEND. */
	imapMaxMessagesPerFolder: number;
	/** Octets of a folder name, UTF-8. */
	imapMaxFolderNameBytes: number;
}

const MiB = 1024 * 1024;
/** RFC 6376 §3.1 selector: sub-domain (RFC 5321 §4.1.2: Let-dig [Ldh-str]) joined by dots. */
const DKIM_SELECTOR_SYNTAX =
	/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/**
 * The most TXT octets one domain may publish in all: a DNS message over TCP holds 65535 octets
 * (RFC 1035 §4.2.2), less the header, question, names and the length octet of each string.
 */
const ZONE_TXT_TOTAL_MAX = 49152;
/** Where the database, the lab's secrets and the TLS material are kept by default. */
const DEFAULT_DATA_DIR = '.data';

export const DEFAULTS: LabConfig = {
	port: 3000,
	host: '0.0.0.0',
	origin: null,
	trustProxy: 0,
	proxyProtocolFrom: [],
	// The PROXY protocol's §2: "at least 3 seconds to cover a TCP retransmit"; nginx sends at once.
	proxyProtocolTimeoutSeconds: 10,
	visibility: 'open',
	operatorToken: null,
	// A teacher mistyping the token a few times is fine; guessing at machine speed is not.
	operatorTokenFailuresPerMinute: 10,
	smtpHost: '127.0.0.1',
	...(Object.fromEntries(LISTENER_TABLE.map((row) => [row.configKey, row.defaultPort])) as Record<
		ListenerConfigKey,
		number
	>),
	greylistSeconds: 10,
	mailHostsPort: 2526, // stands for 25: the mx listener's SMTP_PORT may be bound on every address
	// 5 simulated days (RFC 5321 §4.5.4.1: give up after at least 4–5 days) in about 5 real minutes.
	queueTimeScale: 1440,
	// Five minutes of queue time: a retry 30 minutes later (RFC 5321 §4.5.4.1) gets through.
	mailHostsGreylistSeconds: 300,
	// Two minutes of queue time per reply, under the five minutes a client waits (RFC 5321 §4.5.3.2).
	tarpitDelaySeconds: 120,
	queueMaxLength: 1000,
	queueConcurrency: 4,
	queueMaxAgeHours: DEFAULT_QUEUE_MAX_AGE_HOURS,
	queueMaxAttempts: 50,
	maxReceivedFields: 100, // RFC 5321 §6.3: "normally at least 100 Received entries"
	maxMessageBytes: 1 * MiB,
	maxRecipients: 100, // RFC 5321 §4.5.3.1.8: at least 100 must be accepted
	maxSessions: 500,
	// Browser plus SMTP sessions from one address: a class of 30 behind one school NAT fits.
	maxSessionsPerAddress: 100,
	maxSessionsPerOwner: 10,
	maxSharesPerOwner: 100,
	classRetentionDays: 14, // a class and its mail outlive two weeks of lessons
	classMaxStudents: 200,
	// A student mistyping their rejoin code a few times is fine; guessing at machine speed is not.
	classRejoinFailuresPerMinute: 10,
	// A teacher with a few groups; a script must not make classes without end.
	maxClassesPerOwner: 10,
	idleTimeoutSeconds: 300, // RFC 5321 §4.5.3.2.7: at least 5 minutes
	maxSessionSeconds: 1800,
	retentionHours: 168, // a week: a class's mail outlives the week's lessons
	maxStoredBytesPerOwner: 16 * MiB,
	maxDbBytes: 1024 * MiB,
	maxEventsPerSession: 5000,
	maxDataEventBytes: 16 * 1024,
	tlsCert: null,
	tlsKey: null,
	tlsDir: null, // <dataDir>/tls unless TLS_DIR says otherwise (see readConfig)
	// Durable by default: a restart keeps every session and message (DATA_DIR=memory does not).
	dataDir: DEFAULT_DATA_DIR,
	databaseUrl: null,
	pgPoolSize: 4,
	// The change log is read at each notification; polling only catches a lost one.
	pgPollMs: 1000,
	// A killed instance's journeys resume elsewhere within about this long.
	pgPeerCheckMs: 1000,
	// An instance started later loads the tables: the log only bridges a follower's pauses.
	pgChangeLogSeconds: 600,
	serverName: 'sandbox.smtp-lab.test',
	dkimSelector: 'smtplab',
	// Real mail has a few dozen header lines, a long Received chain a few hundred; mailauth read
	// 1000 in 35 ms here, 50,000 in 26 s with every session of the server waiting.
	authMaxHeaderLines: 1000,
	wsMaxPayloadBytes: 64 * 1024,
	wsMessagesPerSecond: 50,
	maxWsPerAddress: 200,
	wsMaxBufferedBytes: 1 * MiB,
	wsHeartbeatSeconds: 30,
	resumeGraceSeconds: 60,
	parseBudgetMs: 250,
	maxAnnotateBytes: 256 * 1024,
	maxAnnotateLines: 10_000,
	annotateConcurrentPerAddress: 2,
	annotateRequestsPerMinute: 60,
	// Loopback, apart from SMTP_HOST: opening the mail ports never opens the name server too.
	dnsHost: '127.0.0.1',
	dnsPort: 2053, // stands for 53
	// dig makes one query, an MTA a few per message: a class behind one address stays far below.
	dnsQueriesPerSecondPerAddress: 20,
	dnsLogSize: 1000,
	// RFC 7766 §6.2.3: servers close idle TCP connections after a few seconds.
	dnsTcpIdleSeconds: 10,
	// Room for SPF, DMARC, a few DKIM keys and notes; a 4096-bit key record is about 750 octets.
	zoneMaxTxtRecords: 20,
	zoneMaxTxtBytes: 2048,
	// A MAX_MESSAGE_BYTES message inside TLS is about 70 records (at most 16 KiB each, RFC 8446 §5.1).
	maxWireRecordsPerSession: 2000,
	wireTapsKept: 500,
	readAllowPlaintext: false,
	pop3MaxLineBytes: 255, // RFC 2449 §4: a command line is at most 255 octets, CRLF included
	pop3IdleTimeoutSeconds: 600, // RFC 1939 §3: an autologout timer of at least 10 minutes
	// A mistyped password or two is fine; guessing at machine speed costs a new connection each.
	pop3MaxFailedLogins: 3,
	// RFC 2449 §6.5: a delay between log-ins is a server's choice; off unless a lesson wants it.
	pop3LoginDelaySeconds: 0,
	// RFC 7162 §4: clients keep command lines to about 8192 octets, so servers should take that much.
	imapMaxLineBytes: 8192,
	imapMaxLiteralBytes: 1 * MiB, // as MAX_MESSAGE_BYTES: an APPENDed message is one literal
	imapIdleTimeoutSeconds: 1800, // RFC 3501 §5.4: an autologout timer of at least 30 minutes
	imapMaxFailedLogins: 3,
	// What a learner's folders can grow to: room for a real client's tree, not for a runaway script.
	imapMaxFoldersPerAccount: 100,
	imapMaxMessagesPerFolder: 1000,
	imapMaxFolderNameBytes: 200
};

/** How a setting's value is read: `addresses` is a comma-separated list of IP addresses. */
type SettingKind = 'int' | 'string' | 'boolean' | 'addresses';

/** Environment variable → config key, with how to read it. */
export const ENVIRONMENT: [string, keyof LabConfig, SettingKind][] = [
	['PORT', 'port', 'int'],
	['HOST', 'host', 'string'],
	['ORIGIN', 'origin', 'string'],
	['TRUST_PROXY', 'trustProxy', 'int'],
	['PROXY_PROTOCOL_FROM', 'proxyProtocolFrom', 'addresses'],
	['PROXY_PROTOCOL_TIMEOUT_SECONDS', 'proxyProtocolTimeoutSeconds', 'int'],
	['VISIBILITY', 'visibility', 'string'],
	['OPERATOR_TOKEN', 'operatorToken', 'string'],
	['OPERATOR_TOKEN_FAILURES_PER_MINUTE', 'operatorTokenFailuresPerMinute', 'int'],
	['SMTP_HOST', 'smtpHost', 'string'],
	...LISTENER_TABLE.map((row): [string, keyof LabConfig, 'int'] => [
		row.portVariable,
		row.configKey,
		'int'
	]),
	['GREYLIST_SECONDS', 'greylistSeconds', 'int'],
	['MAIL_HOSTS_PORT', 'mailHostsPort', 'int'],
	['QUEUE_TIME_SCALE', 'queueTimeScale', 'int'],
	['MAIL_HOSTS_GREYLIST_SECONDS', 'mailHostsGreylistSeconds', 'int'],
	['TARPIT_DELAY_SECONDS', 'tarpitDelaySeconds', 'int'],
	['MAX_RECEIVED_FIELDS', 'maxReceivedFields', 'int'],
	['QUEUE_MAX_LENGTH', 'queueMaxLength', 'int'],
	['QUEUE_CONCURRENCY', 'queueConcurrency', 'int'],
	['QUEUE_MAX_AGE_HOURS', 'queueMaxAgeHours', 'int'],
	['QUEUE_MAX_ATTEMPTS', 'queueMaxAttempts', 'int'],
	['MAX_MESSAGE_BYTES', 'maxMessageBytes', 'int'],
	['MAX_RECIPIENTS', 'maxRecipients', 'int'],
	['MAX_SESSIONS', 'maxSessions', 'int'],
	['MAX_SESSIONS_PER_ADDRESS', 'maxSessionsPerAddress', 'int'],
	['MAX_SESSIONS_PER_OWNER', 'maxSessionsPerOwner', 'int'],
	['MAX_SHARES_PER_OWNER', 'maxSharesPerOwner', 'int'],
	['CLASS_RETENTION_DAYS', 'classRetentionDays', 'int'],
	['CLASS_MAX_STUDENTS', 'classMaxStudents', 'int'],
	['CLASS_REJOIN_FAILURES_PER_MINUTE', 'classRejoinFailuresPerMinute', 'int'],
	['MAX_CLASSES_PER_OWNER', 'maxClassesPerOwner', 'int'],
	['IDLE_TIMEOUT_SECONDS', 'idleTimeoutSeconds', 'int'],
	['MAX_SESSION_SECONDS', 'maxSessionSeconds', 'int'],
	['RETENTION_HOURS', 'retentionHours', 'int'],
	['MAX_STORED_BYTES_PER_OWNER', 'maxStoredBytesPerOwner', 'int'],
	['MAX_DB_BYTES', 'maxDbBytes', 'int'],
	['MAX_EVENTS_PER_SESSION', 'maxEventsPerSession', 'int'],
	['MAX_DATA_EVENT_BYTES', 'maxDataEventBytes', 'int'],
	['TLS_CERT', 'tlsCert', 'string'],
	['TLS_KEY', 'tlsKey', 'string'],
	['TLS_DIR', 'tlsDir', 'string'],
	['DATA_DIR', 'dataDir', 'string'],
	['DATABASE_URL', 'databaseUrl', 'string'],
	['PG_POOL_SIZE', 'pgPoolSize', 'int'],
	['PG_POLL_MS', 'pgPollMs', 'int'],
	['PG_PEER_CHECK_MS', 'pgPeerCheckMs', 'int'],
	['PG_CHANGE_LOG_SECONDS', 'pgChangeLogSeconds', 'int'],
	['WS_MESSAGES_PER_SECOND', 'wsMessagesPerSecond', 'int'],
	['MAX_WS_PER_ADDRESS', 'maxWsPerAddress', 'int'],
	['RESUME_GRACE_SECONDS', 'resumeGraceSeconds', 'int'],
	['MAX_ANNOTATE_BYTES', 'maxAnnotateBytes', 'int'],
	['MAX_ANNOTATE_LINES', 'maxAnnotateLines', 'int'],
	['ANNOTATE_CONCURRENT_PER_ADDRESS', 'annotateConcurrentPerAddress', 'int'],
	['ANNOTATE_REQUESTS_PER_MINUTE', 'annotateRequestsPerMinute', 'int'],
	['DNS_HOST', 'dnsHost', 'string'],
	['DNS_PORT', 'dnsPort', 'int'],
	['DNS_QUERIES_PER_SECOND_PER_ADDRESS', 'dnsQueriesPerSecondPerAddress', 'int'],
	['DNS_LOG_SIZE', 'dnsLogSize', 'int'],
	['DKIM_SELECTOR', 'dkimSelector', 'string'],
	['AUTH_MAX_HEADER_LINES', 'authMaxHeaderLines', 'int'],
	['DNS_TCP_IDLE_SECONDS', 'dnsTcpIdleSeconds', 'int'],
	['ZONE_MAX_TXT_RECORDS', 'zoneMaxTxtRecords', 'int'],
	['ZONE_MAX_TXT_BYTES', 'zoneMaxTxtBytes', 'int'],
	['MAX_WIRE_RECORDS_PER_SESSION', 'maxWireRecordsPerSession', 'int'],
	['WIRE_TAPS_KEPT', 'wireTapsKept', 'int'],
	['READ_ALLOW_PLAINTEXT', 'readAllowPlaintext', 'boolean'],
	['POP3_MAX_LINE_BYTES', 'pop3MaxLineBytes', 'int'],
	['POP3_IDLE_TIMEOUT_SECONDS', 'pop3IdleTimeoutSeconds', 'int'],
	['POP3_MAX_FAILED_LOGINS', 'pop3MaxFailedLogins', 'int'],
	['POP3_LOGIN_DELAY_SECONDS', 'pop3LoginDelaySeconds', 'int'],
	['IMAP_MAX_LINE_BYTES', 'imapMaxLineBytes', 'int'],
	['IMAP_MAX_LITERAL_BYTES', 'imapMaxLiteralBytes', 'int'],
	['IMAP_IDLE_TIMEOUT_SECONDS', 'imapIdleTimeoutSeconds', 'int'],
	['IMAP_MAX_FAILED_LOGINS', 'imapMaxFailedLogins', 'int'],
	['IMAP_MAX_FOLDERS_PER_ACCOUNT', 'imapMaxFoldersPerAccount', 'int'],
	['IMAP_MAX_MESSAGES_PER_FOLDER', 'imapMaxMessagesPerFolder', 'int'],
	['IMAP_MAX_FOLDER_NAME_BYTES', 'imapMaxFolderNameBytes', 'int']
];

/**
 * Settings that are read no more, and what replaced them: set, they stop startup rather than be
 * silently ignored. Global eviction (the oldest went first, whoever's they were) let one flood
 * delete every other learner's mail.
 */
export const REPLACED_SETTINGS: Record<string, string> = {
	MAX_STORED_SESSIONS:
		'nothing is evicted any more: RETENTION_HOURS says how long ended sessions are kept',
	MAX_STORED_MESSAGES:
		'nothing is evicted any more: RETENTION_HOURS says how long mail is kept, and MAX_STORED_BYTES_PER_OWNER how much each owner may have (new mail is refused past it)',
	MAX_STORED_BYTES:
		'nothing is evicted any more: MAX_STORED_BYTES_PER_OWNER bounds each owner and MAX_DB_BYTES the whole lab (new mail is refused past them)'
};

export class ConfigError extends Error {}

/**
 * A comma-separated list of IP addresses (IPv4-mapped IPv6 read as IPv4, as sockets report
 * it). Nothing else: a name or '*' would trust more than the operator can see in the list.
 */
function readAddresses(name: string, raw: string): string[] {
	const entries = raw.split(',').map((entry) => entry.trim());
	for (const entry of entries)
		if (isIP(entry) === 0 || entry.includes('%'))
			throw new ConfigError(
				`${name} must be a comma-separated list of IP addresses, got "${entry}" in "${raw}"`
			);
	return [...new Set(entries.map((entry) => plainAddress(entry.toLowerCase())))];
}

/** DATA_DIR's value for a lab that keeps sessions and messages in memory only. */
export const MEMORY_ONLY = 'memory';

export function readConfig(
	env: Record<string, string | undefined> = process.env,
	overrides: Partial<LabConfig> = {}
): LabConfig {
	const config: LabConfig = { ...DEFAULTS };
	const target = config as unknown as Record<string, unknown>;
	for (const [name, key, kind] of ENVIRONMENT) {
		const raw = env[name];
		if (raw === undefined || raw === '') continue;
		if (kind === 'int') {
			const value = Number(raw);
			if (!Number.isInteger(value) || value < 0)
				throw new ConfigError(`${name} must be a whole number ≥ 0, got "${raw}"`);
			target[key] = value;
		} else if (kind === 'boolean') {
			if (raw !== 'true' && raw !== 'false')
				throw new ConfigError(`${name} must be true or false, got "${raw}"`);
			target[key] = raw === 'true';
		} else if (kind === 'addresses') {
			target[key] = readAddresses(name, raw);
		} else {
			target[key] = raw;
		}
	}
	// adapter-node's own variables would be a second rule for the client address (server/index.ts
	// derives them from TRUST_PROXY).
	for (const name of ['ADDRESS_HEADER', 'XFF_DEPTH'])
		if (env[name])
			throw new ConfigError(
				`${name} is not read by SMTP Lab: set TRUST_PROXY to the number of proxies in front of the server instead`
			);
	for (const [name, replacement] of Object.entries(REPLACED_SETTINGS))
		if (env[name]) throw new ConfigError(`${name} is no longer read by SMTP Lab: ${replacement}`);
	if (config.retentionHours < 1)
		throw new ConfigError(
			`RETENTION_HOURS must be at least 1, got ${config.retentionHours}: it is how long ended sessions and mail are kept`
		);
	if (config.classRetentionDays < 1)
		throw new ConfigError(
			`CLASS_RETENTION_DAYS must be at least 1, got ${config.classRetentionDays}: it is how long a class and its data are kept`
		);
	if (config.queueTimeScale < 1)
		throw new ConfigError(
			`QUEUE_TIME_SCALE must be at least 1, got ${config.queueTimeScale}: it is how many times faster than real time the queue's clock runs`
		);
	for (const [name, value, what] of [
		[
			'QUEUE_MAX_LENGTH',
			config.queueMaxLength,
			'how many deliveries the outgoing queue holds at once'
		],
		['QUEUE_CONCURRENCY', config.queueConcurrency, 'how many connections the queue opens at once'],
		[
			'QUEUE_MAX_AGE_HOURS',
			config.queueMaxAgeHours,
			'how long (queue time) the queue keeps trying'
		],
		[
			'QUEUE_MAX_ATTEMPTS',
			config.queueMaxAttempts,
			'how many tries of one destination the queue makes'
		]
	] as const)
		if (value < 1) throw new ConfigError(`${name} must be at least 1, got ${value}: it is ${what}`);
	if (config.mailHostsPort > 65535)
		throw new ConfigError(
			`MAIL_HOSTS_PORT must be a port number (0–65535), got ${config.mailHostsPort}`
		);
	if (config.maxReceivedFields < 1)
		throw new ConfigError(
			`MAX_RECEIVED_FIELDS must be at least 1, got ${config.maxReceivedFields}: a mail host refuses a message with that many Received fields (RFC 5321 §6.3 says normally at least 100)`
		);
	// RFC 6376 §3.1: selector = sub-domain *( "." sub-domain ); it names a file in DATA_DIR too.
	if (!DKIM_SELECTOR_SYNTAX.test(config.dkimSelector))
		throw new ConfigError(
			`DKIM_SELECTOR must be a selector (RFC 6376 §3.1: labels of letters, digits and inner hyphens, joined by dots), got "${config.dkimSelector}"`
		);
	if (!(VISIBILITIES as readonly string[]).includes(config.visibility))
		throw new ConfigError(
			`VISIBILITY must be one of ${VISIBILITIES.join(', ')}, got "${config.visibility}"`
		);
	if (config.operatorToken !== null && config.operatorToken.length < 16)
		throw new ConfigError(
			'OPERATOR_TOKEN must be at least 16 characters: it signs in as the operator, who can see and delete everything'
		);
	if (!isIP(config.dnsHost))
		throw new ConfigError(`DNS_HOST must be an IP address, got "${config.dnsHost}"`);
	if (config.dnsPort > 65535)
		throw new ConfigError(`DNS_PORT must be a port number (0–65535), got ${config.dnsPort}`);
	if (config.proxyProtocolTimeoutSeconds < 3)
		throw new ConfigError(
			`PROXY_PROTOCOL_TIMEOUT_SECONDS must be at least 3, got ${config.proxyProtocolTimeoutSeconds}: the PROXY protocol's §2 asks for at least 3 seconds to cover a TCP retransmit`
		);
	if (config.dnsTcpIdleSeconds < 1)
		throw new ConfigError(
			`DNS_TCP_IDLE_SECONDS must be at least 1, got ${config.dnsTcpIdleSeconds}: it is how long an idle DNS connection over TCP stays open`
		);
	// A domain starts with SPF, DMARC and the DKIM key record; its owner must be able to keep them.
	if (config.zoneMaxTxtRecords < 3)
		throw new ConfigError(
			`ZONE_MAX_TXT_RECORDS must be at least 3, got ${config.zoneMaxTxtRecords}: a domain's default SPF, DMARC and DKIM key records must fit`
		);
	if (config.zoneMaxTxtBytes < 512)
		throw new ConfigError(
			`ZONE_MAX_TXT_BYTES must be at least 512, got ${config.zoneMaxTxtBytes}: the sandbox's DKIM key record (about 410 octets) must fit`
		);
	// Every record at one name may be one answer, and a DNS message over TCP is at most 65535 octets.
	if (config.zoneMaxTxtRecords * config.zoneMaxTxtBytes > ZONE_TXT_TOTAL_MAX)
		throw new ConfigError(
			`ZONE_MAX_TXT_RECORDS × ZONE_MAX_TXT_BYTES must be at most ${ZONE_TXT_TOTAL_MAX}, got ${config.zoneMaxTxtRecords * config.zoneMaxTxtBytes}: all of a domain's TXT records must fit one DNS answer over TCP (65535 octets, RFC 1035 §4.2.2)`
		);
	// "USER x" and its CRLF need a few octets: less is no POP3 at all.
	if (config.pop3MaxLineBytes < 16)
		throw new ConfigError(
			`POP3_MAX_LINE_BYTES must be at least 16, got ${config.pop3MaxLineBytes}: it is the longest POP3 command line, CRLF included (RFC 2449 §4: 255)`
		);
	if (config.pop3MaxFailedLogins < 1)
		throw new ConfigError(
			`POP3_MAX_FAILED_LOGINS must be at least 1, got ${config.pop3MaxFailedLogins}: it is how many failed log-ins close a POP3 session`
		);
	if (config.pop3MaxLineBytes < 255)
		console.warn(
			'POP3_MAX_LINE_BYTES is below 255: RFC 2449 §4 requires servers that support CAPA to accept commands of 255 octets.'
		);
	if (config.pop3IdleTimeoutSeconds < 600)
		console.warn(
			'POP3_IDLE_TIMEOUT_SECONDS is below 600: RFC 1939 §3 asks for an autologout timer of at least 10 minutes.'
		);
	// INBOX, Sent and Junk always exist.
	if (config.imapMaxFoldersPerAccount < 3)
		throw new ConfigError(
			`IMAP_MAX_FOLDERS_PER_ACCOUNT must be at least 3, got ${config.imapMaxFoldersPerAccount}: INBOX, Sent and Junk always exist`
		);
	if (config.imapMaxFolderNameBytes < 5)
		throw new ConfigError(
			`IMAP_MAX_FOLDER_NAME_BYTES must be at least 5, got ${config.imapMaxFolderNameBytes}: 'INBOX' must fit`
		);
	// "a LOGIN x {5}" and the like need a few octets: less is no IMAP at all.
	if (config.imapMaxLineBytes < 64)
		throw new ConfigError(
			`IMAP_MAX_LINE_BYTES must be at least 64, got ${config.imapMaxLineBytes}: it is the longest IMAP command line, CRLF excluded`
		);
	if (config.imapMaxFailedLogins < 1)
		throw new ConfigError(
			`IMAP_MAX_FAILED_LOGINS must be at least 1, got ${config.imapMaxFailedLogins}: it is how many failed log-ins close an IMAP session`
		);
	if (config.imapIdleTimeoutSeconds < 1800)
		console.warn(
			'IMAP_IDLE_TIMEOUT_SECONDS is below 1800: RFC 3501 §5.4 asks for an autologout timer of at least 30 minutes.'
		);
	if (config.maxRecipients < 100)
		console.warn(
			'MAX_RECIPIENTS is below 100: RFC 5321 §4.5.3.1.8 requires servers to accept at least 100.'
		);
	if (config.databaseUrl !== null && !/^postgres(?:ql)?:\/\//i.test(config.databaseUrl)) {
		// The scheme only: the rest may hold a password.
		const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(config.databaseUrl)?.[1];
		throw new ConfigError(
			`DATABASE_URL must be a postgres:// or postgresql:// URL, got ${scheme ? `the scheme "${scheme}:"` : 'no URL scheme'}`
		);
	}
	for (const [name, value, least, what] of [
		['PG_POOL_SIZE', config.pgPoolSize, 1, 'how many connections to PostgreSQL write and read'],
		['PG_POLL_MS', config.pgPollMs, 50, 'how often the change log is read without a notification'],
		['PG_PEER_CHECK_MS', config.pgPeerCheckMs, 100, 'how often the other instances are checked'],
		[
			'PG_CHANGE_LOG_SECONDS',
			config.pgChangeLogSeconds,
			10,
			'how long a change stays in the log for the other instances'
		]
	] as const)
		if (value < least)
			throw new ConfigError(`${name} must be at least ${least}, got ${value}: it is ${what}`);
	if (config.dataDir === MEMORY_ONLY) config.dataDir = null;
	const merged = { ...config, ...overrides };
	// The TLS material lives beside the database unless TLS_DIR puts it elsewhere; a memory-only
	// lab keeps it where the database would be by default, so clients keep trusting it.
	if (!('tlsDir' in overrides) && !env.TLS_DIR)
		merged.tlsDir = path.join(merged.dataDir ?? DEFAULT_DATA_DIR, 'tls');
	return merged;
}
