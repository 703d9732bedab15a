// Annotation runs in the browser with the engine: the page itself is static.
export const prerender = false; // see reference/[section]/[slug]/+page.ts: the crawl needs /examples
