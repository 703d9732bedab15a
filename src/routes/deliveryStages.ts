/**
 * The home page's overview of a message's whole way (issue 17): the post-office picture, one row
 * per stage, each with where it is in the sandbox, how the message (or the question) gets there,
 * one line of explanation with its RFC section, and the page where a visitor sees it live.
 */
import { OUTGOING_HOST } from '$lib/delivery/mailHosts';
import type { RfcRef } from '$lib/messages';
import { ref } from '$lib/smtp/rfc';

export type StageId = 'program' | 'submission' | 'outgoing' | 'dns' | 'mx' | 'mailbox' | 'reader';

/** Whose side of the way a stage is on: the sender's, the recipient's, or the shared directory. */
export type StageSide = 'sender' | 'directory' | 'recipient';

export interface DeliveryStage {
	id: StageId;
	name: string;
	side: StageSide;
	/** Where it is here, in the sandbox. */
	where: string;
	/** How the message, or for DNS the question, reaches it from the stage before. */
	arrives: string | null;
	explains: string;
	rfc: RfcRef[];
	/** What its link does; null for the outgoing server, whose link outgoingLink gives. */
	action: string | null;
}

export const DELIVERY_STAGES = [
	{
		id: 'program',
		name: 'Sender’s mail program',
		side: 'sender',
		where: 'your computer or phone',
		arrives: null,
		explains: 'Writes the message — header fields, a blank line, the body — and hands it on.',
		rfc: [ref(5322, '2.1')],
		action: 'Use your own program'
	},
	{
		id: 'submission',
		name: 'Submission server',
		side: 'sender',
		where: 'sandbox.smtp-lab.test, your provider',
		arrives: 'SMTP, port 587 or 465',
		explains:
			'Your provider’s door for new mail, STARTTLS on 587 or TLS at once on 465: it checks who you are (AUTH), then takes the message.',
		rfc: [ref(6409, '3.1'), ref(8314, '3.3')],
		action: 'Submit a message in the lab'
	},
	{
		id: 'outgoing',
		name: 'Outgoing server',
		side: 'sender',
		where: `${OUTGOING_HOST.name}, its queue`,
		arrives: 'into the queue',
		explains:
			'One copy per destination server, with all of its recipients; a “try later” is retried, at least 30 minutes apart, for days.',
		rfc: [ref(5321, '4.5.4.1')],
		action: null
	},
	{
		id: 'dns',
		name: 'DNS: the MX lookup',
		side: 'directory',
		where: 'the sandbox DNS',
		arrives: 'asks: MX of north.test?',
		explains:
			'MX records name the domain’s mail hosts, lowest preference first; with none, the domain’s own address is the implicit MX.',
		rfc: [ref(5321, '5.1'), ref(1035, '3.3.9')],
		action: 'Watch the lookups'
	},
	{
		id: 'mx',
		name: 'Recipient’s mail exchanger (MX)',
		side: 'recipient',
		where: 'mx.north.test and the other hosts',
		arrives: 'SMTP, port 25',
		explains:
			'Takes mail for its own domains only, and adds its Received: line on top of those already there.',
		rfc: [ref(5321, '4.4'), ref(5321, '3.6.2')],
		action: 'Talk to port 25 in the lab'
	},
	{
		id: 'mailbox',
		name: 'Mailbox',
		side: 'recipient',
		where: 'at the recipient’s provider',
		arrives: 'final delivery',
		explains:
			'Final delivery adds Return-Path: with the envelope sender; the message waits here to be read.',
		rfc: [ref(5321, '4.4')],
		action: 'Open the mailboxes'
	},
	{
		id: 'reader',
		name: 'Recipient’s mail program',
		side: 'recipient',
		where: 'the recipient’s computer or phone',
		arrives: 'IMAP or POP3, not SMTP',
		explains:
			'Reads the mailbox to show the message: IMAP on port 143 keeps it on the server with folders and flags, POP3 on port 110 downloads it.',
		rfc: [ref(3501, '2.1'), ref(1939, '3')],
		action: 'Read mail in the lab (IMAP, POP3)'
	}
] as const satisfies readonly DeliveryStage[];

/** Words for each side, so that colour is never the only clue. */
export const SIDE_LABEL: Record<StageSide, string> = {
	sender: 'Sender’s side',
	directory: 'Directory',
	recipient: 'Recipient’s side'
};

/** The sides as bands over the stages on a wide screen: first stage and how many. */
export const SIDE_BANDS: { side: StageSide; from: number; span: number }[] = [
	{ side: 'sender', from: 1, span: 3 },
	{ side: 'directory', from: 4, span: 1 },
	{ side: 'recipient', from: 5, span: 3 }
];

/** Where each stage is seen live; the outgoing server's depends on what the visitor has sent. */
export const STAGE_HREF: Record<Exclude<StageId, 'outgoing'>, string> = {
	program: '/connect',
	submission: '/lab?listener=submission',
	dns: '/dns',
	mx: '/lab?listener=mx',
	mailbox: '/mailbox',
	reader: '/lab?listener=imap'
};

/**
 * The outgoing server's link: the newest journey the visitor may see (the page's server load
 * finds it), or, before they have sent anything through the queue, the guided example that
 * splits one message three ways and opens its journey.
 */
export function outgoingLink(journeyId: string | null): { href: string; action: string } {
	return journeyId
		? { href: `/journey/${encodeURIComponent(journeyId)}`, action: 'Follow your newest message' }
		: { href: '/examples/split-delivery', action: 'Watch one message split three ways' };
}

/** "RFC 5321 §4.4, §3.6.2; RFC 1035 §3.3.9": each RFC named once, its sections in the row's order. */
export function citationLine(refs: readonly RfcRef[]): string {
	const sections = new Map<number, string[]>();
	for (const r of refs) sections.set(r.rfc, [...(sections.get(r.rfc) ?? []), `§${r.section}`]);
	return [...sections].map(([rfc, list]) => `RFC ${rfc} ${list.join(', ')}`).join('; ');
}
