/**
 * The teaching text of the message page's Authentication tab and the /dns zone editor (issue 20):
 * one row per fact of SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489) and the
 * Authentication-Results field (RFC 8601), each with one sentence a beginner understands and the
 * section it comes from. Components look rows up by their key; nothing here computes anything.
 * The MX's decisions (inbox, Junk, refused) are rows of AUTH_DECISIONS in ./authPolicy.ts.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';
import type {
	AlignmentMode,
	DkimResult,
	DmarcPolicy,
	DmarcResult,
	SpfResult,
	SpfStep
} from './report';

/** One fact: a short label, the sentence that explains it, where the rule is written. */
export interface AuthExplanation {
	label: string;
	summary: string;
	rfc: RfcRef[];
}

// ---- SPF (RFC 7208) ----

/** Each SPF result, as RFC 7208 §2.6 defines it (and RFC 8601 §2.7.2 reports it). */
export const SPF_RESULTS: Record<SpfResult, AuthExplanation> = {
	pass: {
		label: 'pass',
		summary:
			'The domain’s SPF record names the address the message came from: this client may send mail for the domain.',
		rfc: [ref(7208, '2.6.3')]
	},
	fail: {
		label: 'fail',
		summary:
			'The domain’s record says plainly (with “-all” or another “-” term) that this address may not send its mail: a receiver may refuse the message.',
		rfc: [ref(7208, '2.6.4'), ref(7208, '8.4')]
	},
	softfail: {
		label: 'softfail',
		summary:
			'The record says this address is probably not allowed (“~”), but not firmly: the message is accepted and looked at more closely.',
		rfc: [ref(7208, '2.6.5'), ref(7208, '8.5')]
	},
	neutral: {
		label: 'neutral',
		summary:
			'The record deliberately says nothing about this address (“?”, or no term matched): treated exactly like no SPF at all.',
		rfc: [ref(7208, '2.6.2'), ref(7208, '8.2')]
	},
	none: {
		label: 'none',
		summary:
			'There was nothing to check: the domain publishes no SPF record (or there is no usable domain name).',
		rfc: [ref(7208, '2.6.1')]
	},
	permerror: {
		label: 'permerror',
		summary:
			'The domain’s record cannot be used as written — a syntax error, two records, or too many DNS lookups — and only its owner can fix it.',
		rfc: [ref(7208, '2.6.7')]
	},
	temperror: {
		label: 'temperror',
		summary:
			'A DNS question failed for now (SERVFAIL, a timeout): a later try may give a real result, so a receiver may answer with a 4xx “try again”.',
		rfc: [ref(7208, '2.6.6'), ref(7208, '8.6')]
	}
};

/** What a qualifier in front of a mechanism turns a match into (RFC 7208 §4.6.2). */
export const SPF_QUALIFIERS: Record<NonNullable<SpfStep['qualifier']>, AuthExplanation> = {
	'+': {
		label: '+ (pass)',
		summary: 'A match gives pass. It is the default: “a:host” means “+a:host”.',
		rfc: [ref(7208, '4.6.2')]
	},
	'-': {
		label: '- (fail)',
		summary: 'A match gives fail: the domain says this address may not send its mail.',
		rfc: [ref(7208, '4.6.2')]
	},
	'~': {
		label: '~ (softfail)',
		summary: 'A match gives softfail: probably not allowed, accepted with suspicion.',
		rfc: [ref(7208, '4.6.2')]
	},
	'?': {
		label: '? (neutral)',
		summary: 'A match gives neutral: the domain makes no statement about this address.',
		rfc: [ref(7208, '4.6.2')]
	}
};

