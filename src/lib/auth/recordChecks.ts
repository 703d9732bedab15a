/**
 * What the zone editor on /dns says about a TXT record an owner writes (issue 20): which kind of
 * record it is (SPF, DMARC, a DKIM key, anything else), and each problem and note about it, one
 * beginner sentence with its RFC section. Made by server/auth/recordCheck.ts with mailauth's own
 * parsers; read by the /dns "Your zone" editor through the API (src/routes/api/dns/). Pure types,
 * shared by server and browser.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';
import type { TxtRecordRow } from './authDomains';

/** One thing said about a record: a sentence a beginner understands, and where the rule is. */
export interface RecordCheckMessage {
	message: string;
	rfc: RfcRef;
}

export interface RecordCheck {
	/** The record's name relative to its domain: `@`, `_dmarc`, `smtplab._domainkey`, … */
	name: string;
	value: string;
	/** SPF (RFC 7208), DMARC (RFC 7489), a DKIM key record (RFC 6376 §3.6.1), or another TXT record. */
	kind: 'spf' | 'dmarc' | 'dkim' | 'other';
	/** No problems: the record may be published as written. */
	ok: boolean;
	/** What makes the record malformed (the zone refuses to save it). */
	problems: RecordCheckMessage[];
	/** What is allowed but worth knowing (saved all the same). */
	notes: RecordCheckMessage[];
}

/** A domain whose TXT records this browser may edit, as GET /api/dns/zones/:domain gives it. */
export interface ZoneEditView {
	domain: string;
	/** A personal domain (its owner edits it) or a class domain (its teacher does). */
	kind: 'personal' | 'class';
	/** The TXT records published now: the edited ones, or the defaults. */
	records: TxtRecordRow[];
	/** Whether the owner replaced the defaults. */
	edited: boolean;
	/** What the domain publishes until edited (and again after DELETE). */
	defaults: TxtRecordRow[];
	/** The DKIM selector: the sandbox's key is published at `<dkimSelector>._domainkey`. */
	dkimSelector: string;
	/** One check per record of `records`, in order. */
	checks: RecordCheck[];
}

/**
 * What the checker says, one row per finding: a sentence a beginner understands (`{…}` is filled
 * in with the term, domain or count at hand) and the RFC section that makes the rule.
 * server/auth/recordCheck.ts decides which rows apply; `problem` rows refuse the record.
 */
export interface RecordCheckRow {
	says: string;
	rfc: RfcRef;
	/** A problem makes the record malformed; otherwise it is a note. */
	problem: boolean;
}

