/**
 * Whether a host name or address means "this machine": localhost names (RFC 6761 §6.3), the
 * IPv4 loopback block 127.0.0.0/8 and ::1, as a URL's hostname or a bind address gives them.
 */
export function isLoopback(host: string): boolean {
	const name = host.toLowerCase().replace(/^\[|\]$/g, '');
	return (
		name === 'localhost' ||
		name.endsWith('.localhost') ||
		/^127(\.\d{1,3}){3}$/.test(name) ||
		name === '::1' ||
		/^::ffff:127(\.\d{1,3}){3}$/.test(name)
	);
}
