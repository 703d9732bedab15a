// Generated from the POP3 tables: the same page for everyone, built once.
export const prerender = true;
