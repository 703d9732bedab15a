import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// Kit's check refuses every text/plain POST without a same-origin Origin header, scripts
		// included (curl to /api/annotate). src/hooks.server.ts refuses cross-origin API writes
		// instead, and the site has no form actions.
		csrf: { trustedOrigins: ['*'] },
		typescript: {
			// server/ is outside src/: include it so svelte-check type-checks the Node side too.
			config: (tsconfig) => {
				tsconfig.include.push('../server/**/*.ts', '../tests/**/*.ts', '../bench/**/*.ts');
				return tsconfig;
			}
		}
	}
};

export default config;
