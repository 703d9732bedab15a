import { describe, expect, it } from 'vitest';
import { planEndpoints, type BindProbe } from './hostEndpoints';

const linux: BindProbe = async () => true;
const onlyLocalhost: BindProbe = async (address) => address === '127.0.0.1';

describe('planEndpoints', () => {
	it('probes 127.0.0.2, the first address past 127.0.0.1', async () => {
		const probed: string[] = [];
		await planEndpoints(2526, async (address) => (probed.push(address), true));
		expect(probed).toEqual(['127.0.0.2']);
	});

	it('where 127/8 binds (Linux, RFC 1122 §3.2.1.3): each host at its own address, all on one port', async () => {
		const plan = await planEndpoints(2526, linux);
		expect(plan.ownAddresses).toBe(true);
		expect(Object.fromEntries(plan.endpoints)).toEqual({
			'out.smtp-lab.test': { address: '127.0.0.2', port: 2526 },
			'mx.north.test': { address: '127.0.0.3', port: 2526 },
			'mx1.south.test': { address: '127.0.0.4', port: 2526 },
			'mx2.south.test': { address: '127.0.0.5', port: 2526 },
			'nomx.test': { address: '127.0.0.6', port: 2526 },
			'mx.down.test': { address: '127.0.0.7', port: 2526 },
			'mx1.backup.test': { address: '127.0.0.8', port: 2526 },
			'mx2.backup.test': { address: '127.0.0.9', port: 2526 },
			'mx.slow.test': { address: '127.0.0.10', port: 2526 },
			'mx.greylist.test': { address: '127.0.0.11', port: 2526 },
			'mx.list.test': { address: '127.0.0.12', port: 2526 }
		});
	});

	it('where only 127.0.0.1 binds (macOS): all there, each on MAIL_HOSTS_PORT + its row index', async () => {
		const plan = await planEndpoints(2526, onlyLocalhost);
		expect(plan.ownAddresses).toBe(false);
		expect(Object.fromEntries(plan.endpoints)).toEqual({
			'out.smtp-lab.test': { address: '127.0.0.1', port: 2526 },
			'mx.north.test': { address: '127.0.0.1', port: 2527 },
			'mx1.south.test': { address: '127.0.0.1', port: 2528 },
			'mx2.south.test': { address: '127.0.0.1', port: 2529 },
			'nomx.test': { address: '127.0.0.1', port: 2530 },
			'mx.down.test': { address: '127.0.0.1', port: 2531 },
			'mx1.backup.test': { address: '127.0.0.1', port: 2532 },
			'mx2.backup.test': { address: '127.0.0.1', port: 2533 },
			'mx.slow.test': { address: '127.0.0.1', port: 2534 },
			'mx.greylist.test': { address: '127.0.0.1', port: 2535 },
			'mx.list.test': { address: '127.0.0.1', port: 2536 }
		});
	});

	it('port 0 stays 0 for every host (any free port, chosen when each binds)', async () => {
		for (const probe of [linux, onlyLocalhost]) {
			const plan = await planEndpoints(0, probe);
			expect([...plan.endpoints.values()].every((e) => e.port === 0)).toBe(true);
		}
	});

	it('the fallback must fit under 65535: the last port at the edge, one more is an error', async () => {
		const edge = await planEndpoints(65525, onlyLocalhost);
		expect(edge.endpoints.get('mx.list.test')).toEqual({ address: '127.0.0.1', port: 65535 });
		await expect(planEndpoints(65526, onlyLocalhost)).rejects.toThrow(
			'MAIL_HOSTS_PORT 65526 is too high: without addresses of their own the 11 mail hosts take ports 65526–65536, past 65535'
		);
		// With addresses of their own they share one port: 65535 is fine.
		expect((await planEndpoints(65535, linux)).endpoints.get('mx.north.test')?.port).toBe(65535);
	});
});
