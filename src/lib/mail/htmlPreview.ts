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
const CSS_URL = /url\(\s*(['"]?)\s*([^'")]*?)\s*\1\s*\)/gi;
const CSS_IMPORT = /@import[^;]*;?/gi;

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
	const cleanCss = (css: string) =>
		css.replace(CSS_IMPORT, '').replace(CSS_URL, (whole, _q: string, url: string) => {
			if (/^data:/i.test(url) || (allowRemoteImages && /^https:/i.test(url))) return whole;
			blockedImages.push(url);
			return 'none';
		});
	purify.addHook('uponSanitizeElement', (node, data) => {
		if (data.tagName === 'style' && node.textContent) node.textContent = cleanCss(node.textContent);
	});
	purify.addHook('afterSanitizeAttributes', (node) => {
		const style = node.getAttribute('style');
		if (style) node.setAttribute('style', cleanCss(style));
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
