/**
 * One line of an EHLO reply split into its keyword and parameters, without the extension
 * table: the lab's completion reads only these, so /lab's first load does not carry the table's
 * teaching text (src/lib/smtp/tables/extensions.ts adds each keyword's row).
 *
 * RFC 5321 §4.1.1.1:
 *   ehlo-line    = ehlo-keyword *( SP ehlo-param )
 *   ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 *   ehlo-param   = 1*(%d33-126)
 * Keywords are case-insensitive. "AUTH=LOGIN PLAIN" is outside this grammar (and RFC 4954's):
 * a form from before the AUTH standard that some servers still send for old clients.
 * @see https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.1
 */
export interface EhloWords {
	keyword: string;
	params: string[];
	/** "AUTH=LOGIN PLAIN": the pre-standard form some servers still send for old clients. */
	legacyEquals: boolean;
}

export function parseEhloWords(text: string): EhloWords {
	const words = text.trim().split(/ +/);
	let keyword = (words.shift() ?? '').toUpperCase();
	let legacyEquals = false;
	const eq = keyword.indexOf('=');
	if (eq > 0) {
		words.unshift(keyword.slice(eq + 1));
		keyword = keyword.slice(0, eq);
		legacyEquals = true;
	}
	return { keyword, params: words.filter(Boolean), legacyEquals };
}
