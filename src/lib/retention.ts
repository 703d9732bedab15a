/**
 * How long the lab keeps what it recorded, as /live and /mailbox say it: GET /api/health's
 * `durable` (a database in DATA_DIR, or memory only) and `retentionHours` (RETENTION_HOURS).
 */
export interface Retention {
	durable: boolean;
	hours: number;
}

/** The server's retention, read from GET /api/health; memory and a week if it cannot say. */
export async function loadRetention(fetch: typeof globalThis.fetch): Promise<Retention> {
	const health = await fetch('/api/health');
	if (!health.ok) return { durable: false, hours: 168 };
	const { durable, retentionHours } = (await health.json()) as {
		durable: boolean;
		retentionHours: number;
	};
	return { durable, hours: retentionHours };
}

/** `168` → "7 days", `36` → "36 hours", `1` → "1 hour". */
export function retentionSpan(hours: number): string {
	if (hours % 24 === 0) return hours === 24 ? '1 day' : `${hours / 24} days`;
	return hours === 1 ? '1 hour' : `${hours} hours`;
}
