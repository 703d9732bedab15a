/** An anonymous owner: one browser, with its personal sandbox domain and submission login. */
export interface Owner {
	/** Random 128 bits; known only to the owner's cookie and the server. */
	id: string;
	/** `quiet-otter-42`: the submission user name; with `.test`, the personal domain. */
	name: string;
	/** The personal submission password, shown to the owner on /connect. */
	password: string;
	createdAt: number;
}

/** A read-only link to one session or message, until its owner revokes it. */
export interface Share {
	/** Random 128 bits: the link's only secret. */
	token: string;
	kind: 'session' | 'message';
	itemId: string;
	/** Who shared it, and may revoke it. */
	ownerId: string;
	createdAt: number;
}
