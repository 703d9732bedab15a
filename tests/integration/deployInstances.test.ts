/**
 * The deploy files for several instances agree with each other and with the one-instance site
 * (manyInstances.test.ts runs them with two instances and PostgreSQL): nginx starts with both,
 * every instance's env file gives every listener a port of its own, and the site's proxy settings
 * are smtp-lab.conf's, line for line; what the README's "Run it for many classes" shows of them
 * stands in them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LISTENER_TABLE } from '../../src/lib/listeners';
import { section } from './readmeTables';
import {
	freeInstancePorts,
	HTTP_CONFIG,
	INSTANCE_UNIT,
	shippedInstances,
	startNginxInstances,
	STREAM_CONFIG,
	STREAM_SERVICES
} from '../nginxInstances';

/** The lines of a file's `location / { … }` block, comments and indentation left out. */
function locationBlock(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const block = /location \/ \{\n([\s\S]*?)\n\t\}/.exec(text);
	expect(block, `a location / block in ${file}`).not.toBeNull();
	return block![1]
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'));
}

describe('the deploy files for several instances', () => {
	it('proxy the site as smtp-lab.conf does, line for line', () => {
		expect(locationBlock(HTTP_CONFIG)).toEqual(locationBlock('deploy/nginx/smtp-lab.conf'));
	});

	it('give each instance its own port for the site, every listener, DNS and the mail hosts', () => {
		const instances = shippedInstances();
		expect(instances.length).toBeGreaterThanOrEqual(2);
		const variables = ['PORT', 'MAIL_HOSTS_PORT', ...STREAM_SERVICES.map((s) => s.variable)];
		expect(STREAM_SERVICES.map((s) => s.variable)).toEqual(
			expect.arrayContaining([...LISTENER_TABLE.map((row) => row.portVariable), 'DNS_PORT'])
		);
		const all: string[] = [];
		for (const env of instances) {
			expect(Object.keys(env).sort()).toEqual([...variables].sort());
			all.push(...variables.map((variable) => env[variable]));
		}
		expect(new Set(all).size, 'no port twice').toBe(all.length);
	});

	it('start in Debian nginx, the stream module loaded, with only their ports changed', async () => {
		const proxy = await startNginxInstances(await freeInstancePorts());
		try {
			// No instance runs: nginx answers the site itself, with 502.
			const response = await fetch(`${proxy.url}/api/health`);
			await response.arrayBuffer();
			expect(response.status).toBe(502);
		} finally {
			await proxy.stop();
		}
	});

	it.each([
		['nginx', [HTTP_CONFIG, STREAM_CONFIG]],
		['ini', [INSTANCE_UNIT]]
	])("every line of the README's ```%s block stands in %s", (language, files) => {
		const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(
			section('Run it for many classes')
		);
		expect(match, `a \`\`\`${language} block in the section`).not.toBeNull();
		const lines = new Set(
			files.flatMap((file) =>
				readFileSync(file, 'utf8')
					.split('\n')
					.map((line) => line.trim())
			)
		);
		for (const line of match![1].split('\n').map((l) => l.trim()))
			if (line && line !== '}' && !line.endsWith('{')) expect(lines, line).toContain(line);
	});
});
