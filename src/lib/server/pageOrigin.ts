import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The origin the visitor's browser used, for a link the server writes out whole (the QR code of
 * a class's join URL). adapter-node builds `url` from ORIGIN, or from PROTOCOL_HEADER behind a
 * proxy; with neither it assumes https, so a lab served over plain http reads the scheme from
 * the connection the request came on.
 */
export function pageOrigin(url: URL, platform: unknown): string {
	if (process.env.ORIGIN || process.env.PROTOCOL_HEADER) return url.origin;
	const socket = (platform as { req?: IncomingMessage } | undefined)?.req?.socket;
	const encrypted = (socket as TLSSocket | undefined)?.encrypted === true;
	return `${encrypted ? 'https' : 'http'}://${url.host}`;
}
