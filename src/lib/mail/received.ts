/*
 * RFC 5321 §4.4:
 *   Time-stamp-line = "Received:" FWS Stamp <CRLF>
 *   Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS date-time
 *   Opt-info = [Via] [With] [ID] [For] [Additional-Registered-Clauses]
 * Split into its clauses so each can be labelled; comments "(…)" stay with their clause.
 */

export type ReceivedClause = 'from' | 'by' | 'via' | 'with' | 'id' | 'for' | 'date';

export interface ParsedReceived {
	clauses: { name: ReceivedClause; value: string }[];
}

const KEYWORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

export function parseReceived(value: string): ParsedReceived {
	const clauses: ParsedReceived['clauses'] = [];
	const semi = lastSemicolonOutsideComments(value);
	const stamp = semi < 0 ? value : value.slice(0, semi);
	let depth = 0;
	let current: { name: ReceivedClause; value: string } | null = null;
	for (const token of stamp.split(/(\s+)/)) {
		const word = token.toLowerCase();
		if (depth === 0 && KEYWORDS.has(word)) {
			current = { name: word as ReceivedClause, value: '' };
			clauses.push(current);
			continue;
		}
		for (const c of token) depth += c === '(' ? 1 : c === ')' && depth > 0 ? -1 : 0;
		if (current) current.value += token;
	}
	for (const c of clauses) c.value = c.value.replace(/\s+/g, ' ').trim();
	if (semi >= 0) clauses.push({ name: 'date', value: value.slice(semi + 1).trim() });
	return { clauses };
}

function lastSemicolonOutsideComments(value: string): number {
	let depth = 0;
	let at = -1;
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (c === '(') depth++;
		else if (c === ')' && depth > 0) depth--;
		else if (c === ';' && depth === 0) at = i;
	}
	return at;
}
