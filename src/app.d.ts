// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Viewer } from '../server/owners/visibility';

declare global {
	namespace App {
		interface Locals {
			/** Who is asking (src/hooks.server.ts): their owner, and whether they are the operator. */
			viewer: Viewer;
			/**
			 * The request came with a valid owner cookie. False on a first request, whose owner is
			 * only a cookie so far: a page makes nothing of its own for them (a script that never
			 * keeps cookies must not fill the database with owners).
			 */
			knownOwner: boolean;
		}
	}
}

export {};
