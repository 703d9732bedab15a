import type { DiagramState } from '$lib/components/StateDiagram.svelte';
import { imapStateTable, imapTransitionTable } from '$lib/imap/stateMachine';

/**
 * IMAP's state diagram (RFC 3501 §3: not authenticated → authenticated ⇄ selected → logout),
 * drawn from src/lib/imap's state and transition tables as pop3Diagram.ts draws POP3's. A module
 * of its own so that a page loads only the protocol it shows (the lab imports it lazily).
 */
export function imapDiagramStates(): DiagramState[] {
	return [...imapStateTable]
		.sort((a, b) => a.order - b.order)
		.map((row) => ({
			id: row.id,
			label: row.label.startsWith('Connected') ? 'connected' : row.label.toLowerCase(),
			description: `${row.label}: ${row.summary}`,
			commands: [...row.validNext],
			next: imapTransitionTable
				.filter((t) => t.from === row.id)
				.map((t) => ({ on: t.label, to: t.to }))
		}));
}
