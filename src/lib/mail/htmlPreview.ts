/*
 * Mail HTML for the Rendered view. Three layers, each enough on its own for scripts:
 * 1. DOMPurify (html profile: no <script>, no event handlers, no javascript: URLs, no SVG),
 *    plus our hooks: links made inert, remote images removed until the reader allows them;
 * 2. a Content-Security-Policy <meta> at the top of the document: nothing loads but data: images
 *    and inline styles (https: images once allowed);
 * 3. the page puts it in <iframe sandbox=""> — no scripts, no same origin, no top navigation,
 *    no forms, no popups.
 * @see https://html.spec.whatwg.org/multipage/iframe-embed-object.html#attr-iframe-sandbox
 */
import DOMPurify from 'dompurify';

/** The Content-Security-Policy of the preview document. */
export function previewCsp(allowRemoteImages: boolean): string {
	return [
		"default-src 'none'",
		`img-src data:${allowRemoteImages ? ' https:' : ''}`,
		"style-src 'unsafe-inline'",
		"form-action 'none'",
		"base-uri 'none'"
	].join('; ');
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'"': '&quot;',
	'<': '&lt;',
	'>': '&gt;'
};

export function escapeAttribute(value: string): string {
	return value.replace(/[&"<>]/g, (c) => ESCAPES[c]);
}

/** The whole srcdoc: CSP first, so it governs everything after it. `body` must be sanitised. */
export function previewDocument(body: string, allowRemoteImages: boolean): string {
	return (
		'<!doctype html><html><head>' +
		`<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(previewCsp(allowRemoteImages))}">` +
		'<meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
		'<style>body{font-family:system-ui,sans-serif;margin:0.75rem;overflow-wrap:anywhere}' +
		'a[data-href]{color:#1d4ed8;text-decoration:underline;cursor:help}' +
		'img[data-blocked-src]{outline:2px dashed #b45309;min-width:1.5rem;min-height:1.5rem}</style>' +
		`</head><body>${body}</body></html>`
	);
}

export interface CleanHtml {
	html: string;
	/** Image URLs held back: remote ones until the reader allows them, relative ones always. */
	blockedImages: string[];
	/** Elements and attributes DOMPurify removed (scripts, handlers, frames …). */
	removed: number;
	/** Link targets, made inert (shown as the link's title). */
	links: string[];
}

const URL_ATTRIBUTES = ['src', 'srcset', 'background', 'poster'];
// A url() with its argument quoted or bare; any other "url(" (unbalanced quotes, white space
// inside) is taken up to its ")" and blocked too, so nothing that looks like a fetch survives.
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^"'()\s]*))\s*\)|url\(([^)]*)\)?/gi;
// image-set() also takes bare strings as image URLs (CSS Images 4 §2.2): the whole function
// goes (one level of nested parentheses, as in url() or type()); mail rarely needs it.
const CSS_IMAGE_SET = /(?:-webkit-)?image-set\((?:[^()]|\([^()]*\))*\)?/gi;
const CSS_IMPORT = /@import[^;]*;?/gi;
const CSS_COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g;
/**
 * An escape: backslash + 1–6 hex digits + one optional white space, backslash + newline (a
 * line continuation), or backslash + any other character (that character).
 * @see https://www.w3.org/TR/css-syntax-3/#consume-escaped-code-point
 */
const CSS_ESCAPE = /\\(?:([0-9a-f]{1,6})(?:\r\n|[ \t\r\n\f])?|(\r\n|[\r\n\f])|([\s\S])|$)/gi;

function escapedCodePoint(hex: string): string {
	const code = parseInt(hex, 16);
	const invalid = code === 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff;
	return String.fromCodePoint(invalid ? 0xfffd : code);
}

/**
 * Mail CSS as the browser would read it, then filtered: comments removed and escapes decoded
 * first, so `u\72l(`, `u\000072 l(`, `u\rl(` and `u/**\/rl(` are all seen as `url(`. The
 * result is what the browser gets: no backslash is left to decode a second time (`\5c 72`),
 * and `<` is written back as an escape so decoded text cannot close a <style> element.
 */
export function cleanCss(
	css: string,
	allowRemoteImages: boolean
): { css: string; blocked: string[] } {
	const blocked: string[] = [];
	const plain = css
		.replace(CSS_COMMENT, '')
		.replace(CSS_ESCAPE, (_e, hex?: string, newline?: string, char?: string) =>
			hex ? escapedCodePoint(hex) : newline ? '' : (char ?? '\ufffd')
		)
		.replace(/\\/g, '')
		.replace(CSS_COMMENT, '');
	const cleaned = plain
		.replace(CSS_IMPORT, (rule) => {
			blocked.push(rule.replace(/^@import\s*|;$/gi, '').trim());
			return '';
		})
		.replace(CSS_IMAGE_SET, (whole) => {
			blocked.push(whole);
			return 'none';
		})
		.replace(CSS_URL, (whole, dq?: string, sq?: string, bare?: string, unreadable?: string) => {
			const url = (dq ?? sq ?? bare ?? unreadable ?? '').trim();
			const allowed = /^data:/i.test(url) || (allowRemoteImages && /^https:/i.test(url));
			if (allowed && unreadable === undefined) return whole;
			blocked.push(url);
			return 'none';
		})
		.replace(/</g, '\\3c ');
	return { css: cleaned, blocked };
}

/** Cleans mail HTML in the browser. Each call uses its own DOMPurify instance and hooks. */
export function cleanMailHtml(
	html: string,
	allowRemoteImages: boolean,
	/** Inline images of this message (RFC 2392 cid: URLs) as data: URLs, by Content-ID. */
	inlineImages: ReadonlyMap<string, string> = new Map()
): CleanHtml {
	const purify = DOMPurify(window);
	const blockedImages: string[] = [];
	const links: string[] = [];
	// CSS can fetch too (background images, @import, fonts): the CSP blocks those, but Chromium's
	// preload scanner may still start the request, so remote url()s are removed here as well.
	const filterCss = (css: string) => {
		const result = cleanCss(css, allowRemoteImages);
		blockedImages.push(...result.blocked);
		return result.css;
	};
	purify.addHook('uponSanitizeElement', (node, data) => {
		if (data.tagName === 'style' && node.textContent)
			node.textContent = filterCss(node.textContent);
	});
	purify.addHook('afterSanitizeAttributes', (node) => {
		const style = node.getAttribute('style');
		if (style) node.setAttribute('style', filterCss(style));
		// A cid: image is part of this very message: shown, as data: (nothing is fetched).
		const cid = /^\s*cid:(.+)$/i.exec(node.getAttribute('src') ?? '')?.[1];
		const inline = cid === undefined ? undefined : inlineImages.get(decodeCid(cid.trim()));
		if (inline) node.setAttribute('src', inline);
		for (const name of URL_ATTRIBUTES) {
			const value = node.getAttribute(name);
			// Only inline data: images load; anything else (remote, or relative to this site) waits.
			if (value === null || /^\s*data:/i.test(value)) continue;
			if (allowRemoteImages && name === 'src' && /^\s*https:/i.test(value)) continue;
			node.removeAttribute(name);
			if (name === 'src' || name === 'srcset') {
				blockedImages.push(value.trim());
				node.setAttribute('data-blocked-src', value.trim());
			}
		}
		// Links stay visible but go nowhere: following one would load a page inside the frame.
		if (node.hasAttribute('href')) {
			const href = node.getAttribute('href') ?? '';
			node.removeAttribute('href');
			node.setAttribute('data-href', href);
			node.setAttribute('title', `Link (disabled here): ${href}`);
			links.push(href);
		}
		node.removeAttribute('target');
		node.removeAttribute('ping');
	});
	const clean = purify.sanitize(html, {
		USE_PROFILES: { html: true },
		FORBID_TAGS: ['form', 'input', 'button', 'select', 'textarea', 'base', 'link', 'meta'],
		FORBID_ATTR: ['action', 'formaction'],
		WHOLE_DOCUMENT: false
	});
	return {
		html: clean,
		blockedImages,
		removed: purify.removed.length,
		links
	};
}

function decodeCid(cid: string): string {
	try {
		return decodeURIComponent(cid);
	} catch {
		return cid;
	}
}