/** Every SPF mechanism and modifier (RFC 7208 §5, §6); `unknown` is any other modifier. */
export const SPF_TERMS = {
	all: {
		label: 'all',
		summary:
			'Matches every address. Written last, it decides what happens to everyone the terms before it did not name.',
		rfc: [ref(7208, '5.1')]
	},
	include: {
		label: 'include',
		summary:
			'Evaluates another domain’s SPF record; it matches only when that record gives pass for this address (say, a mail provider’s list of servers).',
		rfc: [ref(7208, '5.2')]
	},
	a: {
		label: 'a',
		summary:
			'Looks up the A (or AAAA) records of a host name — the domain itself if none is given — and matches when the client’s address is one of them.',
		rfc: [ref(7208, '5.3')]
	},
	mx: {
		label: 'mx',
		summary:
			'Looks up the domain’s MX hosts and their addresses, and matches when the client is one of the domain’s own mail servers.',
		rfc: [ref(7208, '5.4')]
	},
	ptr: {
		label: 'ptr',
		summary:
			'Matches by the client’s reverse DNS name. The RFC says not to use it: it is slow and unreliable, and costs many lookups.',
		rfc: [ref(7208, '5.5')]
	},
	ip4: {
		label: 'ip4',
		summary:
			'Matches an IPv4 address or network written right in the record (ip4:127.0.0.1, ip4:192.0.2.0/24); it needs no DNS lookup.',
		rfc: [ref(7208, '5.6')]
	},
	ip6: {
		label: 'ip6',
		summary: 'Matches an IPv6 address or network written right in the record; no DNS lookup.',
		rfc: [ref(7208, '5.6')]
	},
	exists: {
		label: 'exists',
		summary:
			'Matches when a name (usually built with macros) has any A record at all, whatever its address.',
		rfc: [ref(7208, '5.7')]
	},
	redirect: {
		label: 'redirect',
		summary:
			'When no mechanism matched, the whole answer comes from another domain’s record instead (“use theirs”).',
		rfc: [ref(7208, '6.1')]
	},
	exp: {
		label: 'exp',
		summary:
			'Names a TXT record holding the explanation a receiver may quote when the result is fail; it never changes the result.',
		rfc: [ref(7208, '6.2')]
	},
	unknown: {
		label: 'unknown modifier',
		summary: 'A modifier SPF does not define is ignored, so records can grow new ones later.',
		rfc: [ref(7208, '6')]
	}
} as const satisfies Record<string, AuthExplanation>;

export type SpfTermName = keyof typeof SPF_TERMS;

/** The row of a term's name (an unrecognised name is an unknown modifier). */
export function spfTerm(name: string): AuthExplanation {
	return SPF_TERMS[name.toLowerCase() as SpfTermName] ?? SPF_TERMS.unknown;
}

/** What happened at one term while the record was evaluated in order (RFC 7208 §4.6). */
export const SPF_STEP_OUTCOMES: Record<SpfStep['outcome'], AuthExplanation> = {
	match: {
		label: 'matched',
		summary:
			'The client’s address matched this term: evaluation stops here and the term’s qualifier is the result.',
		rfc: [ref(7208, '4.6.2')]
	},
	'no-match': {
		label: 'no match',
		summary: 'The address did not match: evaluation goes on with the next term.',
		rfc: [ref(7208, '4.6.2')]
	},
	'not-reached': {
		label: 'not reached',
		summary:
			'An earlier term decided the result (or an error stopped it), so this one was never looked at.',
		rfc: [ref(7208, '4.6.2')]
	},
	error: {
		label: 'error',
		summary:
			'Evaluating this term failed — a limit broken, a bad name, a DNS failure — and the error is the result of the whole check.',
		rfc: [ref(7208, '4.6.4'), ref(7208, '2.6.7')]
	}
};

