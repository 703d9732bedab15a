import { describe, expect, it } from 'vitest';
import { imapDiagramStates } from './imapDiagram';

describe('imapDiagramStates', () => {
	const states = imapDiagramStates();
	const edges = states.flatMap((s) => s.next.map((n) => `${s.id} → ${n.to}`));

	it('draws RFC 3501 §3’s states in order, between connecting and closing', () => {
		expect(states.map((s) => s.label)).toEqual([
			'connected',
			'not authenticated',
			'authenticated',
			'selected',
			'logout',
			'closed'
		]);
	});

	it('draws §3’s diagram: the greeting’s three ways in, (4) login, (5) select, (6) close or failed select, (7) logout', () => {
		expect([...edges].sort()).toEqual(
			[
				'imap-connected → imap-not-authenticated', // (1) OK greeting
				'imap-connected → imap-authenticated', // (2) PREAUTH
				'imap-connected → imap-logout', // (3) BYE greeting
				'imap-not-authenticated → imap-authenticated', // (4) LOGIN
				'imap-not-authenticated → imap-authenticated', // (4) AUTHENTICATE
				'imap-authenticated → imap-selected', // (5) SELECT
				'imap-authenticated → imap-selected', // (5) EXAMINE
				'imap-selected → imap-authenticated', // (6) CLOSE
				'imap-selected → imap-authenticated', // UNSELECT (RFC 3691)
				'imap-selected → imap-authenticated', // (6) failed SELECT
				'imap-not-authenticated → imap-logout', // (7)
				'imap-authenticated → imap-logout', // (7)
				'imap-selected → imap-logout', // (7)
				'imap-logout → imap-closed'
			].sort()
		);
	});

	it('lists what each state allows', () => {
		const commands = (id: string) => states.find((s) => s.id === id)!.commands;
		expect(commands('imap-not-authenticated')).toEqual(
			expect.arrayContaining(['STARTTLS', 'LOGIN', 'AUTHENTICATE'])
		);
		expect(commands('imap-not-authenticated')).not.toContain('SELECT');
		expect(commands('imap-selected')).toEqual(expect.arrayContaining(['FETCH', 'SELECT', 'IDLE']));
		expect(commands('imap-authenticated')).not.toContain('FETCH');
	});
});
