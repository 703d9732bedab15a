import { describe, expect, it } from 'vitest';
import { buildMessageView } from './messageView';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

// Issue 10 item 11: postal-mime reports "8bit" where no Content-Transfer-Encoding is written.
describe('buildMessageView: a part’s encoding is what its header declares', () => {
	it('no field: null (7bit by RFC 2045 §6.1), not "8bit"', async () => {
		const view = await buildMessageView(bytes('Subject: a\r\n\r\nHello\r\n'), 1000);
		expect(view.parts[0].encoding).toBeNull();
	});

	it('a declared encoding is reported as declared', async () => {
		const view = await buildMessageView(
			bytes('Subject: a\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\xc3\xa9\r\n'),
			1000
		);
		expect(view.parts[0].encoding).toBe('8bit');
	});
});
