/**
 * What the zone routes (src/routes/api/dns/, issue 20) share: the JSON body, read no further than
 * the zone API's limit (413 past it; 400 when it is not JSON), and a ZoneResult answered as JSON,
 * or as `{ error }` with its status — a 400 for malformed records also lists their problems.
 */
import { json } from '@sveltejs/kit';
import type { ZoneResult } from '../../../server/dns/zoneApi';
import { ApiError, labApi } from './labAccess';
import { readCapped } from './readCapped';

export async function zoneBody(request: Request): Promise<unknown> {
	const limit = labApi().zones.maxBodyBytes;
	const text = await readCapped(
		request,
		limit,
		() =>
			new ApiError(
				413,
				`the body is larger than ${limit} bytes: no zone (ZONE_MAX_TXT_RECORDS records of ZONE_MAX_TXT_BYTES) needs more`
			)
	);
	try {
		return JSON.parse(text);
	} catch {
		throw new ApiError(400, 'the body is not JSON');
	}
}

export function zoneAnswer<T>(result: ZoneResult<T>): Response {
	if (result.ok) return json(result.value, { headers: { 'cache-control': 'private, no-store' } });
	return json(
		{ error: result.error, ...(result.problems ? { problems: result.problems } : {}) },
		{ status: result.status }
	);
}