export const RECORD_CHECK_ROWS = {
	'name-syntax': {
		says: 'The name “{name}” is not a DNS name: use labels of letters, digits, hyphens and underscores, each at most 63 characters, joined by dots (“@” is the domain itself).',
		rfc: ref(1035, '2.3.4'),
		problem: true
	},
	'name-too-long': {
		says: '{name} is longer than a DNS name may be (255 octets in all, about 253 characters).',
		rfc: ref(1035, '2.3.4'),
		problem: true
	},
	'spf-multiple': {
		says: 'There are {count} SPF records (v=spf1) at {owner}: a receiver cannot choose between them, so every check gives permerror. Merge them into one record.',
		rfc: ref(7208, '3.2'),
		problem: true
	},
	'spf-syntax': {
		says: 'The record cannot be read ({detail}), so every check of it gives permerror: a receiver validates the whole record before using any of it.',
		rfc: ref(7208, '4.6'),
		problem: true
	},
	'spf-unknown-mechanism': {
		says: '“{detail}” is not an SPF mechanism (all, include, a, mx, ptr, ip4, ip6, exists) nor a modifier (name=value): every check gives permerror.',
		rfc: ref(7208, '4.6.1'),
		problem: true
	},
	'spf-redirect-twice': {
		says: 'redirect= appears more than once: each modifier may appear once only, so every check gives permerror.',
		rfc: ref(7208, '6'),
		problem: true
	},
	'spf-domain': {
		says: '“{detail}” is not a domain name a mechanism can look up (a domain has labels joined by dots): every check that reaches it gives permerror.',
		rfc: ref(7208, '4.8'),
		problem: true
	},
	'spf-characters': {
		says: 'The record holds characters outside printable US-ASCII: SPF records are ASCII text, so every check gives permerror.',
		rfc: ref(7208, '4.6'),
		problem: true
	},
	'spf-lookups': {
		says: 'Checking this record needs more than 10 DNS lookups: a receiver stops at the 11th and gives permerror, whatever the rest says.',
		rfc: ref(7208, '4.6.4'),
		problem: false
	},
	'spf-loop': {
		says: '{term} names {owner} itself: the check would include the same record again and again, a loop; it ends at the 10-lookup limit with permerror.',
		rfc: ref(7208, '4.6.4'),
		problem: false
	},
	'spf-void': {
		says: 'More than two of the lookups this record causes find no record at all (void lookups): a receiver stops there with permerror.',
		rfc: ref(7208, '4.6.4'),
		problem: false
	},
	'spf-include-none': {
		says: '{detail} has no SPF record, so the include or redirect that names it gives permerror (not “no match”).',
		rfc: ref(7208, '5.2'),
		problem: false
	},
	'spf-temperror': {
		says: 'The lookup of {detail} fails for now (SERVFAIL): by the RFC an include of it gives temperror, “try again later”; mailauth, which the sandbox’s receivers run, treats the failing include as no match and goes on to the next term.',
		rfc: ref(7208, '5.2'),
		problem: false
	},
	'spf-no-all': {
		says: 'No “all” at the end and no redirect=: an address the record does not name gets neutral, as if the domain said nothing. End it with ~all or -all.',
		rfc: ref(7208, '4.7'),
		problem: false
	},
	'spf-plus-all': {
		says: '“+all” (or a bare “all”) matches every address: anyone on the internet passes SPF for this domain.',
		rfc: ref(7208, '5.1'),
		problem: false
	},
	'spf-after-all': {
		says: '{detail} comes after “all”, which always matches: it is never evaluated.',
		rfc: ref(7208, '5.1'),
		problem: false
	},
	'spf-ptr': {
		says: '“ptr” is slow and unreliable and SHOULD NOT be published; name the hosts with a, mx, ip4 or ip6 instead.',
		rfc: ref(7208, '5.5'),
		problem: false
	},
	'spf-size': {
		says: 'The record is {count} octets: above about 450 an answer may not fit a plain UDP DNS message, and a receiver behind a strict firewall may never see it.',
		rfc: ref(7208, '3.4'),
		problem: false
	},
	'spf-outcome': {
		says: 'Mail from {detail} gets SPF {result} with this record ({count} of the 10 DNS lookups used).',
		rfc: ref(7208, '2.6'),
		problem: false
	},
	'dmarc-version': {
		says: 'A DMARC record must begin with exactly v=DMARC1; a receiver ignores any other text at _dmarc.',
		rfc: ref(7489, '6.3'),
		problem: true
	},
	'dmarc-multiple': {
		says: 'There are {count} DMARC records at {owner}: a receiver then applies no DMARC at all. Keep one.',
		rfc: ref(7489, '6.6.3'),
		problem: true
	},
	'dmarc-syntax': {
		says: 'The record cannot be read ({detail}): DMARC records are tag=value pairs separated by semicolons.',
		rfc: ref(7489, '6.4'),
		problem: true
	},
	'dmarc-policy-missing': {
		says: 'The policy p= is missing: it is required, right after v=DMARC1 (p=none, p=quarantine or p=reject).',
		rfc: ref(7489, '6.3'),
		problem: true
	},
	'dmarc-policy-order': {
		says: 'p= must come right after v=DMARC1.',
		rfc: ref(7489, '6.3'),
		problem: true
	},
	'dmarc-policy-value': {
		says: '{detail} is not a policy: the value must be none, quarantine or reject.',
		rfc: ref(7489, '6.3'),
		problem: true
	},
	'dmarc-alignment-value': {
		says: '{detail}: alignment is r (relaxed: same organizational domain) or s (strict: the very same domain).',
		rfc: ref(7489, '6.3'),
		problem: true
	},
	'dmarc-pct-value': {
		says: '{detail}: pct is a whole number from 0 to 100, the share of failing mail the policy applies to.',
		rfc: ref(7489, '6.3'),
		problem: true
	},
	'dmarc-none': {
		says: 'p=none only watches: mail that fails DMARC is still delivered as usual.',
		rfc: ref(7489, '6.3'),
		problem: false
	},
	'dmarc-pct-partial': {
		says: 'pct={detail}: the policy applies to that share of failing mail only; the rest is treated one step more leniently.',
		rfc: ref(7489, '6.6.4'),
		problem: false
	},
	'dmarc-unknown-tag': {
		says: '{detail} is not a DMARC tag: a receiver ignores it.',
		rfc: ref(7489, '6.3'),
		problem: false
	},
	'dmarc-elsewhere': {
		says: 'A receiver looks for DMARC only at _dmarc.<domain>: a DMARC record named {owner} is never read as one.',
		rfc: ref(7489, '6.1'),
		problem: false
	},
	'dkim-syntax': {
		says: 'The key record cannot be read ({detail}): it is a list of tag=value pairs separated by semicolons.',
		rfc: ref(6376, '3.2'),
		problem: true
	},
	'dkim-version': {
		says: 'v= must be exactly DKIM1 and come first: a receiver discards a key record with any other version.',
		rfc: ref(6376, '3.6.1'),
		problem: true
	},
	'dkim-no-key': {
		says: 'There is no p= tag: the public key is required (an empty p= is allowed and means the key was revoked).',
		rfc: ref(6376, '3.6.1'),
		problem: true
	},
	'dkim-base64': {
		says: 'p= is not base64: the public key is written in base64 (letters, digits, + and /).',
		rfc: ref(6376, '3.6.1'),
		problem: true
	},
	'dkim-key-type': {
		says: 'The key in p= is not of the type k= says ({detail}): k=rsa needs an RSA key, k=ed25519 a 32-octet Ed25519 key; a receiver cannot use it, so every signature fails.',
		rfc: ref(6376, '3.6.1'),
		problem: true
	},
	'dkim-short-key': {
		says: 'The RSA key is shorter than 1024 bits: receivers do not accept signatures made with it.',
		rfc: ref(8301, '3.2'),
		problem: true
	},
	'dkim-revoked': {
		says: 'p= is empty: the key is revoked, and every signature that names this selector fails.',
		rfc: ref(6376, '3.6.1'),
		problem: false
	},
	'dkim-testing': {
		says: 't=y: the domain is testing DKIM, and receivers treat its mail like unsigned mail even when a signature fails.',
		rfc: ref(6376, '3.6.1'),
		problem: false
	},
	'dkim-elsewhere': {
		says: 'A receiver looks for a DKIM key only at <selector>._domainkey.<domain>: a key record named {owner} is never found.',
		rfc: ref(6376, '3.6.2.1'),
		problem: false
	},
	'dkim-other-key': {
		says: 'This is not the sandbox’s key: the submission server signs with its own key (selector {detail}), which this record does not hold, so its signatures fail.',
		rfc: ref(6376, '6.1.3'),
		problem: false
	}
} as const satisfies Record<string, RecordCheckRow>;

export type RecordCheckFinding = keyof typeof RECORD_CHECK_ROWS;
