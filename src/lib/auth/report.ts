/**
 * What an MX found when it checked a message's authentication (issue 20): SPF (RFC 7208), DKIM
 * (RFC 6376) and DMARC (RFC 7489), step by step, and what it did about it. Written by the
 * evaluating host (server/auth/), kept with the message (MessageSummary.authentication) and
 * drawn by the message page's Authentication tab. Pure data, shared by server and browser.
 */

/** RFC 8601 §2.7.2 (SPF results, as RFC 7208 §2.6 names them). */
export type SpfResult =
	'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';
/** RFC 8601 §2.7.1. */
export type DkimResult =
	'pass' | 'fail' | 'neutral' | 'none' | 'policy' | 'permerror' | 'temperror';
/** RFC 7489 §11.2. */
export type DmarcResult = 'pass' | 'fail' | 'none' | 'permerror' | 'temperror';
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
/** RFC 7489 §6.3 adkim / aspf: r(elaxed) or s(trict). */
export type AlignmentMode = 'r' | 's';

/** One DNS question the check asked, as the sandbox DNS answered it (also in /dns's log). */
export interface AuthLookup {
	/** Its id in the DNS log: /dns#lookup-<id>. */
	lookupId: string;
	name: string;
	type: string;
	rcode: string;
	/** The answers' data (TXT strings joined, RFC 7208 §3.3). */
	answers: string[];
	/** Counted against SPF's 10-lookup limit (RFC 7208 §4.6.4). */
	counted: boolean;
	/** An answer with no records (NXDOMAIN or none of the type): counted as void (§4.6.4). */
	void: boolean;
}

/** One term of an SPF record, in the order it was evaluated (RFC 7208 §4.6.2, §5, §6). */
export interface SpfStep {
	/** The term as written: "-all", "a:out.smtp-lab.test", "include:x.test", "redirect=y.test". */
	term: string;
	kind: 'mechanism' | 'modifier';
	/** all, include, a, mx, ptr, ip4, ip6, exists, redirect, exp, or an unknown modifier. */
	name: string;
	/** +, -, ~ or ? (mechanisms only; "+" when none is written, §4.6.2). */
	qualifier?: '+' | '-' | '~' | '?';
	/** The lookups this term cost, in order. */
	lookups: AuthLookup[];
	/**
	 * match: the client's address matched, evaluation stopped here with the qualifier's result;
	 * no-match: evaluation went on; not-reached: an earlier term matched (or an error stopped it);
	 * error: this term caused the permerror or temperror.
	 */
	outcome: 'match' | 'no-match' | 'not-reached' | 'error';
	/** One sentence: what the term tested and what it found. */
	note: string;
	/** For include (and redirect): the record of the included domain, evaluated the same way. */
	included?: SpfEvaluation;
}

/** One SPF record evaluated for one domain (the top one, or an include's / redirect's). */
export interface SpfEvaluation {
	domain: string;
	/** The v=spf1 record found, or null (none, or several: permerror, RFC 7208 §4.5). */
	record: string | null;
	/** The TXT question that fetched it (RFC 7208 §4.4; not asked when the lookup limit was hit). */
	recordLookups?: AuthLookup[];
	steps: SpfStep[];
	result: SpfResult;
}

export interface SpfCheck {
	/** Which identity was checked: MAIL FROM's domain, or the HELO name for the null sender (§2.4). */
	identity: 'mailfrom' | 'helo';
	/** The address checked: MAIL FROM, or postmaster@<HELO> for the null sender (§2.4). */
	sender: string;
	domain: string;
	clientAddress: string;
	helo: string;
	evaluation: SpfEvaluation;
	/** DNS lookups counted (limit 10) and void lookups (limit 2), RFC 7208 §4.6.4. */
	lookupCount: number;
	voidLookupCount: number;
	result: SpfResult;
	/** The library's own comment (mailauth), as written into Authentication-Results. */
	comment: string;
}

