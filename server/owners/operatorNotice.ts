/**
 * The one line that hands the operator a token this start made (no OPERATOR_TOKEN, none kept in
 * DATA_DIR yet): said once, by the production entry and the dev server alike. The sign-in link
 * carries the token in its fragment, which a browser never sends: it stays out of the server's
 * and any proxy's logs, and /operator removes it from the address bar once signed in.
 */
import path from 'node:path';
import { OPERATOR_TOKEN_FILE } from './labSecrets';

/** `siteUrl`: the site's address as the terminal shows it (ORIGIN when set). */
export function operatorTokenNotice(
	token: string,
	dataDir: string | null,
	siteUrl: string
): string {
	const kept =
		dataDir === null
			? 'made for this run only: with DATA_DIR=memory it is not kept, set OPERATOR_TOKEN to keep one'
			: `made now, kept in ${path.join(dataDir, OPERATOR_TOKEN_FILE)}; printed once`;
	const signIn = `${siteUrl.replace(/\/$/, '')}/operator#token=${encodeURIComponent(token)}`;
	return `SMTP Lab: operator token (${kept}): ${token} — sign in at ${signIn}`;
}
