/**
 * Explains one recorded DNS lookup for the /dns page: what was asked, what the answer means for
 * mail (MX with preferences, implicit MX, null MX, a name that does not exist), and how long it may
 * be cached. The texts come from the record type and response code tables; each note cites its RFC.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';
import type { DnsLookup } from './lookups';
import { rcode } from './rcodes';
import { mxData, recordType, ttlSpan } from './recordTypes';

export interface LookupNote {
	text: string;
	rfc: RfcRef[];
}

export interface LookupAnnotation {
	/** One line: "MX north.test → 1 mail exchanger". */
	title: string;
	notes: LookupNote[];
	/** How it was asked: UDP, TCP, or the queue in-process. */
	transport: LookupNote;
}

const TRANSPORT_NOTES: Record<DnsLookup['transport'], LookupNote> = {
	udp: {
		text: 'over UDP, one datagram each way',
		rfc: [ref(1035, '4.2.1')]
	},
	tcp: {
		text: 'over TCP, each message preceded by its length in two bytes',
		rfc: [ref(1035, '4.2.2')]
	},
	queue: {
		text: 'asked by the outgoing queue inside the server, as a mail server does before it connects to the next hop',
		rfc: [ref(5321, '5.1')]
	},
	auth: {
		text: 'asked inside the server by a receiving host checking a message: its SPF record, DKIM key and DMARC policy',
		rfc: [ref(7208, '4.4'), ref(6376, '6.1.2'), ref(7489, '6.6.3')]
	}
};

function plural(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

export function annotateLookup(lookup: DnsLookup): LookupAnnotation {
	const transport = TRANSPORT_NOTES[lookup.transport];
	const { question } = lookup;
	if (!question)
		return {
			title: `Not a readable DNS query → ${lookup.rcode}`,
			notes: [
				{
					text: 'The packet could not be read as a DNS query, so the server answered with a format error; it went on answering everyone else.',
					rfc: rcode('FORMERR')?.rfc ?? []
				}
			],
			transport
		};
	const { name, type } = question;
	const asked = `${type} ${name}`;
	const row = recordType(type);
	const notes: LookupNote[] = [];
	let title: string;
	if (lookup.rcode === 'REFUSED') {
		title = `${asked} → REFUSED`;
		notes.push({
			text: `${name} is outside the sandbox. This server answers only for its own zones and never asks another server on anyone’s behalf (no recursion: the RA bit of its answers is 0), so it can be neither a window on the internet nor a tool against it.`,
			rfc: [ref(1035, '4.1.1')]
		});
	} else if (lookup.rcode === 'NXDOMAIN') {
		title = `${asked} → NXDOMAIN: no such name`;
		notes.push({
			text: `${name} does not exist, under any record type. The answer is authoritative, and the zone’s SOA record in the authority section says how long a resolver may remember it.`,
			rfc: [ref(2308, '2.1'), ref(2308, '5')]
		});
		if (type === 'MX')
			notes.push({
				text: 'Mail to a domain that does not exist is an error at once: the implicit MX rule applies only to a domain that exists but has no MX records.',
				rfc: [ref(5321, '5.1')]
			});
	} else if (lookup.rcode !== 'NOERROR') {
		title = `${asked} → ${lookup.rcode}`;
		const rc = rcode(lookup.rcode);
		if (rc) notes.push({ text: `${rc.name}: ${rc.says}.`, rfc: rc.rfc });
	} else if (lookup.answers.length === 0) {
		title = `${asked} → no ${type} record`;
		notes.push({
			text: `${name} exists but has no ${type} record (“no data”: NOERROR with an empty answer).`,
			rfc: [ref(2308, '2.2')]
		});
		if (type === 'MX')
			notes.push({
				text: 'No MX records at all: a mail server then takes the domain’s own address record (A or AAAA) as an implicit MX with preference 0, and looks that up next.',
				rfc: [ref(5321, '5.1')]
			});
		if (type === 'AAAA')
			notes.push({
				text: 'The sandbox hosts have IPv4 loopback addresses only (127.0.0.N), so no name here has an AAAA record.',
				rfc: [ref(3596, '2.1')]
			});
	} else if (type === 'MX') {
		const exchangers = lookup.answers
			.filter((a) => a.type === 'MX')
			.map((a) => mxData(a.data))
			.filter((mx) => mx !== undefined)
			.sort((a, b) => a.preference - b.preference);
		if (exchangers.length === 1 && exchangers[0].exchange === '.') {
			title = `${asked} → null MX: no mail accepted`;
			notes.push({
				text: `A null MX (preference 0, exchange “.”): ${name} says it accepts no mail. A sender gives up at once instead of trying the domain’s address or queueing the message.`,
				rfc: [ref(7505, '3'), ref(7505, '4.1')]
			});
		} else {
			title = `${asked} → ${plural(exchangers.length, 'mail exchanger', 'mail exchangers')}`;
			notes.push({
				text: `Tried in order of preference, lowest first: ${exchangers
					.map((mx) => `${mx.exchange.replace(/\.$/, '')} (${mx.preference})`)
					.join(', ')}. Each is a host name: its address comes from a lookup of its A record.`,
				rfc: [ref(1035, '3.3.9'), ref(5321, '5.1')]
			});
			const preferences = exchangers.map((mx) => mx.preference);
			if (new Set(preferences).size < preferences.length)
				notes.push({
					text: 'Some share a preference: a sender picks among those at random, to spread the load.',
					rfc: [ref(5321, '5.1')]
				});
		}
	} else {
		title = `${asked} → ${plural(lookup.answers.length, 'record', 'records')}`;
		const addresses = lookup.answers.filter((a) => a.type === 'A').map((a) => a.data);
		if (addresses.length)
			notes.push({
				text: `${name} is at ${addresses.join(', ')}: a loopback address, this very machine (all of 127.0.0.0/8 is loopback), so each sandbox host has an address of its own and nothing leaves the machine.`,
				rfc: [...(row?.rfc ?? []), ref(1122, '3.2.1.3')]
			});
		else if (row) notes.push({ text: `${type}: ${row.says}.`, rfc: row.rfc });
	}
	const ttls = [...new Set(lookup.answers.map((a) => a.ttl))];
	if (ttls.length)
		notes.push({
			text: `TTL ${ttls.join(', ')} s: a resolver may reuse this answer for ${ttls.map(ttlSpan).join(' or ')} without asking again.`,
			rfc: [ref(1035, '3.2.1')]
		});
	return { title, notes, transport };
}
