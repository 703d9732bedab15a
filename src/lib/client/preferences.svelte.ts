/**
 * Display preferences that apply to the whole site: colour theme and presenter mode (larger
 * type, stronger contrast for a projector). Set as attributes on <html>, which app.css reads.
 */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'smtp-lab:display';

class Preferences {
	theme = $state<Theme>('system');
	presenter = $state(false);

	/** Reads saved choices and applies them (browser only). */
	load(): void {
		try {
			const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Preferences>;
			if (saved.theme === 'light' || saved.theme === 'dark') this.theme = saved.theme;
			this.presenter = saved.presenter === true;
		} catch {
			// Unreadable storage: keep the defaults.
		}
		this.#apply();
	}

	setTheme(theme: Theme): void {
		this.theme = theme;
		this.#apply();
	}

	togglePresenter(): void {
		this.presenter = !this.presenter;
		this.#apply();
	}

	#apply(): void {
		const root = document.documentElement;
		if (this.theme === 'system') delete root.dataset.theme;
		else root.dataset.theme = this.theme;
		// Form controls and scrollbars follow the chosen theme, not only the system's.
		root.style.colorScheme = this.theme === 'system' ? '' : this.theme;
		if (this.presenter) root.dataset.presenter = 'true';
		else delete root.dataset.presenter;
		try {
			localStorage.setItem(KEY, JSON.stringify({ theme: this.theme, presenter: this.presenter }));
		} catch {
			// Not saved; the choice still holds for this page.
		}
	}
}

export const preferences = new Preferences();
