import type { ViewerStanding } from '$lib/operator';

/**
 * A list's delete, worded by who asks (GET /api/operator): the operator clears everything, a
 * visitor lets go of their own, and in VISIBILITY=open others still see what another owner holds.
 * `outcome` is what the last delete did, for the page to say where its list changes.
 */
export class Clearing {
	outcome = $state<string | null>(null);
	readonly #standing: () => ViewerStanding;
	readonly #noun: readonly [one: string, many: string];
	readonly #remove: () => Promise<number> | undefined;

	/** `remove` deletes on the server and says how many went; undefined before the list is live. */
	constructor(
		standing: () => ViewerStanding,
		noun: readonly [one: string, many: string],
		remove: () => Promise<number> | undefined
	) {
		this.#standing = standing;
		this.#noun = noun;
		this.#remove = remove;
	}

	get operator(): boolean {
		return this.#standing().operator;
	}

	get open(): boolean {
		return this.#standing().visibility === 'open';
	}

	async clear(): Promise<void> {
		const removing = this.#remove();
		if (!removing) return;
		const removed = await removing;
		const counted = `${removed} ${this.#noun[removed === 1 ? 0 : 1]}`;
		this.outcome = this.operator
			? `Deleted ${counted}.`
			: `Deleted ${counted} of yours.` +
				(this.open ? ' Those another owner also holds stay listed, for them and everyone.' : '');
	}
}
