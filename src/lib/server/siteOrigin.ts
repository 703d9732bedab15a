/**
 * Which pages may open the WebSocket and write through the API. With ORIGIN set, only that
 * origin. Without it, the page's origin must name the host the request was sent to, and that host
 * must be this machine: a loopback name or address, or one of its own interface addresses. A
 * page at a name an attacker controls (DNS rebinding: evil.example resolved to 127.0.0.1) sends
 * a matching Host and Origin, and only the host name itself gives it away.
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-7 (Origin), RFC 6761 §6.3 (localhost)
 */
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** A Host header: a name, an IPv4 address or a bracketed IPv6 address, then an optional port. */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** Host names without ORIGIN: loopback (RFC 6761 §6.3, RFC 1122 §3.2.1.3, RFC 4291 §2.5.3). */
function isLoopback(hostname: string): boolean {
	if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
	if (isIPv4(hostname)) return hostname.startsWith('127.');
	return hostname === '[::1]';
}

/** This machine's own addresses, read per request: a laptop's address changes between rooms. */
function isOwnAddress(hostname: string): boolean {
	return Object.values(networkInterfaces()).some((addresses) =>
		(addresses ?? []).some(
			(a) => (a.family === 'IPv6' ? normalise(`[${a.address}]`) : a.address) === hostname
		)
	);
}

/** The host name as the URL parser writes it (lower case, IPv6 compressed), or null. */
function normalise(hostname: string): string | null {
	try {
		return new URL(`http://${hostname}`).hostname.replace(/\.$/, '');
	} catch {
		return null;
	}
}

/**
 * Without ORIGIN: is `host` (a Host header) this machine, at the port the request arrived on
 * (when known)?
 */
export function isOwnHost(host: string | undefined, localPort?: number): boolean {
	const match = HOST_HEADER.exec(host ?? '');
	if (!match) return false;
	const [, name, port] = match;
	if (localPort !== undefined && Number(port ?? 80) !== localPort) return false;
	const hostname = normalise(name);
	if (!hostname || (name.startsWith('[') && !isIPv6(name.slice(1, -1)))) return false;
	return isLoopback(hostname) || isOwnAddress(hostname);
}

/**
 * Is a request whose page sent `origin` (the Origin header) from this site? `host` is the Host
 * the request was sent to, `configured` the ORIGIN setting, `localPort` the port it arrived on.
 */
export function fromSiteOrigin(
	origin: string,
	host: string | undefined,
	configured: string | null | undefined,
	localPort?: number
): boolean {
	if (configured) return origin === configured.replace(/\/$/, '');
	let originHost: string;
	try {
		originHost = new URL(origin).host;
	} catch {
		return false;
	}
	return originHost === host && isOwnHost(host, localPort);
}

/** Said once at startup when ORIGIN is not set. */
export function ownHostsNotice(port: number): string {
	return `ORIGIN is not set: the WebSocket and API writes accept only pages at localhost, 127.0.0.1, [::1] or this machine's own addresses, port ${port}. Behind a proxy or under a domain name, set ORIGIN (e.g. ORIGIN=https://lab.example.org).`;
}
