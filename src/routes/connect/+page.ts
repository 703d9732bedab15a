import { LISTENER_TABLE } from '$lib/listeners';
import type { ListenerName } from '$lib/messages';
import type { PageLoad } from './$types';

interface Health {
	listeners?: { name: ListenerName; port: number }[];
	smtpHost?: string;
	tls?: { fingerprint256?: string };
}

export const load: PageLoad = async ({ fetch, url, data }) => {
	let health: Health | null = null;
	try {
		const response = await fetch('/api/health');
		if (response.ok) health = (await response.json()) as Health;
	} catch {
		health = null;
	}
	// The ports a client must use come from the running server; the defaults if it cannot say.
	const ports = Object.fromEntries(
		LISTENER_TABLE.map((row) => [
			row.name,
			health?.listeners?.find((l) => l.name === row.name)?.port ?? row.defaultPort
		])
	) as Record<ListenerName, number>;
	return {
		// From +page.server.ts: the visitor's personal login and domain, and VISIBILITY.
		...data,
		host: url.hostname || 'localhost',
		ports,
		smtpHost: health?.smtpHost ?? null,
		fingerprint: health?.tls?.fingerprint256 ?? null,
		healthy: health !== null
	};
};
