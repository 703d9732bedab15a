/*
 * The words a beginner meets around SMTP — ports, IMAP and POP3, MX, spam, bounces — in plain
 * language, one row each, so that the reference search finds an answer for them. Each row cites
 * the RFC sections it rests on and links to the entries that go deeper.
 */
import { rowId, type ReferenceRow } from './reference';
import { ref } from '../rfc';

export interface GlossaryRow extends ReferenceRow {
	/** Short label in lists: "IMAP", "587", "MX". */
	term: string;
	/** Sub-heading on the index page. */
	group: 'Ports' | 'How mail travels' | 'The message' | 'Reading mail' | 'Security and spam';
	/** Other words a beginner might type for it ("port 587", "imaps", "ndr"). */
	aliases: string[];
	facts: { label: string; value: string }[];
	/** `${section}/${slug}` of entries that go deeper. */
	seeAlso: { ref: string; label: string }[];
}

type Row = Omit<GlossaryRow, 'key' | 'slug' | 'ref'>;
const entry = (key: string, row: Row): GlossaryRow => ({ ...rowId('glossary', key), ...row });

export const glossaryTable: readonly GlossaryRow[] = [
	entry('Port 25', {
		term: '25',
		group: 'Ports',
		title: 'Port 25 — server to server',
		summary:
			'The port where a domain’s mail exchanger receives mail from other mail servers. No login: it accepts mail only for the domains it serves.',
		detail:
			'When your provider delivers your message, its server looks up the recipient domain’s MX and connects to it on port 25. Many home and mobile networks block outgoing port 25, so that infected computers cannot send spam directly; mail programs submit on 587 or 465 instead. In the lab, the mx listener stands for port 25 (its number is 2525 only because ports below 1024 need administrator rights).',
		aliases: ['port 25', 'smtp port', 'mta', 'mx listener'],
		facts: [
			{ label: 'Used by', value: 'Mail servers delivering to the recipient’s mail exchanger' },
			{ label: 'Login', value: 'None; only the server’s own domains are accepted' },
			{ label: 'Encryption', value: 'STARTTLS when both sides offer it' }
		],
		rfc: [ref(5321, '4.5.4.2'), ref(5321, '5.1'), ref(6409, '1')],
		seeAlso: [
			{ ref: 'glossary/mx', label: 'MX' },
			{ ref: 'glossary/relay', label: 'Relay' },
			{ ref: 'glossary/port-587', label: 'Port 587' },
			{ ref: 'glossary/port-2525', label: 'Port 2525' }
		]
	}),
	entry('Port 587', {
		term: '587',
		group: 'Ports',
		title: 'Port 587 — submission',
		summary:
			'The port where your mail program hands new mail to your provider: log in (AUTH) after STARTTLS, then send to anyone.',
		detail:
			'Messages received on port 587 are submissions (RFC 6409 §3.1). The server must know who you are before it takes mail (§4.3), and then it relays your message to any domain. The conversation starts in plain text; STARTTLS switches to encryption before the password is sent.',
		aliases: ['port 587', 'submission port', 'msa', 'smtp submission'],
		facts: [
			{ label: 'Used by', value: 'Mail programs (Thunderbird, Outlook, a phone) sending new mail' },
			{ label: 'Login', value: 'Required: AUTH, after STARTTLS' },
			{ label: 'Encryption', value: 'STARTTLS, then everything is encrypted' }
		],
		rfc: [ref(6409, '3.1'), ref(6409, '4.3'), ref(3207, '4')],
		seeAlso: [
			{ ref: 'glossary/submission', label: 'Submission' },
			{ ref: 'glossary/starttls', label: 'STARTTLS' },
			{ ref: 'glossary/port-465', label: 'Port 465' },
			{ ref: 'commands/auth', label: 'AUTH command' }
		]
	}),
	entry('Port 465', {
		term: '465',
		group: 'Ports',
		title: 'Port 465 — submission with TLS from the first byte',
		summary:
			'Submission like 587, but the connection is encrypted before anything is said: no STARTTLS step to strip or skip.',
		detail:
			'The "submissions" service: the TLS handshake starts as soon as the TCP connection is open, and the same submission conversation (EHLO, AUTH, MAIL FROM …) runs inside it (RFC 8314 §3.3), which asks clients and servers to support both 465 and 587 and to move to TLS from the first byte over time.',
		aliases: ['port 465', 'smtps', 'submissions', 'implicit tls', 'ssl'],
		facts: [
			{ label: 'Used by', value: 'Mail programs sending new mail' },
			{ label: 'Login', value: 'Required: AUTH' },
			{ label: 'Encryption', value: 'Implicit TLS: from the first byte' }
		],
		rfc: [ref(8314, '3.3'), ref(6409, '')],
		seeAlso: [
			{ ref: 'glossary/port-587', label: 'Port 587' },
			{ ref: 'glossary/tls', label: 'TLS' },
			{ ref: 'glossary/submission', label: 'Submission' }
		]
	}),
	entry('Port 2525', {
		term: '2525',
		group: 'Ports',
		title: 'Port 2525 — an unofficial alternative submission port',
		summary:
			'Not in any standard: some providers also accept submission on 2525 for networks that block 587. It is never used to deliver to an MX, which is always port 25.',
		detail:
			'Think of 2525 as "587 under another number": a mail program logs in and submits there when 587 cannot be reached. Server-to-server delivery always goes to port 25 (RFC 5321 §4.5.4.2), so 2525 never replaces 25.\nIn this lab 2525 means something else: it is the number of the mx listener, which stands for port 25 — the sandbox uses 2xxx numbers because ports below 1024 need administrator rights.',
		aliases: ['port 2525', 'alternative port', 'mx listener'],
		facts: [
			{ label: 'Standard', value: 'No: a provider’s convention, not an RFC' },
			{ label: 'In the real world', value: 'Submission (like 587), where 587 is blocked' },
			{ label: 'In this lab', value: 'The mx listener, standing for port 25' }
		],
		rfc: [ref(6409, '3.1'), ref(5321, '4.5.4.2')],
		seeAlso: [
			{ ref: 'glossary/port-587', label: 'Port 587' },
			{ ref: 'glossary/port-25', label: 'Port 25' }
		]
	}),
	entry('MX', {
		term: 'MX',
		group: 'How mail travels',
		title: 'MX record — where a domain receives mail',
		summary:
			'A DNS record naming a domain’s mail exchangers: the servers that receive mail for it on port 25, tried in order of preference.',
		detail:
			'To deliver to bob@example.org, a sending server asks DNS for the MX records of example.org, tries the host with the lowest preference number first, and falls back to the others (RFC 5321 §5.1). With no MX at all it tries the domain’s own address. A "null MX" — one record pointing at "." — says the domain takes no mail at all (RFC 7505).',
		aliases: ['mx record', 'mail exchanger', 'mail exchange', 'null mx'],
		facts: [
			{ label: 'Looked up by', value: 'The sending server, for the domain after the @' },
			{ label: 'Contains', value: 'A preference number and a host name' }
		],
		rfc: [ref(5321, '5.1'), ref(1035, '3.3.9'), ref(7505, '3')],
		seeAlso: [
			{ ref: 'glossary/dns', label: 'DNS' },
			{ ref: 'glossary/port-25', label: 'Port 25' },
			{ ref: 'replies/556', label: '556 domain does not accept mail' },
			{ ref: 'enhanced/x.1.10', label: 'X.1.10 null MX' }
		]
	}),
	entry('DNS', {
		term: 'DNS',
		group: 'How mail travels',
		title: 'DNS — the Domain Name System',
		summary:
			'The internet’s directory: it turns names like example.org into addresses, and tells a sending server which hosts receive mail for a domain (MX).',
		detail:
			'Mail leans on DNS at every step: MX records say where to deliver (RFC 5321 §5.1, RFC 1035 §3.3.9); SPF, DKIM keys and DMARC policies are DNS records too, which receiving servers read to judge whether a message is genuine.',
		aliases: ['domain name system', 'dns lookup', 'name server'],
		facts: [],
		rfc: [ref(1035, '3.3.9'), ref(5321, '5.1')],
		seeAlso: [
			{ ref: 'glossary/mx', label: 'MX' },
			{ ref: 'glossary/spam', label: 'Spam' }
		]
	}),
	entry('Submission', {
		term: 'Submission',
		group: 'How mail travels',
		title: 'Submission — handing new mail to your provider',
		summary:
			'The first hop: your mail program gives a new message to your provider’s submission server (port 587 or 465), after logging in.',
		detail:
			'Submission and delivery are separate services (RFC 6409 §1): the submission server (MSA) knows you, may fix up the message, and then relays it to the recipient’s mail exchanger (MX) on port 25. Because it knows who sent it, it may accept recipients at any domain.',
		aliases: ['msa', 'message submission', 'outgoing server', 'smtp server'],
		facts: [{ label: 'Ports', value: '587 (STARTTLS), 465 (TLS from the first byte)' }],
		rfc: [ref(6409, '1'), ref(6409, '2.1'), ref(6409, '4.3')],
		seeAlso: [
			{ ref: 'glossary/port-587', label: 'Port 587' },
			{ ref: 'glossary/port-465', label: 'Port 465' },
			{ ref: 'glossary/relay', label: 'Relay' },
			{ ref: 'commands/auth', label: 'AUTH command' }
		]
	}),
	entry('Relay', {
		term: 'Relay',
		group: 'How mail travels',
		title: 'Relay — passing mail on to another server',
		summary:
			'A server relays when it takes a message and sends it on to another server instead of delivering it itself. Only for people it knows: an "open relay" that forwards for anyone is abused by spammers.',
		detail:
			'A relay adds its Received: line and otherwise leaves the message alone (RFC 5321 §2.3.10). A mail exchanger on port 25 accepts only its own domains and answers 550 to others (§3.6.2, §7.9); a submission server relays for users who logged in.',
		aliases: ['relaying', 'open relay', 'relay denied', 'mta'],
		facts: [{ label: 'Refused with', value: '550 5.7.1 (relaying denied)' }],
		rfc: [ref(5321, '2.3.10'), ref(5321, '3.6.2'), ref(5321, '7.9')],
		seeAlso: [
			{ ref: 'glossary/submission', label: 'Submission' },
			{ ref: 'glossary/port-25', label: 'Port 25' },
			{ ref: 'replies/550', label: '550' },
			{ ref: 'enhanced/x.7.1', label: 'X.7.1 not authorized' }
		]
	}),
	entry('Bounce', {
		term: 'Bounce',
		group: 'How mail travels',
		title: 'Bounce — the report that a message could not be delivered',
		summary:
			'A message sent back to the envelope sender saying a delivery failed (a non-delivery report, or DSN), from the null sender <> so that it can never bounce itself.',
		detail:
			'A server that accepted a message and then cannot deliver it must tell the sender (RFC 5321 §6.1). The standard form is a delivery status notification: a multipart/report (RFC 6522 §3) with a human-readable part and a message/delivery-status part (RFC 3464 §2) naming each recipient, its status code and the remote server’s reply. NOTIFY on RCPT TO can also ask for success reports (RFC 3461 §4.1).',
		aliases: ['dsn', 'ndr', 'non-delivery report', 'delivery status notification', 'bounced'],
		facts: [{ label: 'Sent from', value: 'The null reverse-path <>' }],
		rfc: [ref(5321, '6.1'), ref(5321, '4.5.5'), ref(3464, '2'), ref(6522, '3')],
		seeAlso: [
			{ ref: 'extensions/dsn', label: 'DSN EHLO keyword' },
			{ ref: 'commands/rcpt-notify', label: 'RCPT TO … NOTIFY=' },
			{ ref: 'glossary/envelope', label: 'Envelope' }
		]
	}),
	entry('Greylisting', {
		term: 'Greylisting',
		group: 'Security and spam',
		title: 'Greylisting — "try again later" to strangers',
		summary:
			'A receiving server answers a first attempt from an unknown sender with a temporary 4xx error. A real mail server retries later and gets through; much spam software never retries.',
		detail:
			'The server remembers the (client, sender, recipient) tuple it refused (RFC 6647 §2.4). A 4xx reply means "not now", so the sending server keeps the message in its queue and tries again (RFC 5321 §4.5.4.1).',
		aliases: ['greylist', 'graylisting', 'graylist', 'temporary failure', 'deferred'],
		facts: [{ label: 'Typical reply', value: '451 4.7.1' }],
		rfc: [ref(6647, '2.4'), ref(5321, '4.5.4.1')],
		seeAlso: [
			{ ref: 'replies/451', label: '451' },
			{ ref: 'replies/4yz', label: '4yz transient replies' },
			{ ref: 'glossary/spam', label: 'Spam' }
		]
	}),
	entry('Spam', {
		term: 'Spam',
		group: 'Security and spam',
		title: 'Spam — unwanted bulk mail',
		summary:
			'Mail nobody asked for, sent in bulk. SMTP does not prove who sent a message, so receiving servers judge each one: the sending address’s reputation, SPF, DKIM, DMARC and the content.',
		detail:
			'RFC 5321 §6.2 notes that undesirable bulk mail vastly exceeds wanted mail, and that a message refused for hostile content should not be answered with a bounce. SPF (RFC 7208) checks that the sending server may send for the envelope sender’s domain, DKIM (RFC 6376) signs the message, and DMARC (RFC 7489) ties both to the From: address. A refusal after the data is typically 550 5.7.1.',
		aliases: ['junk', 'junk mail', 'ube', 'spf', 'dkim', 'dmarc'],
		facts: [],
		rfc: [ref(5321, '6.2'), ref(7208, ''), ref(6376, ''), ref(7489, '')],
		seeAlso: [
			{ ref: 'glossary/greylisting', label: 'Greylisting' },
			{ ref: 'glossary/relay', label: 'Relay' },
			{ ref: 'headers/received-spf', label: 'Received-SPF' },
			{ ref: 'headers/dkim-signature', label: 'DKIM-Signature' },
			{ ref: 'headers/authentication-results', label: 'Authentication-Results' }
		]
	}),
	entry('STARTTLS', {
		term: 'STARTTLS',
		group: 'Security and spam',
		title: 'STARTTLS — switching a plain connection to encryption',
		summary:
			'A command that turns an SMTP connection that began in plain text into a TLS-encrypted one. After it, the client starts again with EHLO.',
		detail:
			'The server lists STARTTLS after EHLO; the client sends STARTTLS, gets 220, and the TLS handshake follows. Everything said before is forgotten, so the client sends EHLO again (RFC 3207 §4.2). Used on port 587 and between servers on port 25.',
		aliases: ['start tls', 'starttls command', 'opportunistic tls'],
		facts: [{ label: 'Reply', value: '220, then the TLS handshake' }],
		rfc: [ref(3207, '4'), ref(3207, '4.2')],
		seeAlso: [
			{ ref: 'commands/starttls', label: 'STARTTLS command' },
			{ ref: 'extensions/starttls', label: 'STARTTLS EHLO keyword' },
			{ ref: 'glossary/tls', label: 'TLS' },
			{ ref: 'glossary/port-465', label: 'Port 465' }
		]
	}),
	entry('TLS', {
		term: 'TLS',
		group: 'Security and spam',
		title: 'TLS — Transport Layer Security',
		summary:
			'The encryption under HTTPS, and under mail too: it hides the conversation (passwords included) from anyone on the network and proves the server’s identity with a certificate.',
		detail:
			'Mail uses TLS in two ways: STARTTLS upgrades a connection that began in plain text (ports 25 and 587, RFC 3207 §4), and implicit TLS starts encrypted from the first byte (port 465, RFC 8314 §3.3). TLS protects one hop between two servers, not the message end to end.',
		aliases: ['ssl', 'encryption', 'certificate', 'tls handshake'],
		facts: [],
		rfc: [ref(3207, '4'), ref(8314, '3.3')],
		seeAlso: [
			{ ref: 'glossary/starttls', label: 'STARTTLS' },
			{ ref: 'glossary/port-465', label: 'Port 465' },
			{ ref: 'states/tls', label: 'TLS state' },
			{ ref: 'events/tls', label: 'TLS event' }
		]
	}),
	entry('Envelope', {
		term: 'Envelope',
		group: 'The message',
		title: 'Envelope — the addresses SMTP delivers to',
		summary:
			'The sender and recipients given with MAIL FROM and RCPT TO. Mail goes where the envelope says, which can differ from the To: and From: written in the message (Bcc works this way).',
		detail:
			'SMTP carries a mail object made of an envelope and content (RFC 5321 §2.3.1). The envelope is the originator address, where reports go, and one or more recipient addresses; the content is the message itself, headers and body, sent after DATA.',
		aliases: [
			'smtp envelope',
			'envelope sender',
			'envelope recipient',
			'return path',
			'mail from',
			'rcpt to'
		],
		facts: [{ label: 'Given by', value: 'MAIL FROM (sender) and RCPT TO (each recipient)' }],
		rfc: [ref(5321, '2.3.1'), ref(5321, '3.3')],
		seeAlso: [
			{ ref: 'commands/mail', label: 'MAIL FROM' },
			{ ref: 'commands/rcpt', label: 'RCPT TO' },
			{ ref: 'glossary/header', label: 'Header' },
			{ ref: 'headers/return-path', label: 'Return-Path' }
		]
	}),
	entry('Header', {
		term: 'Header',
		group: 'The message',
		title: 'Header — the lines at the top of a message',
		summary:
			'"Name: value" lines such as From:, To:, Subject: and Date: at the top of the message, before the first empty line; the body follows it.',
		detail:
			'The header section is part of the message (RFC 5322 §2.2), written by the mail program and added to by servers on the way (Received:). It is not what SMTP delivers by: that is the envelope. Every message must have a From: and a Date: (RFC 5322 §3.6).',
		aliases: ['headers', 'header field', 'header fields', 'message header'],
		facts: [],
		rfc: [ref(5322, '2.2'), ref(5322, '3.6')],
		seeAlso: [
			{ ref: 'glossary/envelope', label: 'Envelope' },
			{ ref: 'headers/from', label: 'From' },
			{ ref: 'headers/received', label: 'Received' },
			{ ref: 'glossary/mime', label: 'MIME' }
		]
	}),
	entry('MIME', {
		term: 'MIME',
		group: 'The message',
		title: 'MIME — attachments, HTML and other languages in mail',
		summary:
			'The rules that let a plain-text message carry HTML, pictures, attachments and any language: header fields that say what a part is, and encodings that turn bytes into text lines.',
		detail:
			'MIME adds MIME-Version:, Content-Type: and Content-Transfer-Encoding: (RFC 2045 §1). A multipart message holds several parts separated by a boundary line (RFC 2046 §5.1); an attachment is usually a base64-encoded part (RFC 2045 §6.8).',
		aliases: ['multipart', 'attachment', 'attachments', 'content-type', 'base64'],
		facts: [],
		rfc: [ref(2045, '1'), ref(2046, '5.1'), ref(2045, '6.8')],
		seeAlso: [
			{ ref: 'headers/mime-version', label: 'MIME-Version' },
			{ ref: 'headers/content-type', label: 'Content-Type' },
			{ ref: 'headers/content-transfer-encoding', label: 'Content-Transfer-Encoding' }
		]
	}),
	entry('IMAP', {
		term: 'IMAP',
		group: 'Reading mail',
		title: 'IMAP — reading mail that stays on the server',
		summary:
			'How a mail program reads your mailbox at your provider: messages and folders stay on the server, so phone and laptop see the same mail. SMTP sends mail; IMAP reads it.',
		detail:
			'IMAP is a different protocol from SMTP: the mail program logs in to its own mailbox, lists folders, fetches messages and marks them read. A server listens on port 143 (then STARTTLS) or 993 (TLS from the first byte) (RFC 9051 §2.1). SMTP never reads a mailbox; submission (RFC 6409 §2.1) and IMAP are the two halves of a mail program.',
		aliases: ['imap4', 'imaps', 'port 143', 'port 993', 'incoming server', 'mailbox access'],
		facts: [{ label: 'Ports', value: '143 (STARTTLS), 993 (TLS from the first byte)' }],
		rfc: [ref(9051, '2.1'), ref(3501, '2.1'), ref(6409, '2.1')],
		seeAlso: [
			{ ref: 'glossary/pop3', label: 'POP3' },
			{ ref: 'glossary/submission', label: 'Submission' }
		]
	}),
	entry('POP3', {
		term: 'POP3',
		group: 'Reading mail',
		title: 'POP3 — downloading mail from the server',
		summary:
			'An older, simpler way to read mail: the mail program downloads the messages and usually deletes them from the server. No folders on the server.',
		detail:
			'A POP3 server listens on TCP port 110 (RFC 1939 §3); with TLS from the first byte, 995 (RFC 8314). Like IMAP it only reads mail; sending is always SMTP.',
		aliases: ['pop', 'pop3s', 'port 110', 'port 995', 'incoming server'],
		facts: [{ label: 'Ports', value: '110, 995 (TLS from the first byte)' }],
		rfc: [ref(1939, '3'), ref(8314, ''), ref(6409, '2.1')],
		seeAlso: [
			{ ref: 'glossary/imap', label: 'IMAP' },
			{ ref: 'glossary/submission', label: 'Submission' }
		]
	})
];
