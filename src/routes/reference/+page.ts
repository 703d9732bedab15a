// The reference is generated from the engine's tables: the same page for everyone, built once.
export const prerender = false; // see reference/[section]/[slug]/+page.ts: the crawl needs /examples
