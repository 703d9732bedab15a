// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Viewer } from '../server/owners/visibility';

declare global {
	namespace App {
		interface Locals {
			/** Who is asking (src/hooks.server.ts): their owner, and whether they are the operator. */
			viewer: Viewer;
		}
	}
}

export {};
