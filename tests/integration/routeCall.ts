/**
 * Calls a SvelteKit route handler in-process, as the site would for a visitor the hooks
 * identified as `viewer` (src/hooks.server.ts sets locals.viewer), who came with its owner
 * cookie (locals.knownOwner); the operator by default, who sees everything in any VISIBILITY mode.
 */
import type { Viewer } from '../../server/owners/visibility';

export const TEST_OPERATOR: Viewer = { ownerId: 'operator-in-a-test', operator: true };

export function callRoute<E>(
	handler: (event: E) => Response | Promise<Response>,
	params: Record<string, string> = {},
	viewer: Viewer = TEST_OPERATOR
): Response | Promise<Response> {
	return handler({ params, locals: { viewer, knownOwner: true } } as unknown as E);
}
