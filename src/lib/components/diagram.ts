import type { DiagramState } from '$lib/components/StateDiagram.svelte';
import { stateTable, transitionTable, type StateId } from '$lib/smtp/protocol/stateMachine';

/** Moments in the transition table that are not verbs, and the state they happen in. */
const MOMENT_SOURCES: Record<string, StateId[]> = {
	GREETING: ['connected'],
	'AUTH-CONT': ['auth'],
	'AUTH-CANCEL': ['auth'],
	'DATA-END': ['data']
};

/** "idle" means: back to where no transaction is open, which depends on what the session did. */
function resolveIdle(source: StateId): StateId {
	if (source === 'authenticated') return 'authenticated';
	if (source === 'greeted' || source === 'tls') return 'identified';
	return 'identified';
}

/**
 * The state diagram's nodes and arcs, drawn from src/lib/smtp's state and transition tables.
 * Arcs to "closed" (QUIT and 421 are possible almost anywhere) are left out so the picture stays
 * readable; the caption lists QUIT among the valid commands instead.
 */
export function diagramStates(): DiagramState[] {
	const states: DiagramState[] = [...stateTable]
		.sort((a, b) => a.order - b.order)
		.map((row) => ({
			id: row.id,
			label: SHORT_LABELS[row.id] ?? row.label,
			description: `${row.label}: ${row.summary}`,
			commands: [...row.validNext],
			next: []
		}));
	const byId = new Map(states.map((s) => [s.id, s]));
	for (const row of transitionTable) {
		if (row.on === '*' || row.to === 'same' || row.to === 'closed') continue;
		for (const on of row.on) {
			const sources =
				MOMENT_SOURCES[on] ??
				stateTable.filter((s) => s.validNext.includes(on)).map((s) => s.id as StateId);
			for (const source of sources) {
				const to = row.to === 'idle' ? resolveIdle(source) : row.to;
				const node = byId.get(source);
				if (node && to !== source && !node.next.some((n) => n.on === on && n.to === to))
					node.next.push({ on, to });
			}
		}
	}
	return states;
}

/** Short labels for the diagram boxes (the table's labels are written for sentences). */
export const SHORT_LABELS: Record<string, string> = {
	connected: 'connected',
	greeted: 'greeted',
	identified: 'identified',
	tls: 'TLS, EHLO again',
	auth: 'AUTH exchange',
	authenticated: 'authenticated',
	mail: 'MAIL accepted',
	rcpt: 'RCPT accepted',
	data: 'DATA: message',
	closed: 'closed'
};
