/**
 * Where each sandbox mail host (src/lib/delivery/mailHosts.ts) is reached: one table, made at
 * start-up, that the host servers bind, the sandbox DNS answers with and the queue connects to.
 *
 * On Linux all of 127.0.0.0/8 is loopback (RFC 1122 §3.2.1.3), so each host listens at its own
 * address, all on MAIL_HOSTS_PORT (it stands for port 25; the mx listener's SMTP_PORT may be
 * bound on every address, so the two cannot share a port). Where 127.0.0.2 cannot be bound
 * (macOS has only 127.0.0.1 until an alias is added), every host gets 127.0.0.1 and a port of its
 * own: MAIL_HOSTS_PORT plus its row's index. Port 0 asks for any free port (tests).
 */
import net from 'node:net';
import {
	MAIL_HOSTS,
	OUTGOING_HOST,
	SANDBOX_HOST_ADDRESS,
	type MailHostName
} from '../../src/lib/delivery/mailHosts';

export interface HostEndpoint {
	address: string;
	port: number;
}

export interface EndpointPlan {
	/** Each host at its own 127.0.0.N (true), or all at 127.0.0.1 on ports of their own. */
	ownAddresses: boolean;
	endpoints: Map<MailHostName, HostEndpoint>;
}

/** Whether a server may bind the address on this machine. */
export type BindProbe = (address: string) => Promise<boolean>;

/**
 * An address past 127.0.0.1, the outgoing server's (it must bind for the queue's source address):
 * if it binds, the whole loopback range does.
 */
export const PROBED_ADDRESS = OUTGOING_HOST.address;

export const canBind: BindProbe = (address) =>
	new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(0, address, () => server.close(() => resolve(true)));
	});

export async function planEndpoints(
	port: number,
	probe: BindProbe = canBind
): Promise<EndpointPlan> {
	const ownAddresses = await probe(PROBED_ADDRESS);
	const last = port + MAIL_HOSTS.length - 1;
	if (!ownAddresses && port !== 0 && last > 65535)
		throw new RangeError(
			`MAIL_HOSTS_PORT ${port} is too high: without addresses of their own the ${MAIL_HOSTS.length} mail hosts take ports ${port}–${last}, past 65535`
		);
	const endpoints = new Map<MailHostName, HostEndpoint>();
	MAIL_HOSTS.forEach((host, index) =>
		endpoints.set(
			host.name,
			ownAddresses
				? { address: host.address, port }
				: { address: SANDBOX_HOST_ADDRESS, port: port === 0 ? 0 : port + index }
		)
	);
	return { ownAddresses, endpoints };
}
