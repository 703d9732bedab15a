/**
 * The lab's cookies, named once for the server (server/owners/ownerCookie.ts signs them) and the
 * site's hooks (which set them).
 */

/** The browser's anonymous owner id and its MAC: HttpOnly, SameSite=Lax. */
export const OWNER_COOKIE = 'smtp_lab_owner';
/** Present once the browser signed in at /operator: a MAC of the operator token. */
export const OPERATOR_COOKIE = 'smtp_lab_operator';
/** A year: an anonymous owner is a browser, and its sandbox domain should outlive a term. */
export const OWNER_COOKIE_MAX_AGE_SECONDS = 365 * 86_400;

/**
 * How the owner cookie is set: for a new owner (src/hooks.server.ts), and for a teacher or a
 * student taking their owner to another browser (the class routes).
 */
export function ownerCookieOptions() {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: secureCookies(),
		maxAge: OWNER_COOKIE_MAX_AGE_SECONDS
	} as const;
}

/** Secure only where the site is served over https (ORIGIN says so): plain http would drop it. */
export function secureCookies(): boolean {
	return (process.env.ORIGIN ?? '').startsWith('https:');
}
