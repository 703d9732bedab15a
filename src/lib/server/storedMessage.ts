import type { StoredMessage } from '../../../server/store/labStore';
import { ApiError, checkId, labApi } from './labAccess';

export function storedMessage(id: string): StoredMessage {
	const stored = labApi().message(checkId(id, 'message'));
	if (!stored) throw new ApiError(404, 'no such message');
	return stored;
}
