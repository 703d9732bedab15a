import type { Protocol } from '../listeners';
import type { Terminal } from '@xterm/xterm';
import type { FitAddon } from '@xterm/addon-fit';
import { LineEditor, type Completer } from './LineEditor';
import { formatNote, PROMPT_STYLE, terminalTheme } from './format';

export interface XtermViewOptions {
	onSubmit(line: string): void;
	onPaste(lines: string[]): void;
	/** Escape leaves the terminal (xterm keeps Tab for completion, so it needs a way out). */
	onEscape?(): void;
	completer?: Completer;
	fontSize?: number;
	/** Accessible name of xterm's input field. */
	label?: string;
}

const SCROLLBACK = 2000;

/**
 * xterm.js plus our line editor: owns the terminal widget, draws the prompt, and prints lines
 * above it without disturbing what the learner is typing. xterm touches `self` when imported,
 * so it is loaded here, in the browser, on demand.
 */
export class XtermView {
	#term: Terminal;
	#fit: FitAddon;
	#editor = new LineEditor();
	#observer: ResizeObserver;
	#options: XtermViewOptions;

	private constructor(
		term: Terminal,
		fit: FitAddon,
		container: HTMLElement,
		options: XtermViewOptions
	) {
		this.#term = term;
		this.#fit = fit;
		this.#options = options;
		this.#editor.completer = options.completer ?? null;
		this.setMode('command');
		term.attachCustomKeyEventHandler((event) => {
			if (event.type === 'keydown' && event.key === 'Escape') {
				options.onEscape?.();
				return false;
			}
			return true;
		});
		term.onData((data) => this.#onData(data));
		this.#observer = new ResizeObserver(() => this.fit());
		this.#observer.observe(container);
		this.fit();
		term.write(this.#editor.redraw());
	}

	/** Mounts a terminal in `container`, which must be in the document and visible. */
	static async mount(container: HTMLElement, options: XtermViewOptions): Promise<XtermView> {
		const [{ Terminal }, { FitAddon }] = await Promise.all([
			import('@xterm/xterm'),
			import('@xterm/addon-fit'),
			import('@xterm/xterm/css/xterm.css')
		]);
		const term = new Terminal({
			scrollback: SCROLLBACK,
			theme: terminalTheme,
			fontFamily: "ui-monospace, 'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, monospace",
			fontSize: options.fontSize ?? 15,
			cursorBlink: true,
			convertEol: false
		});
		const fit = new FitAddon();
		term.loadAddon(fit);
		term.open(container);
		if (term.textarea && options.label) term.textarea.setAttribute('aria-label', options.label);
		return new XtermView(term, fit, container, options);
	}

	fit(): void {
		try {
			this.#fit.fit();
		} catch {
			// A hidden container has no size; the next resize fits again.
			return;
		}
		if (this.#editor.columns !== this.#term.cols) {
			this.#editor.columns = this.#term.cols;
			this.#term.write(this.#editor.redraw());
		}
	}

	setFontSize(size: number): void {
		if (this.#term.options.fontSize === size) return;
		this.#term.options.fontSize = size;
		this.fit();
	}

	/**
	 * Command prompt (named for the session's protocol) or DATA prompt: the prompt says which, and
	 * DATA lines stay out of history.
	 */
	setMode(mode: 'command' | 'data', protocol: Protocol = 'smtp'): void {
		this.#editor.prompt = mode === 'data' ? 'data> ' : `${protocol}> `;
		this.#editor.promptStyle = PROMPT_STYLE[mode];
		this.#editor.recordHistory = mode === 'command';
		this.#term.write(this.#editor.redraw());
	}

	/** Prints styled lines above the prompt, then draws the prompt again. */
	print(lines: string[]): void {
		if (lines.length === 0) return;
		this.#term.write(this.#editor.erase() + lines.join('\r\n') + '\r\n' + this.#editor.redraw());
	}

	/** Puts text on the prompt line for the learner to check and send (used by the AUTH helper). */
	prefill(text: string): void {
		this.#editor.setLine(text);
		this.#term.write(this.#editor.redraw());
		this.#term.focus();
	}

	clear(): void {
		this.#term.reset();
		this.#term.write(this.#editor.redraw());
	}

	focus(): void {
		this.#term.focus();
	}

	dispose(): void {
		this.#observer.disconnect();
		this.#term.dispose();
	}

	#onData(data: string): void {
		for (const effect of this.#editor.feed(data)) {
			switch (effect.type) {
				case 'submit':
					this.#term.write(this.#editor.erase());
					this.#options.onSubmit(effect.line);
					break;
				case 'paste':
					this.#term.write(this.#editor.erase());
					this.#options.onPaste(effect.lines);
					break;
				case 'cancel':
					this.print([formatNote(`${effect.line}^C (line dropped, nothing sent)`)]);
					break;
				case 'clear-screen':
					this.#term.clear();
					break;
				case 'candidates':
					this.print([formatNote(effect.list.join('   '))]);
					break;
				case 'bell':
					break;
			}
		}
		this.#term.write(this.#editor.redraw());
	}
}
