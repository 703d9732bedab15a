/**
 * The PROXY protocol, version 1 (HAProxy's specification, "The PROXY protocol, Versions 1 & 2",
 * §2.1): a proxy in front of the lab (nginx's stream module with `proxy_protocol on;`) opens each
 * connection with one text line naming the client it relays, so the lab sees the learner's
 * address instead of the proxy's. Read by the sandbox's listeners (listeners.ts) for SMTP, POP3
 * and IMAP alike, before the greeting and before any TLS handshake, and only on connections from
 * PROXY_PROTOCOL_FROM: from anyone else a header would let a client claim any address (§2: the
 * receiver "MUST not try to guess whether the protocol header is present or not").
 *
 * The header is between the proxy and the lab, not part of the mail conversation: it is consumed
 * here, before the session's recorder and wire tap see a byte, so it is neither in the transcript
 * nor in the eavesdropper's view (a passive observer of the learner's own wire never sees it).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type net from 'node:net';
import { plainAddress } from '../clientAddress';

/** §2.1: the longest version 1 line, CRLF included ("worst case", UNKNOWN with IPv6 fields). */
export const PROXY_V1_MAX_BYTES = 107;

export type ProxyHeader =
	| {
			family: 'TCP4' | 'TCP6';
			source: string;
			destination: string;
			sourcePort: number;
			destinationPort: number;
	  }
	/** §2.1: the receiver uses the connection's own addresses, ignoring the rest of the line. */
	| { family: 'UNKNOWN' };

export type ProxyHeaderResult = { header: ProxyHeader } | { error: string };

/** §2.1: a port, decimal, 0–65535, without heading zeroes. */
const PORT = /^(?:0|[1-9]\d{0,4})$/;

/**
 * Parses one complete line, CRLF included (§2.1 allows no other ending). Anything that does not
 * match the specification exactly is an error: "Any sequence which does not exactly match the
 * protocol must be discarded and cause the receiver to abort the connection."
 */
export function parseProxyHeader(line: Buffer): ProxyHeaderResult {
	if (line.length > PROXY_V1_MAX_BYTES)
		return { error: `longer than ${PROXY_V1_MAX_BYTES} bytes (§2.1)` };
	const text = line.toString('latin1');
	if (!text.endsWith('\r\n')) return { error: 'does not end with CRLF (§2.1)' };
	const body = text.slice(0, -2);
	if (/[\r\n]/.test(body)) return { error: 'a lone CR or LF inside the line (§2.1)' };
	if (!body.startsWith('PROXY ')) return { error: 'does not start with "PROXY " (§2.1)' };
	const fields = body.slice('PROXY '.length).split(' ');
	if (fields[0] === 'UNKNOWN') return { header: { family: 'UNKNOWN' } };
	const [family, source, destination, sourcePort, destinationPort] = fields;
	if (family !== 'TCP4' && family !== 'TCP6')
		return { error: `protocol "${family}" is not TCP4, TCP6 or UNKNOWN (§2.1)` };
	if (fields.length !== 5)
		return {
			error: `${fields.length - 1} fields after ${family}, not 4 separated by single spaces (§2.1)`
		};
	const isAddress =
		family === 'TCP4'
			? // Node's isIPv4 takes only §2.1's form: four numbers 0–255 without heading zeroes.
				isIPv4
			: // No zone index (fe80::1%eth0): an address, not an interface. IPv4-mapped (::ffff:a.b.c.d)
				// is what nginx writes for an IPv4 client of a dual-stack listener.
				(a: string) => isIPv6(a) && !a.includes('%');
	for (const [name, address] of [
		['source', source],
		['destination', destination]
	])
		if (!isAddress(address)) return { error: `${name} address is not ${family} (§2.1)` };
	for (const [name, port] of [
		['source', sourcePort],
		['destination', destinationPort]
	])
		if (!PORT.test(port) || Number(port) > 65535)
			return { error: `${name} port is not a number 0–65535 without heading zeroes (§2.1)` };
	return {
		header: {
			family,
			source: plainAddress(source.toLowerCase()),
			destination: plainAddress(destination.toLowerCase()),
			sourcePort: Number(sourcePort),
			destinationPort: Number(destinationPort)
		}
	};
}

/**
 * Reads the header off the start of an accepted socket that has not been read yet, and leaves
 * what follows it (a command sent at once, a TLS ClientHello) in the socket for the session.
 * An error when the line is malformed, longer than PROXY_V1_MAX_BYTES without CRLF, or has not
 * arrived within `timeoutMs` (§2: "a short timeout ... at least 3 seconds"), or the peer leaves.
 */
export function readProxyHeader(socket: net.Socket, timeoutMs: number): Promise<ProxyHeaderResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let length = 0;
		let finished = false;
		const finish = (result: ProxyHeaderResult) => {
			if (finished) return;
			finished = true;
			clearTimeout(timer);
			socket.off('readable', onReadable);
			socket.off('end', onEnd);
			socket.off('close', onEnd);
			// Removing the 'readable' listener returns the socket to its unread state on the next
			// tick (Node's updateReadableListening); the session's readers attach after that.
			process.nextTick(() => resolve(result));
		};
		const timer = setTimeout(
			() => finish({ error: `no header within ${timeoutMs / 1000} s (§2)` }),
			timeoutMs
		);
		const onEnd = () => finish({ error: 'the connection ended before a complete header (§2)' });
		const onReadable = () => {
			let chunk: Buffer | null;
			while ((chunk = socket.read() as Buffer | null) !== null) {
				chunks.push(chunk);
				length += chunk.length;
				const seen = Buffer.concat(chunks, length);
				const lf = seen.subarray(0, PROXY_V1_MAX_BYTES).indexOf(0x0a);
				if (lf >= 0) {
					if (lf + 1 < seen.length) socket.unshift(seen.subarray(lf + 1));
					return finish(parseProxyHeader(seen.subarray(0, lf + 1)));
				}
				if (length >= PROXY_V1_MAX_BYTES)
					return finish({ error: `no CRLF within the first ${PROXY_V1_MAX_BYTES} bytes (§2.1)` });
			}
		};
		socket.on('readable', onReadable);
		socket.once('end', onEnd);
		socket.once('close', onEnd);
	});
}
