/**
 * A time of day on the class pages, HH:MM: in the browser's own zone once the page is mounted
 * (`local`), and in UTC, said so, when rendered on the server, which does not know that zone.
 */
export function clockTime(at: number, local: boolean): string {
	return local
		? new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
		: new Date(at).toISOString().slice(11, 16) + ' UTC';
}
