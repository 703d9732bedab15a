import { error } from '@sveltejs/kit';
import type { MessageDetail } from '$lib/messages';
import type { Standing } from '$lib/shareLinks';
import type { LayoutLoad } from './$types';

/** Loaded once per message; switching tabs (the [[tab]] segment) does not fetch again. */
export const load: LayoutLoad = async ({ fetch, params }) => {
	const id = encodeURIComponent(params.id);
	const [detail, raw] = await Promise.all([
		fetch(`/api/messages/${id}`),
		fetch(`/api/messages/${id}/raw`)
	]);
	if (detail.status === 404) error(404, 'No such message: it may have been cleared.');
	if (!detail.ok || !raw.ok) error(detail.ok ? raw.status : detail.status, 'Could not load it.');
	const body = (await detail.json()) as {
		message: MessageDetail;
		dataSeq: number | null;
		/** The viewer can open the message's session (it is kept, and theirs or shared). */
		sessionVisible: boolean;
	} & Standing;
	return {
		message: body.message,
		dataSeq: body.dataSeq,
		sessionVisible: body.sessionVisible,
		mine: body.mine,
		sharedWithYou: body.sharedWithYou,
		raw: new Uint8Array(await raw.arrayBuffer())
	};
};
