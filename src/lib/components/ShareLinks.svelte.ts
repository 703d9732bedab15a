import type { ShareKind, ShareLink } from '$lib/shareLinks';

/** The owner's share links to one session or message, through the API (issue 13). */
export class ShareLinks {
	links: ShareLink[] = $state([]);
	/** What the last request's refusal said (the API's `{ error }`), shown to the owner. */
	failure: string | null = $state(null);
	busy = $state(false);
	readonly #endpoint: string;

	constructor(kind: ShareKind, itemId: string) {
		this.#endpoint = `/api/${kind === 'session' ? 'sessions' : 'messages'}/${encodeURIComponent(itemId)}/share`;
	}

	async load(): Promise<void> {
		const body = await this.#request<{ shares: ShareLink[] }>(this.#endpoint);
		if (body) this.links = body.shares;
	}

	/** A new link, added to the list; undefined when the server refused (see `failure`). */
	async create(): Promise<ShareLink | undefined> {
		const link = await this.#request<ShareLink>(this.#endpoint, { method: 'POST' });
		if (link) this.links = [...this.links, link];
		return link;
	}

	async revoke(token: string): Promise<boolean> {
		const done = await this.#request(`/api/shares/${encodeURIComponent(token)}`, {
			method: 'DELETE'
		});
		if (done) this.links = this.links.filter((link) => link.token !== token);
		return done !== undefined;
	}

	async #request<T>(url: string, init?: RequestInit): Promise<T | undefined> {
		this.busy = true;
		this.failure = null;
		try {
			const response = await fetch(url, init);
			const body = await response.json().catch(() => ({}));
			if (response.ok) return body as T;
			this.failure = (body as { error?: string }).error ?? `the server answered ${response.status}`;
		} catch (error) {
			this.failure = (error as Error).message;
		} finally {
			this.busy = false;
		}
		return undefined;
	}
}
