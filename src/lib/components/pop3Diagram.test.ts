import { describe, expect, it } from 'vitest';
import { pop3DiagramStates } from './pop3Diagram';

describe('pop3DiagramStates', () => {
	const states = pop3DiagramStates();
	const edges = states.flatMap((s) => s.next.map((n) => `${s.id} → ${n.to}`));
	it('draws RFC 1939 §3’s states in order', () => {
		expect(states.map((s) => s.label)).toEqual([
			'connected',
			'AUTHORIZATION',
			'TRANSACTION',
			'UPDATE',
			'Closed'
		]);
	});
	it('draws authorization → transaction → update, and the ways out that delete nothing', () => {
		expect(edges).toEqual(
			expect.arrayContaining([
				'pop3-connected → pop3-authorization',
				'pop3-authorization → pop3-transaction',
				'pop3-transaction → pop3-update',
				'pop3-update → pop3-closed',
				'pop3-authorization → pop3-closed',
				'pop3-transaction → pop3-closed'
			])
		);
		expect(states.find((s) => s.id === 'pop3-transaction')!.commands).toContain('RETR');
	});
});
