/**
 * The server answers every command the teaching table (src/lib/imap/commands.ts) explains, in
 * exactly the states the table says it is valid in (RFC 3501 §6; IDLE RFC 2177 §3, UNSELECT
 * RFC 3691 §2, ENABLE RFC 5161 §3.1): what the lab teaches is what its server does.
 */
import { expect, test } from 'vitest';
import { imapCommandTable } from '../../src/lib/imap/commands';
import { commandStates } from './imapConnection';

test.each(imapCommandTable.map((row) => [row.name, row.states] as const))(
	'%s is answered in the states the teaching table gives',
	(name, states) => {
		// UID is a prefix (§6.4.8): its commands are the table's FETCH, STORE, SEARCH and COPY rows.
		const names = name === 'UID' ? ['FETCH', 'STORE', 'SEARCH', 'COPY'] : [name];
		for (const each of names)
			expect(
				commandStates(each)?.map((state) => `imap-${state}`),
				each
			).toEqual(states);
	}
);
