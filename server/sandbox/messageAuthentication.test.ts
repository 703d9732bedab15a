/**
 * The MX's checks when they cannot be made (issue 20): a check that throws delivers the message
 * with temperror for each method (RFC 7489 §6.6.2: no DMARC policy can be applied then), a
 * header section over AUTH_MAX_HEADER_LINES is not checked (permerror); either way a field
 * claiming this host's authserv-id is still removed (RFC 8601 §5). Real zone, real DNS log.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import { loadDkimKey } from '../auth/dkimKeys';
import { DnsLog } from '../dns/dnsLog';
import { SandboxZone } from '../dns/sandboxZone';
import type { ReceivedMessage } from './messageAssembly';
import { MessageAuthentication } from './messageAuthentication';

const KEY = loadDkimKey(null, 'smtplab');

function authentication(clock: Clock, maxHeaderLines = 1000): MessageAuthentication {
	const zone = new SandboxZone({
		serverName: 'smtp-lab.test',
		nameServerAddress: '127.0.0.53',
		isOwnDomain: () => false,
		dkimKeyRecord: KEY.publicKeyRecord,
		dkimSelector: KEY.selector,
		ownTxtRecords: () => null
	});
	return new MessageAuthentication({
		key: KEY,
		zone,
		log: new DnsLog(100, clock),
		isOwnDomain: () => false,
		maxHeaderLines
	});
}

function received(raw: string): ReceivedMessage {
	return {
		id: 'm1',
		sessionId: null,
		listener: 'mx',
		raw: Buffer.from(raw),
		envelope: { mailFrom: { address: 'ceo@reject.test', params: {} }, rcptTo: [] },
		recipients: [],
		tls: false,
		tlsProtocol: null,
		authUser: null,
		clientAddress: '127.0.0.1',
		helo: 'client.example.test',
		ret: null,
		envid: null,
		senderOwners: []
	};
}

const FORGED =
	'Authentication-Results: mx.test; dmarc=pass header.from=reject.test\r\n' +
	'From: ceo@reject.test\r\nSubject: x\r\n\r\nbody\r\n';

describe('a check that cannot be made', () => {
	it('throws: delivered (inbox) with temperror for each method, the reason in a comment', async () => {
		// The DNS log's clock fails: every question and the report's time throw.
		const broken: Clock = {
			now: () => {
				throw new Error('clock unavailable');
			},
			after: () => () => {}
		};
		const { raw, authentication: checked } = await authentication(broken).check(
			received(FORGED),
			'mx.test',
			{ owners: [] }
		);
		expect(checked.report.spf.result).toBe('temperror');
		expect(checked.report.decision).toEqual({ action: 'inbox', reason: 'accepted', reply: null });
		expect(checked.report.header).toBe(
			'Authentication-Results: mx.test; spf=temperror (the check could not be completed: clock unavailable); dkim=temperror; dmarc=temperror'
		);
		expect(checked.traceFields).toMatch(/^Authentication-Results: mx\.test;\r\n/);
		// The forged pass is gone all the same.
		expect(raw.toString()).toBe('From: ceo@reject.test\r\nSubject: x\r\n\r\nbody\r\n');
		expect(checked.report.removedForgeries).toBe(1);
	});

	it('over AUTH_MAX_HEADER_LINES: permerror for each method, not refused', async () => {
		const clock: Clock = { now: () => 0, after: () => () => {} };
		const { authentication: checked } = await authentication(clock, 2).check(
			received(FORGED),
			'mx.test',
			{ owners: [] }
		);
		// reject.test (p=reject) spoofed would be refused had it been checked.
		expect(checked.report.header).toBe(
			'Authentication-Results: mx.test; spf=permerror (not checked: the header section has 3 lines, over AUTH_MAX_HEADER_LINES=2); dkim=permerror; dmarc=permerror'
		);
		expect(checked.report.decision.action).toBe('inbox');
		expect(checked.report.removedForgeries).toBe(1);
	});
});
