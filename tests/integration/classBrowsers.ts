/**
 * The people of a class test over real WebSockets: owners with their cookies, a teacher with a
 * class of two students, each person's pages (bridge clients) and their SMTP sessions.
 */
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { BridgeClient, isType } from './wsClient';

export interface Person {
	viewer: Viewer;
	cookie: string;
}

export class ClassBrowsers {
	readonly #clients: BridgeClient[] = [];

	constructor(
		readonly lab: Lab,
		readonly wsUrl: string
	) {}

	person(): Person {
		const { id, cookie } = this.lab.owners.signer.issueOwner();
		return { viewer: { ownerId: id, operator: false }, cookie };
	}

	/** A teacher with a class and two students who joined it, as `ana` and `ben`. */
	classOfTwo(name: string, nicknames: [string, string]) {
		const teacher = this.person();
		const room = this.lab.classes.create(teacher.viewer, name);
		const ana = this.person();
		const ben = this.person();
		this.lab.classes.join(ana.viewer, room.code, nicknames[0]);
		this.lab.classes.join(ben.viewer, room.code, nicknames[1]);
		return { teacher, room, ana, ben };
	}

	/** A page of `who`'s browser. */
	async page(who: Person): Promise<BridgeClient> {
		const client = await BridgeClient.connect(this.wsUrl, {
			headers: { cookie: `${OWNER_COOKIE}=${who.cookie}` }
		});
		this.#clients.push(client);
		return client;
	}

	close(): void {
		for (const client of this.#clients.splice(0)) client.close();
	}
}

/** Opens an mx session on the page and waits for its greeting. */
export async function openSession(client: BridgeClient): Promise<string> {
	const from = client.received.length;
	client.send({ type: 'open', listener: 'mx' });
	const opened = await client.next(isType('opened'), 5000, from);
	await client.reply(opened.session.id, /^220 /, 5000, from);
	return opened.session.id;
}

/** Sends one command line in the page's session and waits for the reply matching `reply`. */
export async function command(
	client: BridgeClient,
	sessionId: string,
	line: string,
	reply: RegExp
) {
	const from = client.received.length;
	client.send({ type: 'input', data: `${line}\r\n` });
	return client.reply(sessionId, reply, 5000, from);
}
