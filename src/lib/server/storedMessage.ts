import type { StoredMessage } from '../../../server/store/labStore';
import type { MessageView } from '../../../server/store/messageView';
import { ApiError, checkId, lab } from './labAccess';

export function storedMessage(id: string): StoredMessage {
	const stored = lab().store.messages.get(checkId(id, 'message'));
	if (!stored) throw new ApiError(404, 'no such message');
	return stored;
}

/** Parsed on first look and kept with the message (parsing is never on the accept path). */
export function messageView(stored: StoredMessage): Promise<MessageView> {
	return lab().messageView(stored);
}
