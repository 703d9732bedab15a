import type { ListenerName } from '$lib/messages';
import type { PageLoad } from './$types';

export interface HealthListener {
	name: ListenerName;
	port: number;
	standsFor: number;
}

interface Health {
	listeners?: HealthListener[];
	tls?: { fingerprint256?: string };
}

/** The ports a client must use come from the running server; the defaults if it cannot say. */
const FALLBACK: HealthListener[] = [
	{ name: 'mx', port: 2525, standsFor: 25 },
	{ name: 'submission', port: 2587, standsFor: 587 },
	{ name: 'submissions', port: 2465, standsFor: 465 }
];

export const load: PageLoad = async ({ fetch, url }) => {
	let health: Health | null = null;
	try {
		const response = await fetch('/api/health');
		if (response.ok) health = (await response.json()) as Health;
	} catch {
		health = null;
	}
	return {
		host: url.hostname || 'localhost',
		listeners: health?.listeners?.length ? health.listeners : FALLBACK,
		fingerprint: health?.tls?.fingerprint256 ?? null,
		healthy: health !== null
	};
};
