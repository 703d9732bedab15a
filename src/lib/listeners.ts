/**
 * The sandbox's listeners, one row each: what the server opens (port, TLS, AUTH), which
 * environment variable sets the port, and how every page names and explains it. Read by the
 * sandbox, the configuration, /api/health, the annotation engine, the lab, /connect and the
 * examples, so a new listener is one row here. Pure data: shared by server and browser.
 */
import type { RfcRef } from './messages';
import { ref } from './smtp/rfc';

/** The protocol a listener speaks: each has its own annotation tables and state machine. */
export type Protocol = 'smtp' | 'pop3' | 'imap';

export interface ListenerRow {
	name: string;
	protocol: Protocol;
	/** The real-world port this listener stands in for. */
	standsFor: number;
	/** Its port here unless `portVariable` says otherwise (ports below 1024 need root). */
	defaultPort: number;
	/** The environment variable that sets its port, and the LabConfig key it fills. */
	portVariable: string;
	configKey: string;
	/**
	 * The in-band upgrade after the greeting (SMTP's STARTTLS, RFC 3207; POP3's STLS, RFC 2595 §4;
	 * IMAP's STARTTLS, RFC 3501 §6.2.1), or TLS from the first byte (RFC 8314 §3).
	 */
	tls: 'starttls' | 'implicit';
	/**
	 * A log-in, offered after TLS, is required: before MAIL on submission (RFC 4954, RFC 6409
	 * §4.3), before any mailbox command on a read listener (RFC 1939 §4).
	 */
	auth: boolean;
	/** The name in pickers and status lines. */
	label: string;
	/**
	 * Which part of a message's way it plays: handing mail to one's provider, server to server, or
	 * the recipient's program reading its mailbox.
	 */
	hop: 'submission' | 'mx' | 'read';
	title: string;
	/** What it is for, and what the sandbox does there. */
	role: string;
	rfc: RfcRef[];
}

export const LISTENER_TABLE = [
	{
		name: 'mx',
		protocol: 'smtp',
		standsFor: 25,
		defaultPort: 2525,
		portVariable: 'SMTP_PORT',
		configKey: 'smtpPort',
		tls: 'starttls',
		auth: false,
		label: 'MX (port 25)',
		hop: 'mx',
		title: 'Port 25: server to server',
		role: 'Where a sending mail server delivers to the recipient domain’s mail exchanger (MX). STARTTLS is offered, there is no AUTH, and only the server’s own (sandbox) domains are accepted: relaying anywhere else is refused with 550 5.7.1.',
		rfc: [ref(5321, '4.5.4.2'), ref(5321, '5.1')]
	},
	{
		name: 'submission',
		protocol: 'smtp',
		standsFor: 587,
		defaultPort: 2587,
		portVariable: 'SUBMISSION_PORT',
		configKey: 'submissionPort',
		tls: 'starttls',
		auth: true,
		label: 'Submission (port 587)',
		hop: 'submission',
		title: 'Port 587: message submission',
		role: 'Where a mail program hands a new message to its own provider: STARTTLS first, then AUTH (not offered before TLS), then recipients anywhere. Mail for outside domains lands in the outbox, marked “not sent (sandbox)”.',
		rfc: [ref(6409, ''), ref(3207, '4')]
	},
	{
		name: 'submissions',
		protocol: 'smtp',
		standsFor: 465,
		defaultPort: 2465,
		portVariable: 'SMTPS_PORT',
		configKey: 'smtpsPort',
		tls: 'implicit',
		auth: true,
		label: 'Submissions (port 465)',
		hop: 'submission',
		title: 'Port 465: submission over implicit TLS',
		role: 'The same submission service with TLS from the first byte: the handshake comes before the greeting, so there is no STARTTLS. RFC 8314 recommends it for mail programs.',
		rfc: [ref(8314, '3.3')]
	},
	{
		name: 'pop3',
		protocol: 'pop3',
		standsFor: 110,
		defaultPort: 2110,
		portVariable: 'POP3_PORT',
		configKey: 'pop3Port',
		tls: 'starttls',
		auth: true,
		label: 'POP3 (port 110)',
		hop: 'read',
		title: 'Port 110: reading mail with POP3',
		role: 'Where a mail program downloads the messages in its mailbox (the maildrop): STLS first, then USER/PASS or AUTH PLAIN (neither is offered before TLS), then STAT, LIST, RETR and DELE. A message marked with DELE is removed only when QUIT ends the session.',
		rfc: [ref(1939, '3'), ref(2595, '4')]
	},
	{
		name: 'pop3s',
		protocol: 'pop3',
		standsFor: 995,
		defaultPort: 2995,
		portVariable: 'POP3S_PORT',
		configKey: 'pop3sPort',
		tls: 'implicit',
		auth: true,
		label: 'POP3S (port 995)',
		hop: 'read',
		title: 'Port 995: POP3 over implicit TLS',
		role: 'The same POP3 service with TLS from the first byte: the handshake comes before the +OK greeting, so there is no STLS. RFC 8314 recommends it for mail programs, reversing RFC 2595 §7, which had discouraged the separate port.',
		rfc: [ref(8314, '3.1'), ref(1939, '3')]
	},
	{
		name: 'imap',
		protocol: 'imap',
		standsFor: 143,
		defaultPort: 2143,
		portVariable: 'IMAP_PORT',
		configKey: 'imapPort',
		tls: 'starttls',
		auth: true,
		label: 'IMAP (port 143)',
		hop: 'read',
		title: 'Port 143: reading mail with IMAP',
		role: 'Where a mail program works with the mailbox on the server: folders, flags and new mail as it arrives. STARTTLS first, then LOGIN or AUTHENTICATE PLAIN (refused before TLS: CAPABILITY says LOGINDISABLED), then SELECT a folder, FETCH, STORE flags, EXPUNGE. Messages stay on the server.',
		rfc: [ref(3501, '6.2.1'), ref(2595, '3.1')]
	},
	{
		name: 'imaps',
		protocol: 'imap',
		standsFor: 993,
		defaultPort: 2993,
		portVariable: 'IMAPS_PORT',
		configKey: 'imapsPort',
		tls: 'implicit',
		auth: true,
		label: 'IMAPS (port 993)',
		hop: 'read',
		title: 'Port 993: IMAP over implicit TLS',
		role: 'The same IMAP service with TLS from the first byte: the handshake comes before the * OK greeting, so there is no STARTTLS. RFC 8314 recommends it for mail programs.',
		rfc: [ref(8314, '3.1'), ref(3501, '7.1.1')]
	}
] as const satisfies readonly ListenerRow[];

export type ListenerName = (typeof LISTENER_TABLE)[number]['name'];
export type ListenerConfigKey = (typeof LISTENER_TABLE)[number]['configKey'];
export type Listener = (typeof LISTENER_TABLE)[number];

export const LISTENERS: readonly ListenerName[] = LISTENER_TABLE.map((row) => row.name);

export const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];

export function listenerRow(name: ListenerName): Listener {
	return LISTENER_TABLE.find((row) => row.name === name)!;
}
