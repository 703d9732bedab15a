/**
 * What the zone editor on /dns says about a TXT record an owner writes (issue 20): which kind of
 * record it is (SPF, DMARC, a DKIM key, anything else), and each problem and note about it, one
 * beginner sentence with its RFC section. Made by server/auth/recordCheck.ts with mailauth's own
 * parsers; read by the /dns "Your zone" editor through the API (src/routes/api/dns/). Pure types,
 * shared by server and browser.
 */
import type { RfcRef } from '../messages';
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
