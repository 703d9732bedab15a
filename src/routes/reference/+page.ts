// Generated from the engine's tables: the same page for everyone, built once.
export const prerender = true;
