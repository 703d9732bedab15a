import type { ListenerName, RfcRef, SessionEvent } from '../messages';
import { ref } from './rfc';

export interface ListenerRow {
	listener: ListenerName;
	port: number;
	title: string;
	summary: string;
	/** TLS from the first byte (RFC 8314 implicit TLS). */
	implicitTls: boolean;
	rfc: RfcRef[];
}

export const listenerTable: readonly ListenerRow[] = [
	{
		listener: 'mx',
		port: 25,
		title: 'Port 25: server to server',
		summary:
			'Where a sending mail server delivers to the recipient domain’s mail exchanger (MX). No login: the server accepts mail for its own domains and refuses to relay to others.',
		implicitTls: false,
		rfc: [ref(5321, '4.5.4.2'), ref(5321, '5.1')]
	},
	{
		listener: 'submission',
		port: 587,
		title: 'Port 587: message submission',
		summary:
			'Where a mail program hands a new message to its own provider’s server: STARTTLS first, then AUTH, then mail to any domain.',
		implicitTls: false,
		rfc: [ref(6409, ''), ref(3207, '4')]
	},
	{
		listener: 'submissions',
		port: 465,
		title: 'Port 465: submission over implicit TLS',
		summary:
			'Like 587, but TLS starts at once, before the greeting, so STARTTLS is not used. RFC 8314 recommends it for mail programs.',
		implicitTls: true,
		rfc: [ref(8314, '3.3')]
	}
];

export const listenersByName: ReadonlyMap<string, ListenerRow> = new Map(
	listenerTable.map((r) => [r.listener, r])
);

type SystemKind = NonNullable<SessionEvent['kind']>;

export interface SystemEventRow {
	kind: SystemKind;
	title: string;
	summary: string;
	rfc: RfcRef[];
}

export const systemEventTable: readonly SystemEventRow[] = [
	{
		kind: 'connect',
		title: 'Connection opened',
		summary: 'A TCP connection is open. In SMTP the server speaks first, with its greeting.',
		rfc: [ref(5321, '3.1')]
	},
	{
		kind: 'tls',
		title: 'TLS established',
		summary: 'From here on, everything on this connection is encrypted.',
		rfc: [ref(3207, '4.2'), ref(8314, '3.3')]
	},
	{
		kind: 'auth',
		title: 'Authentication recorded',
		summary: 'The server recorded the outcome of the AUTH exchange.',
		rfc: [ref(4954, '4')]
	},
	{
		kind: 'disconnect',
		title: 'Connection closed',
		summary:
			'The TCP connection is closed. A transaction not completed with a 250 after the data did not happen.',
		rfc: [ref(5321, '3.8')]
	},
	{
		kind: 'timeout',
		title: 'Timeout',
		summary:
			'Nothing arrived for too long. Servers should wait at least 5 minutes for a command (RFC 5321 §4.5.3.2.7).',
		rfc: [ref(5321, '4.5.3.2.7')]
	},
	{
		kind: 'truncated',
		title: 'Recording truncated',
		summary: 'The recorder stopped keeping events for this session.',
		rfc: []
	},
	{ kind: 'note', title: 'Note', summary: '', rfc: [] }
];

export const systemEventsByKind: ReadonlyMap<string, SystemEventRow> = new Map(
	systemEventTable.map((r) => [r.kind, r])
);