/** The rest of what the SPF section shows: identities, limits, the record itself. */
export const SPF_FACTS = {
	mailfrom: {
		label: 'MAIL FROM identity',
		summary:
			'SPF checks the domain of the envelope sender — the address in MAIL FROM, where bounces go — not the From: line a reader sees.',
		rfc: [ref(7208, '2.2')]
	},
	helo: {
		label: 'HELO identity',
		summary:
			'The name the client gave in HELO or EHLO can be checked too; it is what SPF falls back on when there is no sender address.',
		rfc: [ref(7208, '2.1')]
	},
	'helo-separate': {
		label: 'HELO checked separately',
		summary:
			'The MX also checks the HELO name on its own, as postmaster@ that name, the way RFC 7208 recommends; DMARC does not use this result, only the MAIL FROM check above.',
		rfc: [ref(7208, '2.3'), ref(7489, '3.1.2')]
	},
	'helo-not-domain': {
		label: 'HELO not checked',
		summary:
			'The HELO check can only be made when the name is a domain of two labels or more; an address literal such as [127.0.0.1] or a bare name such as localhost is not checked, so the result is none.',
		rfc: [ref(7208, '2.3')]
	},
	'null-sender': {
		label: 'Null sender',
		summary: 'A bounce has an empty MAIL FROM:<>, so SPF checks postmaster@ the HELO name instead.',
		rfc: [ref(7208, '2.4')]
	},
	client: {
		label: 'Client address',
		summary:
			'The IP address of the computer that connected to the MX: the one thing a sender cannot fake over TCP, and what every term is compared against.',
		rfc: [ref(7208, '4.1')]
	},
	record: {
		label: 'SPF record',
		summary:
			'The TXT record at the domain that starts with “v=spf1”; a domain with two of them has made an error (permerror).',
		rfc: [ref(7208, '4.5')]
	},
	order: {
		label: 'Evaluated in order',
		summary: 'Terms are tried left to right, and the first mechanism that matches decides.',
		rfc: [ref(7208, '4.6.2')]
	},
	default: {
		label: 'Nothing matched',
		summary: 'When no mechanism matches and there is no redirect, the result is neutral.',
		rfc: [ref(7208, '4.7')]
	},
	'lookup-limit': {
		label: 'DNS lookups: at most 10',
		summary:
			'The terms that ask DNS (include, a, mx, ptr, exists and redirect) may be used at most 10 times in one check, includes counted; the 11th is a permerror.',
		rfc: [ref(7208, '4.6.4')]
	},
	'void-limit': {
		label: 'Void lookups: at most 2',
		summary:
			'A lookup that finds nothing (no such name, or no record of that type) is “void”; two are allowed, a third is a permerror, so a broken record cannot flood DNS.',
		rfc: [ref(7208, '4.6.4')]
	},
	'received-spf': {
		label: 'Received-SPF',
		summary:
			'SPF’s own trace field: the result, the client address and the identity checked, added at the top of the message.',
		rfc: [ref(7208, '9.1')]
	}
} as const satisfies Record<string, AuthExplanation>;

// ---- DKIM (RFC 6376) ----

/** Each DKIM result as RFC 8601 §2.7.1 names it, with what RFC 6376 says behind it. */
export const DKIM_RESULTS: Record<DkimResult, AuthExplanation> = {
	pass: {
		label: 'pass',
		summary:
			'The signature checks out with the key the signing domain publishes: the signed header fields and the body arrived exactly as signed.',
		rfc: [ref(8601, '2.7.1'), ref(6376, '6.1.3')]
	},
	fail: {
		label: 'fail',
		summary:
			'The signature was checked and did not verify: something it covers was changed on the way, or it was not made with that domain’s key.',
		rfc: [ref(8601, '2.7.1'), ref(6376, '6.1.3')]
	},
	neutral: {
		label: 'neutral',
		summary:
			'The signature could not be used — malformed, or (as this library reports it) the body no longer matches bh= — so the message counts as unsigned.',
		rfc: [ref(8601, '2.7.1'), ref(6376, '6.1.3')]
	},
	none: {
		label: 'none',
		summary: 'The message carries no DKIM-Signature at all.',
		rfc: [ref(8601, '2.7.1')]
	},
	policy: {
		label: 'policy',
		summary:
			'The signature is there, but something about it is not acceptable to this receiver (a weak algorithm, say).',
		rfc: [ref(8601, '2.7.1')]
	},
	permerror: {
		label: 'permerror',
		summary:
			'The signature cannot ever be verified here — no key published at the selector, a required field missing — trying again will not help.',
		rfc: [ref(8601, '2.7.1'), ref(6376, '6.1.2')]
	},
	temperror: {
		label: 'temperror',
		summary: 'The key could not be fetched right now (a DNS failure); a later try may work.',
		rfc: [ref(8601, '2.7.1'), ref(6376, '6.1.2')]
	}
};

/**
 * mailauth follows Gmail and writes `dkim=neutral (body hash did not verify)`; RFC 6376 §6.1.3
 * step 3 calls the same case PERMFAIL. Shown beside such a verdict so both names are known.
 */
export const DKIM_BODY_HASH_MISMATCH: AuthExplanation = {
	label: 'Body hash did not verify',
	summary:
		'The body was changed after signing (a footer added, a line re-wrapped): the hash computed here differs from bh=. RFC 6376 calls this PERMFAIL; this library, like Gmail, reports it as neutral — either way the signature is ignored.',
	rfc: [ref(6376, '6.1.3')]
};

