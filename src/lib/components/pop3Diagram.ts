import type { DiagramState } from '$lib/components/StateDiagram.svelte';
import { pop3StateTable, pop3TransitionTable } from '$lib/pop3/stateMachine';

/**
 * POP3's state diagram (AUTHORIZATION → TRANSACTION → UPDATE), drawn from src/lib/pop3's state
 * and transition tables as diagram.ts draws SMTP's. A module of its own so that a page loads only
 * the protocol it shows (the lab imports it lazily).
 */
export function pop3DiagramStates(): DiagramState[] {
	return [...pop3StateTable]
		.sort((a, b) => a.order - b.order)
		.map((row) => ({
			id: row.id,
			label: row.label.startsWith('Connected') ? 'connected' : row.label,
			description: `${row.label}: ${row.summary}`,
			commands: [...row.validNext],
			next: pop3TransitionTable
				.filter((t) => t.from === row.id)
				.map((t) => ({ on: t.label, to: t.to }))
		}));
}
