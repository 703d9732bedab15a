// Annotation runs in the browser with the engine: the page itself is static.
export const prerender = true;
