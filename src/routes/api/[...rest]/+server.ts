import { jsonError } from '$lib/server/labAccess';

/** Every unknown API path answers JSON, never the HTML error page. */
const notFound = () => jsonError(404, 'no such API endpoint');

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const DELETE = notFound;
export const PATCH = notFound;
