import { classAnswer } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** Who passed what, as CSV (RFC 4180; its media type is text/csv, RFC 4180 §3). */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(async () => {
		const { filename, csv } = classAnswer(
			await labApi().classes.progressCsv(locals.viewer, params.code)
		);
		return new Response(csv, {
			headers: {
				'content-type': 'text/csv; charset=utf-8; header=present',
				'content-disposition': `attachment; filename="${filename}"`,
				'cache-control': 'private, no-store'
			}
		});
	});
