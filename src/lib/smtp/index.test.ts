import { expect, test } from 'vitest';
import * as smtp from './index';
import { syntaxNoteRfc } from './tables/syntaxNotes';

test('the public API exports the tables and entry points', () => {
	for (const name of [
		'commandTable',
		'replyCodeTable',
		'enhancedCodeTable',
		'enhancedClassTable',
		'enhancedSubjectTable',
		'extensionTable',
		'headerFieldTable',
		'stateTable',
		'transitionTable',
		'SessionAnnotator',
		'annotateTranscript',
		'parseTranscript',
		'splitPipelineGroups',
		'rfcUrl',
		'isFallback'
	])
		expect(smtp, name).toHaveProperty(name);
	expect(smtp.rfcUrl({ rfc: 5321, section: '4.1.1.2' })).toBe(
		'https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.2'
	);
	expect(syntaxNoteRfc('space-after-colon')).toEqual([{ rfc: 5321, section: '3.3' }]);
});
