import type { Direction, SessionEvent } from './messages';

/*
 * What the POP3 and IMAP transcript readers (src/lib/pop3/transcriptImport.ts,
 * src/lib/imap/transcriptImport.ts) read alike: the line prefixes /annotate accepts ("C: " /
 * "S: " as the RFCs' examples write them, "->" / "<-", ">>>" / "<<<", "===" and "***" notes),
 * a terminal's own chatter (telnet, openssl s_client), and which system event a note names.
 * SMTP's reader accepts a few more prefixes of its own.
 */

export const PREFIXED = /^\s*(->|<-|~>|<~|===|\*\*\*|[CS]:|>>>|<<<)(?: {0,4})(.*)$/;

export const PREFIX_DIR: Record<string, Direction> = {
	'->': 'client',
	'~>': 'client',
	'C:': 'client',
	'>>>': 'client',
	'<-': 'server',
	'<~': 'server',
	'S:': 'server',
	'<<<': 'server',
	'===': 'system',
	'***': 'system'
};

export const TELNET_CHATTER =
	/^(Trying \S+|Connected to \S+|Escape character is|Connection closed by foreign host|telnet>|openssl s_client|CONNECTED\(|---$|depth=|verify return:)/;

// openssl s_client prints CONNECTED(…) when TCP is up and "verify return:" once the handshake
// has checked the certificate: a POP3S or IMAPS session is under TLS from there on.
const SYSTEM_KINDS: [RegExp, SessionEvent['kind']][] = [
	[/TLS started|TLS negotiat|negotiate a TLS|handshake (?:done|complete)|^verify return:/i, 'tls'],
	[/^Connected to|^CONNECTED\(|connection established|^<?opens? connection/i, 'connect'],
	[/Connection closed|closed by foreign host|close connection|disconnect/i, 'disconnect'],
	[/timed? ?out/i, 'timeout']
];

export function systemKind(text: string): SessionEvent['kind'] {
	for (const [re, kind] of SYSTEM_KINDS) if (re.test(text)) return kind;
	return 'note';
}
