/**
 * The resolver mailauth asks: node's dns.promises.resolve contract over the sandbox zone, every
 * question in the DNS log as the evaluating host's.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import { DnsLog } from '../dns/dnsLog';
import { SandboxZone } from '../dns/sandboxZone';
import { createAuthResolver, txtStrings } from './authResolver';

const clock: Clock = { now: () => 1_800_000_000_000, after: () => () => {} };
const LONG_KEY = `v=DKIM1; k=rsa; p=${'A'.repeat(392)}`;

function setup() {
	const zone = new SandboxZone({
		serverName: 'smtp-lab.test',
		nameServerAddress: '127.0.0.53',
		isOwnDomain: (d) => d === 'own.test',
		dkimKeyRecord: LONG_KEY,
		dkimSelector: 'smtplab',
		ownTxtRecords: () => null
	});
	const log = new DnsLog(100, clock);
	const resolver = createAuthResolver(zone, log, {
		client: '127.0.0.3',
		context: { owners: ['o1'], journeyId: 'j1' }
	});
	return { log, ...resolver };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return 'resolved';
	} catch (error) {
		return (error as { code: string }).code;
	}
}

describe('createAuthResolver', () => {
	it('answers as node’s resolver does: TXT strings, A, MX', async () => {
		const { resolve } = setup();
		expect(await resolve('hardfail.test', 'TXT')).toEqual([['v=spf1 a:out.smtp-lab.test -all']]);
		expect(await resolve('out.smtp-lab.test', 'A')).toEqual(['127.0.0.2']);
		expect(await resolve('list.test', 'MX')).toEqual([{ exchange: 'mx.list.test', priority: 10 }]);
		// A key record longer than 255 octets comes in strings of at most 255 (RFC 1035 §3.3.14).
		expect(await resolve('smtplab._domainkey.example.com', 'TXT')).toEqual([
			[LONG_KEY.slice(0, 255), LONG_KEY.slice(255)]
		]);
	});

	it('errors carry node’s codes: no name, no data, server failure, refused', async () => {
		const { resolve } = setup();
		expect(await codeOf(resolve('nosuchname.test', 'TXT'))).toBe('ENOTFOUND');
		expect(await codeOf(resolve('north.test', 'TXT'))).toBe('ENODATA');
		expect(await codeOf(resolve('temperror.test', 'TXT'))).toBe('ESERVFAIL');
		// Outside the sandbox: no such name here, never a real lookup.
		expect(await codeOf(resolve('gmail.com', 'TXT'))).toBe('ENOTFOUND');
	});

	it('records every question in the DNS log as the evaluating host’s, and for the report', async () => {
		const { resolve, log, lookups } = setup();
		await resolve('softfail.test', 'txt');
		await codeOf(resolve('north.test', 'TXT'));
		expect(
			log.entries.map((e) => [e.transport, e.client, e.question, e.rcode, e.owners, e.journeyId])
		).toEqual([
			['auth', '127.0.0.3', { name: 'softfail.test', type: 'TXT' }, 'NOERROR', ['o1'], 'j1'],
			['auth', '127.0.0.3', { name: 'north.test', type: 'TXT' }, 'NOERROR', ['o1'], 'j1']
		]);
		expect(lookups).toEqual([
			{
				lookupId: log.entries[0].id,
				name: 'softfail.test',
				type: 'TXT',
				rcode: 'NOERROR',
				answers: ['v=spf1 a:out.smtp-lab.test ~all'],
				counted: false,
				void: false
			},
			{
				lookupId: log.entries[1].id,
				name: 'north.test',
				type: 'TXT',
				rcode: 'NOERROR',
				answers: [],
				counted: false,
				void: true
			}
		]);
	});

	it('txtStrings cuts at most 255 octets, never inside a UTF-8 character', () => {
		expect(txtStrings('é'.repeat(200)).map((s) => Buffer.byteLength(s))).toEqual([254, 146]);
	});
});
