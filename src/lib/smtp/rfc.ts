import type { RfcRef } from '../messages';

/** Shorthand for a table row's citation: `ref(5321, '4.1.1.2')`. */
export function ref(rfc: number, section = ''): RfcRef {
	return { rfc, section };
}

const APPENDIX = /^[A-Z](\.|$)/;

/**
 * Link to a section on the RFC Editor's site. Numbered sections use `#section-4.1.1.2`,
 * appendices `#appendix-D.1`; an empty section links the whole document.
 * @see https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.2
 */
export function rfcUrl(r: RfcRef): string {
	const base = `https://www.rfc-editor.org/rfc/rfc${r.rfc}`;
	if (!r.section) return base;
	return `${base}#${APPENDIX.test(r.section) ? 'appendix' : 'section'}-${r.section}`;
}

/** "RFC 5321 §4.1.1.2" — the short label shown beside a citation. */
export function rfcLabel(r: RfcRef): string {
	return r.section ? `RFC ${r.rfc} §${r.section}` : `RFC ${r.rfc}`;
}
