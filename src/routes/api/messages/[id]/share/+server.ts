import { shareRoutes } from '$lib/server/shareRoutes';

/** The owner's read-only links to this message: POST makes one (201), GET lists them. */
export const { GET, POST } = shareRoutes('message');
