/** "934 bytes", "1.7 KB", "2.4 MB" (1 KB = 1024 bytes), exact bytes below 1 KB. */
export function formatSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "2026-11-28 05:21:06 UTC": the same on the server and in every browser (no hydration mismatch). */
export function utcTime(at: number): string {
	return new Date(at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** The display part of an address header, for lists: `"Alice" <a@x>` → Alice <a@x>. */
export function shortAddress(value: string): string {
	return value.replace(/"([^"]*)"/g, '$1').trim();
}
