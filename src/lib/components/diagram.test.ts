import { describe, expect, it } from 'vitest';
import { diagramStates } from './diagram';

describe('diagramStates', () => {
	const states = diagramStates();
	const edges = states.flatMap((s) => s.next.map((n) => `${s.id} -${n.on}-> ${n.to}`));
	it('keeps the table order', () => {
		expect(states[0].id).toBe('connected');
		expect(states.at(-1)?.id).toBe('closed');
	});
	it('draws the transaction path', () => {
		expect(edges).toContain('connected -GREETING-> greeted');
		expect(edges).toContain('greeted -EHLO-> identified');
		expect(edges).toContain('identified -MAIL-> mail');
		expect(edges).toContain('mail -RCPT-> rcpt');
		expect(edges).toContain('rcpt -DATA-> data');
		expect(edges).toContain('data -DATA-END-> identified');
		expect(edges).toContain('identified -STARTTLS-> tls');
	});
});
