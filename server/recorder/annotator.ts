import type { ListenerName } from '../../src/lib/messages';
import type { Annotator } from './sessionRecorder';

/** Minimal annotator until src/lib/smtp's engine lands: names the verb and the reply class. */
export function createAnnotator(_listener: ListenerName): Annotator {
	return {
		annotate({ dir, text }) {
			if (dir === 'server') {
				const code = Number(text.slice(0, 3));
				return {
					title: `Reply ${code}`,
					summary: `Class ${Math.floor(code / 100)}xx`,
					code,
					class: Math.floor(code / 100)
				};
			}
			return { title: text.split(' ')[0]?.toUpperCase() ?? '', summary: '' };
		}
	};
}
