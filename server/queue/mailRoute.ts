/**
 * The resolver's answer (server/dns/resolver.ts) as the queue uses it: where to connect. MX and
 * A records carry no port, and where the platform has one loopback address only the hosts share
 * it: the endpoint table (server/hosts/hostEndpoints.ts) says where each host really listens.
 */
import type { MailAnswer } from '../dns/resolver';
import type { HopTarget } from './hopAttempt';
import type { MailRoute } from './outgoingQueue';

export function mailRoute(
	answer: MailAnswer,
	endpointOf: (host: string) => { address: string; port: number } | undefined
): MailRoute {
	const target = (t: { host: string; address: string; port: number | null }): HopTarget => {
		const endpoint = endpointOf(t.host);
		// No endpoint row: a port nothing listens on, so the try fails as a refused connection.
		return {
			host: t.host,
			address: endpoint?.address ?? t.address,
			port: endpoint?.port ?? t.port ?? 0
		};
	};
	switch (answer.kind) {
		case 'mx':
			return {
				kind: 'mx',
				targets: answer.targets.map((t) => ({ ...target(t), preference: t.preference }))
			};
		case 'implicit':
			return { kind: 'implicit', target: target(answer.target) };
		default:
			return { kind: answer.kind };
	}
}
