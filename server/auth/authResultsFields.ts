/**
 * The trace fields an evaluating host handles: Authentication-Results (RFC 8601) — removing the
 * ones a sender forged with this host's name, writing this host's own — and Received-SPF
 * (RFC 7208 §9.1), folded to the line length RFC 5322 §2.1.1 asks for.
 */

/** RFC 5322 §2.1.1: a line SHOULD be no more than 78 characters, excluding the CRLF. */
export const FOLD_AT = 78;

/** RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by whitespace. */
export function unfold(field: string): string {
	return field.replace(/\r?\n(?=[ \t])/g, '');
}

/**
 * One unfolded field ("Name: value") folded (RFC 5322 §2.2.3: a CRLF inserted before
 * whitespace) so no line passes FOLD_AT where whitespace allows; ends in CRLF.
 */
export function foldField(line: string): string {
	const words = line.split(' ');
	const lines: string[] = [];
	let current = words[0];
	for (const word of words.slice(1)) {
		if (current.length + 1 + word.length > FOLD_AT && current.trim() !== '') {
			lines.push(current);
			current = ` ${word}`;
		} else current += ` ${word}`;
	}
	lines.push(current);
	return `${lines.join('\r\n')}\r\n`;
}

/**
 * This host's Authentication-Results field (RFC 8601 §2.2): its authserv-id, then one resinfo
 * per method (`dkim=pass header.i=… `, `spf=…`, `dmarc=…`), each starting a line of its own.
 */
export function authResultsField(
	authservId: string,
	resinfos: string[]
): { folded: string; unfolded: string } {
	const lines = resinfos.map((info, i) =>
		foldField(` ${info}${i < resinfos.length - 1 ? ';' : ''}`)
	);
	return {
		folded: `Authentication-Results: ${authservId};\r\n${lines.join('')}`,
		unfolded: `Authentication-Results: ${authservId}; ${resinfos.join('; ')}`
	};
}

/** A key-value pair's value (RFC 7208 §9.1): a dot-atom as it is, anything else quoted. */
function spfValue(value: string): string {
	// atext and dots (RFC 5322 §3.2.3), control characters never (§9.1: no invalid characters).
	const clean = [...value].filter((c) => c >= ' ' && c !== '\x7f').join('');
	return /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(clean)
		? clean
		: `"${clean.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * The Received-SPF field (RFC 7208 §9.1), unfolded: the result, mailauth's comment, and the
 * key-value pairs a reader needs to check it again — client-ip, envelope-from and helo, which
 * §9.1 asks for, and receiver and identity (mailauth 4.9.5 writes client-ip alone).
 */
export function receivedSpfField(spf: {
	result: string;
	/** Already a comment's text, escaped (mailauth's escapeCommentValue). */
	comment: string;
	clientAddress: string;
	sender: string;
	helo: string;
	receiver: string;
	identity: 'mailfrom' | 'helo';
}): string {
	const pairs = [
		['receiver', spf.receiver],
		['client-ip', spf.clientAddress],
		['envelope-from', spf.sender],
		['helo', spf.helo],
		['identity', spf.identity]
	].map(([key, value]) => `${key}=${spfValue(value)};`);
	return `Received-SPF: ${spf.result}${spf.comment ? ` (${spf.comment})` : ''} ${pairs.join(' ')}`;
}

/** The end of the header section: the empty line (RFC 5322 §2.1), or the whole message. */
function headerEnd(text: string): number {
	if (/^\r?\n/.test(text)) return 0;
	const match = /\r?\n\r?\n/.exec(text);
	return match ? match.index + match[0].indexOf('\n') + 1 : text.length;
}

/**
 * The authserv-id an Authentication-Results field value starts with (RFC 8601 §2.2:
 * `[CFWS] authserv-id`, a token or a quoted-string, RFC 5322 §3.2.4), comments skipped; null
 * when there is none.
 */
export function authservIdOf(value: string): string | null {
	let at = 0;
	const skipCfws = () => {
		for (;;) {
			while (at < value.length && /\s/.test(value[at])) at++;
			if (value[at] !== '(') return;
			let depth = 0;
			for (; at < value.length; at++) {
				if (value[at] === '\\') at++;
				else if (value[at] === '(') depth++;
				else if (value[at] === ')' && --depth === 0) {
					at++;
					break;
				}
			}
		}
	};
	skipCfws();
	if (value[at] === '"') {
		const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(value.slice(at));
		return quoted ? quoted[1].replace(/\\(.)/g, '$1') : null;
	}
	const token = /^[^\s;()"]+/.exec(value.slice(at));
	return token ? token[0] : null;
}

/**
 * The message without the Authentication-Results fields that claim `authservId` (RFC 8601 §5: an
 * MTA MUST delete such fields arriving from outside its trust boundary, or a sender could claim a
 * pass in this host's name). Ours is a host name, so it compares without case (RFC 1035 §2.3.3),
 * MX.North.Test included. Fields of other hosts stay; only the header section is read; every other
 * byte is kept.
 */
export function removeForgedResults(
	raw: Buffer,
	authservId: string
): { raw: Buffer; removed: number } {
	// latin1: one character per octet, so slicing and joining keeps the bytes as they were.
	const text = raw.toString('latin1');
	const end = headerEnd(text);
	const ours = authservId.toLowerCase();
	const kept: string[] = [];
	let removed = 0;
	// Each field: a line not starting with whitespace, and its continuation lines (§2.2.3).
	const fields =
		text.slice(0, end).match(/[^\r\n]*(?:\r?\n|$)(?:[ \t][^\r\n]*(?:\r?\n|$))*/g) ?? [];
	for (const field of fields) {
		const name = /^([^:\s]+)[ \t]*:/.exec(field);
		if (
			name?.[1].toLowerCase() === 'authentication-results' &&
			authservIdOf(unfold(field.slice(name[0].length)))?.toLowerCase() === ours
		) {
			removed++;
			continue;
		}
		kept.push(field);
	}
	if (removed === 0) return { raw, removed };
	return { raw: Buffer.from(kept.join('') + text.slice(end), 'latin1'), removed };
}