/** The DKIM-Signature tags the tab shows (RFC 6376 §3.5). */
export const DKIM_TAGS = {
	d: {
		label: 'd= signing domain',
		summary:
			'The domain that takes responsibility for the message by signing it; its key is looked up in its DNS.',
		rfc: [ref(6376, '3.5')]
	},
	s: {
		label: 's= selector',
		summary:
			'Which of the domain’s keys signed: the key is at <selector>._domainkey.<d>, so a domain can have several and swap them.',
		rfc: [ref(6376, '3.1'), ref(6376, '3.5')]
	},
	a: {
		label: 'a= algorithm',
		summary: 'How the signature was made: rsa-sha256 is RSA over a SHA-256 hash.',
		rfc: [ref(6376, '3.3'), ref(6376, '3.5')]
	},
	c: {
		label: 'c= canonicalization',
		summary:
			'How header and body were tidied before hashing (header/body): “relaxed” forgives small changes in spacing and in the case of field names, “simple” forgives almost nothing.',
		rfc: [ref(6376, '3.4'), ref(6376, '3.5')]
	},
	h: {
		label: 'h= signed header fields',
		summary:
			'The header fields the signature covers, in order; changing any of them breaks it, adding others does not.',
		rfc: [ref(6376, '3.5'), ref(6376, '5.4')]
	},
	bh: {
		label: 'bh= body hash',
		summary:
			'The hash of the body as it was when signed; the verifier hashes the body it received and compares.',
		rfc: [ref(6376, '3.5'), ref(6376, '3.7')]
	},
	b: {
		label: 'b= signature',
		summary:
			'The signature itself, over the signed header fields (which include bh=), made with the domain’s private key.',
		rfc: [ref(6376, '3.5')]
	},
	l: {
		label: 'l= body length',
		summary:
			'Only this many bytes of the body were signed; anything appended after them is not covered — a risk the RFC warns about.',
		rfc: [ref(6376, '3.5'), ref(6376, '8.2')]
	}
} as const satisfies Record<string, AuthExplanation>;

/** The two canonicalization algorithms, for header fields and for the body (RFC 6376 §3.4). */
export const DKIM_CANONICALIZATION = {
	'simple-header': {
		label: 'simple (header)',
		summary:
			'Header fields are hashed exactly as they are: any change of space or case breaks the signature.',
		rfc: [ref(6376, '3.4.1')]
	},
	'relaxed-header': {
		label: 'relaxed (header)',
		summary:
			'Field names are lower-cased, runs of spaces become one and folded lines are unfolded before hashing, so harmless rewrapping survives.',
		rfc: [ref(6376, '3.4.2')]
	},
	'simple-body': {
		label: 'simple (body)',
		summary: 'The body is hashed as it is, except that empty lines at its end are ignored.',
		rfc: [ref(6376, '3.4.3')]
	},
	'relaxed-body': {
		label: 'relaxed (body)',
		summary:
			'Spaces at line ends are dropped and runs of spaces become one before hashing; the words themselves must not change.',
		rfc: [ref(6376, '3.4.4')]
	}
} as const satisfies Record<string, AuthExplanation>;

/** The row of one half of c= ("relaxed" for the header, …); simple when absent (§3.5). */
export function canonicalization(algorithm: string, part: 'header' | 'body'): AuthExplanation {
	const name = algorithm.toLowerCase() === 'relaxed' ? 'relaxed' : 'simple';
	return DKIM_CANONICALIZATION[`${name}-${part}`];
}

