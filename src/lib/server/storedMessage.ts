import type { Viewer } from '../../../server/owners/visibility';
import type { StoredMessage } from '../../../server/store/labStore';
import { ApiError, checkId, labApi } from './labAccess';

/** The message if the viewer may see it; otherwise 404, as if it did not exist. */
export function storedMessage(viewer: Viewer, id: string): StoredMessage {
	const stored = labApi().message(viewer, checkId(id, 'message'));
	if (!stored) throw new ApiError(404, 'no such message');
	return stored;
}
