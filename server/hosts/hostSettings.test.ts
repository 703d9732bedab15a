/** The mail hosts' settings (server/config.ts) at their edges: a bad value stops start-up. */
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../config';

describe('mail host settings', () => {
	it('defaults: port 2526, 1440× queue time, 300 s greylist, 120 s tarpit, 100 Received fields', () => {
		expect(readConfig({})).toMatchObject({
			mailHostsPort: 2526,
			queueTimeScale: 1440,
			mailHostsGreylistSeconds: 300,
			tarpitDelaySeconds: 120,
			maxReceivedFields: 100
		});
	});

	it('MAIL_HOSTS_PORT: 65535 is a port, 65536 is not', () => {
		expect(readConfig({ MAIL_HOSTS_PORT: '65535' }).mailHostsPort).toBe(65535);
		expect(() => readConfig({ MAIL_HOSTS_PORT: '65536' })).toThrow(
			new ConfigError('MAIL_HOSTS_PORT must be a port number (0–65535), got 65536')
		);
	});

	it('QUEUE_TIME_SCALE: 1 is real time, 0 would stop the clock', () => {
		expect(readConfig({ QUEUE_TIME_SCALE: '1' }).queueTimeScale).toBe(1);
		expect(() => readConfig({ QUEUE_TIME_SCALE: '0' })).toThrow(
			/^QUEUE_TIME_SCALE must be at least 1, got 0/
		);
	});

	it('MAX_RECEIVED_FIELDS: 1 refuses any relayed message, 0 would refuse every message', () => {
		expect(readConfig({ MAX_RECEIVED_FIELDS: '1' }).maxReceivedFields).toBe(1);
		expect(() => readConfig({ MAX_RECEIVED_FIELDS: '0' })).toThrow(
			/^MAX_RECEIVED_FIELDS must be at least 1, got 0/
		);
	});

	it('TARPIT_DELAY_SECONDS and MAIL_HOSTS_GREYLIST_SECONDS may be 0 (no wait)', () => {
		expect(
			readConfig({ TARPIT_DELAY_SECONDS: '0', MAIL_HOSTS_GREYLIST_SECONDS: '0' })
		).toMatchObject({ tarpitDelaySeconds: 0, mailHostsGreylistSeconds: 0 });
	});
});