export const DKIM_FACTS = {
	'body-hash': {
		label: 'Body hash',
		summary:
			'The verifier canonicalizes the body it received, hashes it, and compares with bh=: equal means the body is as signed.',
		rfc: [ref(6376, '3.7')]
	},
	'key-record': {
		label: 'Public key record',
		summary:
			'A TXT record at <selector>._domainkey.<domain>: v=DKIM1, k= the key type, p= the public key itself (empty p= means the key was revoked).',
		rfc: [ref(6376, '3.6.1'), ref(6376, '3.6.2.1')]
	},
	'key-size': {
		label: 'Key size',
		summary:
			'Signers must use RSA keys of at least 1024 bits, as shorter ones can be broken; 2048 bits is usual today.',
		rfc: [ref(6376, '3.3.3')]
	},
	'step-validate': {
		label: '1. Read the signature',
		summary:
			'The verifier checks the DKIM-Signature field is complete and well formed: v=1, the required tags, a known algorithm.',
		rfc: [ref(6376, '6.1.1')]
	},
	'step-key': {
		label: '2. Fetch the key',
		summary:
			'It asks DNS for the TXT record at <s>._domainkey.<d>; no record means the signature cannot be checked (permerror), a DNS failure means try later.',
		rfc: [ref(6376, '6.1.2')]
	},
	'step-verify': {
		label: '3. Compute and compare',
		summary:
			'It hashes the body and compares with bh=, then checks b= over the signed header fields with the key: both must hold.',
		rfc: [ref(6376, '6.1.3')]
	}
} as const satisfies Record<string, AuthExplanation>;

// ---- DMARC (RFC 7489, an Informational RFC) ----

/** Each DMARC result (RFC 7489 §11.2). */
export const DMARC_RESULTS: Record<DmarcResult, AuthExplanation> = {
	pass: {
		label: 'pass',
		summary:
			'SPF or DKIM passed for a domain that lines up with the From: domain the reader sees: the sender really is who the From: line says.',
		rfc: [ref(7489, '11.2'), ref(7489, '6.6.2')]
	},
	fail: {
		label: 'fail',
		summary:
			'The From: domain publishes DMARC, and neither SPF nor DKIM passed for a domain aligned with it: the domain’s policy (p=) applies.',
		rfc: [ref(7489, '11.2'), ref(7489, '6.6.2')]
	},
	none: {
		label: 'none',
		summary:
			'The From: domain publishes no DMARC record (nor does its organizational domain): DMARC has nothing to ask for.',
		rfc: [ref(7489, '11.2'), ref(7489, '6.6.3')]
	},
	permerror: {
		label: 'permerror',
		summary: 'The DMARC record is malformed and cannot be used; its owner must fix it.',
		rfc: [ref(7489, '11.2')]
	},
	temperror: {
		label: 'temperror',
		summary:
			'A DNS failure stopped the check for now; without a final result the policy cannot be applied.',
		rfc: [ref(7489, '11.2'), ref(7489, '6.6.2')]
	}
};

/** What the domain asks receivers to do with mail that fails DMARC (p= and sp=, §6.3). */
export const DMARC_POLICIES: Record<DmarcPolicy, AuthExplanation> = {
	none: {
		label: 'p=none',
		summary:
			'Only watch: deliver failing mail as usual (owners start here while they check their setup).',
		rfc: [ref(7489, '6.3')]
	},
	quarantine: {
		label: 'p=quarantine',
		summary:
			'Treat failing mail as suspicious — here, deliver it into the recipient’s Junk folder.',
		rfc: [ref(7489, '6.3')]
	},
	reject: {
		label: 'p=reject',
		summary:
			'Refuse failing mail, preferably during the SMTP conversation itself, so the sender gets the error.',
		rfc: [ref(7489, '6.3'), ref(7489, '10.3')]
	}
};

/** Alignment modes (adkim= and aspf=, §6.3): how closely a domain must match the From: domain. */
export const DMARC_ALIGNMENT: Record<AlignmentMode, AuthExplanation> = {
	r: {
		label: 'relaxed (r)',
		summary:
			'Same organizational domain is enough: example.com (a d= or a MAIL FROM domain) aligns with From: news.example.com. The default.',
		rfc: [ref(7489, '3.1.1'), ref(7489, '3.1.2')]
	},
	s: {
		label: 'strict (s)',
		summary:
			'Only the very same domain aligns: example.com does not align with From: news.example.com.',
		rfc: [ref(7489, '3.1.1'), ref(7489, '3.1.2')]
	}
};

