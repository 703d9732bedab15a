import { describe, expect, it } from 'vitest';
import type { SessionEvent } from './messages';
import { transcriptText } from './transcriptText';

const event = (seq: number, dir: SessionEvent['dir'], text: string, messageId?: string) =>
	({
		seq,
		at: 0,
		dir,
		text,
		anomalies: [],
		annotation: { title: '', summary: '' },
		messageId
	}) as SessionEvent;

describe('transcriptText', () => {
	it('writes one prefixed line per event, each ending in a newline', () => {
		const events = [
			event(1, 'system', 'Connected'),
			event(2, 'server', '220 sandbox ESMTP'),
			event(3, 'client', 'EHLO me')
		];
		expect(transcriptText(events)).toBe('* Connected\nS: 220 sandbox ESMTP\nC: EHLO me\n');
	});

	it('writes message content one line per line, its final line ending not one more line', () => {
		const content = event(1, 'client', 'Subject: hi\n\n..dot\n', 'm1');
		expect(transcriptText([content, event(2, 'client', '.')])).toBe(
			'C: Subject: hi\nC: \nC: ..dot\nC: .\n'
		);
	});

	it('keeps empty content (DATA then "." at once) as one empty line', () => {
		expect(transcriptText([event(1, 'client', '', 'm1')])).toBe('C: \n');
	});

	it('writes nothing for a session without events', () => {
		expect(transcriptText([])).toBe('');
	});
});