export interface DkimCheck {
	/** d= and s= (RFC 6376 §3.5). */
	domain: string;
	selector: string;
	/** a=, e.g. rsa-sha256. */
	algorithm: string;
	/** c=: header/body canonicalization (§3.4), e.g. relaxed/relaxed. */
	canonicalization: string;
	/** h=: the header fields the signature covers, in order (§3.5, §5.4). */
	signedHeaders: string[];
	/** The body hash computed here, and bh= as the signature states it (§3.7). */
	bodyHashComputed: string;
	bodyHashExpected: string;
	/** l= when present: how many body octets were hashed (§3.5; a risk, §8.2). */
	bodyLength: number | null;
	/** The public key record fetched at <s>._domainkey.<d> (§3.6.2.1), or null if none. */
	keyRecord: string | null;
	keyLookups: AuthLookup[];
	/** Key size in bits when known. */
	keyBits: number | null;
	result: DkimResult;
	/** Why, as the library says it: "body hash did not verify", "no key", … */
	comment: string;
	/** The domain this signature aligns with the From: domain as, when it does (RFC 7489 §3.1.1). */
	aligned: string | null;
}

export interface DmarcCheck {
	/** The RFC5322.From domain (RFC 7489 §6.6.1). */
	fromDomain: string;
	/** Its organizational domain (§3.2). */
	organizationalDomain: string;
	/** Where the record was found: _dmarc.<from> or _dmarc.<organizational> (§6.6.3). */
	recordDomain: string | null;
	record: string | null;
	recordLookups: AuthLookup[];
	/** p= (or sp= for a subdomain), null when there is no record. */
	policy: DmarcPolicy | null;
	subdomainPolicy: DmarcPolicy | null;
	adkim: AlignmentMode;
	aspf: AlignmentMode;
	/** SPF's identifier: MAIL FROM's domain only (§3.1.2), and whether it passed and aligned. */
	spf: { domain: string; result: SpfResult; aligned: boolean };
	/** Each DKIM signature's d= with its result and alignment (§3.1.1). */
	dkim: { domain: string; result: DkimResult; aligned: boolean }[];
	result: DmarcResult;
	comment: string;
}

/** What the MX did with the message because of these results. */
export type AuthAction = 'inbox' | 'junk' | 'reject';

export interface AuthDecision {
	action: AuthAction;
	/** The row of AUTH_DECISIONS (src/lib/auth/authPolicy.ts) that decided. */
	reason: AuthDecisionReason;
	/** The reply at the end of DATA when rejected, e.g. "550 5.7.1 …". */
	reply: string | null;
}

export type AuthDecisionReason =
	| 'dmarc-reject' // DMARC fail, p=reject: 550 5.7.1 (RFC 7489 §6.6.2, §10.3)
	| 'dmarc-quarantine' // DMARC fail, p=quarantine: into Junk (RFC 7489 §6.3)
	| 'dkim-required' // this MX's local policy wants a passing DKIM signature of the From: domain, none passes: 550 5.7.20 (RFC 7372 §3.1)
	| 'dkim-not-author-matched' // the same rule, a signature passes but of another domain: 550 5.7.22 (RFC 7372 §3.1)
	| 'spf-fail' // no DMARC policy, SPF fail: 550 5.7.23 (RFC 7208 §8.4, RFC 7372 §3.2)
	| 'accepted'; // anything else: delivered to the inbox

export interface AuthenticationReport {
	/** The authserv-id: the evaluating host (RFC 8601 §2.5). */
	authservId: string;
	evaluatedAt: number;
	spf: SpfCheck;
	/**
	 * The HELO identity checked on its own (RFC 7208 §2.3), identity 'helo', sender
	 * postmaster@<HELO>: present when MAIL FROM was not null (for the null sender `spf` already is
	 * the HELO check, §2.4). A HELO that is no multi-label domain name (an address literal,
	 * "localhost") is not checked: result none, no record, no steps. Shown, never used by DMARC
	 * (RFC 7489 §3.1.2) nor by the decision.
	 */
	spfHelo?: SpfCheck;
	/** One per DKIM-Signature field, in order; empty when the message carries none. */
	dkim: DkimCheck[];
	/** Null when there is no From: domain to check (RFC 7489 §6.6.1). */
	dmarc: DmarcCheck | null;
	/** Authentication-Results fields that claimed this authserv-id and were removed (RFC 8601 §5). */
	removedForgeries: number;
	/** The Authentication-Results field this host wrote (RFC 8601 §2.2), unfolded. */
	header: string;
	decision: AuthDecision;
}