export const DMARC_FACTS = {
	'from-domain': {
		label: 'From: domain',
		summary:
			'DMARC protects the domain in the From: line, the one a reader sees — SPF and DKIM alone check other domains.',
		rfc: [ref(7489, '3.1'), ref(7489, '6.6.1')]
	},
	'organizational-domain': {
		label: 'Organizational domain',
		summary:
			'The registered domain a name belongs to, found with a list of public suffixes: news.example.com belongs to example.com.',
		rfc: [ref(7489, '3.2')]
	},
	discovery: {
		label: 'Where the policy is found',
		summary:
			'The receiver asks for the TXT record at _dmarc.<From: domain>; if there is none, at _dmarc.<organizational domain>.',
		rfc: [ref(7489, '6.6.3')]
	},
	p: {
		label: 'p= policy',
		summary:
			'What the domain asks receivers to do with mail that fails: none, quarantine or reject.',
		rfc: [ref(7489, '6.3')]
	},
	sp: {
		label: 'sp= subdomain policy',
		summary:
			'The same request for mail From: a subdomain; when absent, p= applies to subdomains too.',
		rfc: [ref(7489, '6.3')]
	},
	adkim: {
		label: 'adkim= DKIM alignment',
		summary:
			'r (relaxed, the default) or s (strict): how a DKIM d= domain must match the From: domain.',
		rfc: [ref(7489, '6.3'), ref(7489, '3.1.1')]
	},
	aspf: {
		label: 'aspf= SPF alignment',
		summary:
			'r (relaxed, the default) or s (strict): how the MAIL FROM domain must match the From: domain.',
		rfc: [ref(7489, '6.3'), ref(7489, '3.1.2')]
	},
	'spf-identifier': {
		label: 'SPF’s identifier',
		summary:
			'For DMARC, SPF counts only for the MAIL FROM domain — not the HELO name — and only when it passed.',
		rfc: [ref(7489, '3.1.2')]
	},
	'dkim-identifier': {
		label: 'DKIM’s identifiers',
		summary:
			'Each passing signature’s d= domain; any one aligned and passing is enough for DMARC to pass.',
		rfc: [ref(7489, '3.1.1')]
	},
	aligned: {
		label: 'Aligned',
		summary:
			'A domain that passed SPF or DKIM is aligned when it matches the From: domain (exactly in strict mode, by organizational domain in relaxed).',
		rfc: [ref(7489, '3.1')]
	},
	informational: {
		label: 'An Informational RFC',
		summary:
			'RFC 7489 is an Informational RFC (an independent submission), not an Internet standard: it writes down what large mail operators agreed to do, and receivers follow it by choice.',
		rfc: [ref(7489, '1')]
	}
} as const satisfies Record<string, AuthExplanation>;

// ---- Authentication-Results (RFC 8601) ----

export const AUTH_RESULTS_FACTS = {
	field: {
		label: 'Authentication-Results',
		summary:
			'The field a receiving server adds on top of the message to record what it checked and found, for mail programs and filters further on.',
		rfc: [ref(8601, '2.1'), ref(8601, '2.2')]
	},
	'authserv-id': {
		label: 'authserv-id',
		summary:
			'The first word names the server that did the checks; a mail program trusts only fields carrying its own receiver’s name.',
		rfc: [ref(8601, '2.5')]
	},
	'removed-forgeries': {
		label: 'Forged fields removed',
		summary:
			'Anyone can type an Authentication-Results field into a message, so the MX deletes incoming ones that claim its own name before adding its own.',
		rfc: [ref(8601, '5')]
	}
} as const satisfies Record<string, AuthExplanation>;

/**
 * Why a message has no report: only a receiving MX checks SPF, DKIM and DMARC, and mail
 * submitted on 587/465 and kept by the sandbox never passed one (RFC 6409 §1: submission is the
 * first hop; the checks are the receiver's, RFC 7489 §6.6.2).
 */
export const NO_REPORT: AuthExplanation = {
	label: 'No MX hop',
	summary:
		'Authentication is checked by the receiving mail exchanger, on port 25. This copy came in on submission and never passed through an MX, so nothing checked it.',
	rfc: [ref(7489, '6.6.2'), ref(7208, '2.5')]
};

/** A message the submission server signed: shown when no MX has checked it yet. */
export const SIGNED_AT_SUBMISSION: AuthExplanation = {
	label: 'Signed at submission',
	summary:
		'The submission server added a DKIM-Signature for the sender’s domain; the receiving MX will fetch the key and verify it.',
	rfc: [ref(6376, '5')]
};
