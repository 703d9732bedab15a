import { LISTENER_TABLE } from '../../listeners';
import type { ListenerName, RfcRef, SessionEvent } from '../../messages';
import { ref } from '../rfc';

/** A listener as the annotations explain it: a view of its row in src/lib/listeners.ts. */
export interface ListenerRow {
	listener: ListenerName;
	/** The real-world port it stands for. */
	port: number;
	title: string;
	summary: string;
	/** TLS from the first byte (RFC 8314 implicit TLS). */
	implicitTls: boolean;
	rfc: RfcRef[];
}

export const listenerTable: readonly ListenerRow[] = LISTENER_TABLE.map((row) => ({
	listener: row.name,
	port: row.standsFor,
	title: row.title,
	summary: row.role,
	implicitTls: row.tls === 'implicit',
	rfc: [...row.rfc]
}));

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
