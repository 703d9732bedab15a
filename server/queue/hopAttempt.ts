/**
 * One try at one destination host: a real SMTP client connection (nodemailer's SMTPConnection)
 * from the outgoing server's own address to the host's endpoint, one transaction with every
 * recipient of the leg (RFC 5321 §4.5.4.1), and each recipient's reply. The socket is opened
 * here so that its local port is registered with the host servers before the host reads its
 * first byte: the host's recorded session then knows whose hop it is.
 */
import net from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface HopTarget {
	host: string;
	address: string;
	port: number;
}

export interface HopEnvelope {
	from: string;
	to: string[];
	/** DSN parameters passed on (a relay keeps them, RFC 3461 §4); NOTIFY when all share one. */
	dsn?: { ret?: 'FULL' | 'HDRS'; envid?: string; notify?: string[] };
}

export interface RecipientReply {
	address: string;
	/** The reply line, or what went wrong. */
	reply: string;
	code: number | null;
}

export interface HopResult {
	/** No connection, or no greeting: the next MX may be tried. */
	connected: boolean;
	/** The reply that decided the transaction (the final dot's), or the connection's error. */
	reply: string;
	code: number | null;
	recipients: RecipientReply[];
}

export interface HopClient {
	/** The outgoing server's name (its EHLO) and the address it connects from. */
	name: string;
	localAddress: string;
	/** Called with the socket's local port once connected, before the host reads anything. */
	register(localPort: number): void;
	/** Real milliseconds each step may take (RFC 5321 §4.5.3.2's minutes, on the queue's clock). */
	timeoutMs: number;
}

export async function attemptHop(
	target: HopTarget,
	envelope: HopEnvelope,
	message: Buffer,
	client: HopClient
): Promise<HopResult> {
	let socket: net.Socket;
	try {
		socket = await connect(target, client);
	} catch (error) {
		return failure(envelope, `${(error as Error).message}`, false);
	}
	const connection = new SMTPConnection({
		connection: socket,
		name: client.name,
		// Opportunistic STARTTLS between MTAs, as on the Internet: the sandbox's certificate is
		// self-signed, and an MTA that cannot verify still encrypts (RFC 7435 §1.3).
		tls: { rejectUnauthorized: false },
		greetingTimeout: client.timeoutMs,
		socketTimeout: client.timeoutMs,
		connectionTimeout: client.timeoutMs
	});
	connection.on('error', () => undefined);
	try {
		await new Promise<void>((resolve, reject) =>
			connection.connect((error?: Error) => (error ? reject(error) : resolve()))
		);
	} catch (error) {
		connection.close();
		const err = error as Error & { response?: string; responseCode?: number };
		return failure(envelope, err.response ?? err.message, false, err.responseCode ?? null);
	}
	try {
		const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
			connection.send(
				{ from: envelope.from, to: envelope.to, ...(envelope.dsn ? { dsn: dsnOf(envelope) } : {}) },
				message,
				(error, sent) => (error ? reject(error) : resolve(sent))
			)
		);
		// QUIT, and the try ends when the connection has (QUEUE_CONCURRENCY counts connections).
		await closed(connection, client.timeoutMs, () => connection.quit());
		return {
			connected: true,
			reply: info.response,
			code: replyCode(info.response),
			recipients: envelope.to.map((address) => {
				const refused = refusalOf(info.rejectedErrors, address);
				return refused ?? { address, reply: info.response, code: replyCode(info.response) };
			})
		};
	} catch (error) {
		connection.close();
		const err = error as Error & {
			response?: string;
			responseCode?: number;
			rejectedErrors?: (Error & { recipient?: string; response?: string; responseCode?: number })[];
		};
		const reply = err.response ?? err.message;
		return {
			connected: true,
			reply,
			code: err.responseCode ?? replyCode(reply),
			recipients: envelope.to.map(
				(address) =>
					refusalOf(err.rejectedErrors, address) ?? {
						address,
						reply,
						code: err.responseCode ?? replyCode(reply)
					}
			)
		};
	}
}

/** Runs `end` (QUIT or close) and waits for the connection to be over, at most `timeoutMs`. */
function closed(connection: SMTPConnection, timeoutMs: number, end: () => void): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, timeoutMs);
		connection.once('end', () => {
			clearTimeout(timer);
			resolve();
		});
		end();
	});
}

function connect(target: HopTarget, client: HopClient): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({
			host: target.address,
			port: target.port,
			localAddress: client.localAddress
		});
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error(`no connection to ${target.address}:${target.port} within the timeout`));
		}, client.timeoutMs);
		socket.once('connect', () => {
			clearTimeout(timer);
			if (socket.localPort !== undefined) client.register(socket.localPort);
			resolve(socket);
		});
		socket.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
	});
}

function failure(
	envelope: HopEnvelope,
	reply: string,
	connected: boolean,
	code: number | null = null
): HopResult {
	return {
		connected,
		reply,
		code,
		recipients: envelope.to.map((address) => ({ address, reply, code }))
	};
}

function refusalOf(
	errors: (Error & { recipient?: string; response?: string; responseCode?: number })[] | undefined,
	address: string
): RecipientReply | null {
	const refused = errors?.find((e) => e.recipient?.toLowerCase() === address.toLowerCase());
	if (!refused) return null;
	const reply = refused.response ?? refused.message;
	return { address, reply, code: refused.responseCode ?? replyCode(reply) };
}

function dsnOf(envelope: HopEnvelope): SMTPConnection.DSNOptions {
	const { ret, envid, notify } = envelope.dsn!;
	return {
		// The types spell FULL "Full"; the library sends what it is given.
		...(ret ? { ret: ret as 'HDRS' } : {}),
		...(envid ? { envid } : {}),
		...(notify?.length ? { notify: notify as SMTPConnection.DSNOption[] } : {})
	};
}

function replyCode(reply: string | undefined): number | null {
	const match = /^(\d{3})/.exec(reply ?? '');
	return match ? Number(match[1]) : null;
}
