/**
 * The WebSocket watcher of the throughput benchmark, in its own process (a real watcher is a
 * browser elsewhere). Mode `lists` is the /live page: watch-all only. Mode `transcripts` also
 * watches every session from its first line, as a teacher following every transcript would.
 * On stdin, `mark` starts counting CPU time afresh (after the server's warm-up) and `stop` prints
 * what it received in all and the CPU time it used since the mark.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [wsUrl, origin, mode] = process.argv.slice(2);
const watcher = new WebSocket(wsUrl, { headers: { origin } });
await once(watcher, 'open');
const received = { messages: 0, events: 0 };
const watched = new Set<string>();
watcher.on('message', (data: Buffer) => {
	// Only the small session notices are parsed: the watcher shares this machine's two cores with
	// the server under test, and parsing every event would slow the server's neighbours, not
	// measure the server.
	const head = data.subarray(0, 20).toString();
	if (head.startsWith('{"type":"event"')) received.events++;
	else if (head.startsWith('{"type":"message"')) received.messages++;
	else if (mode === 'transcripts' && head.startsWith('{"type":"session"')) {
		const { session } = JSON.parse(data.toString()) as { session: { id: string } };
		if (watched.has(session.id)) return;
		watched.add(session.id);
		watcher.send(JSON.stringify({ type: 'watch', sessionId: session.id, since: 0 }));
	}
});
watcher.send(JSON.stringify({ type: 'watch-all' }));
let mark = process.cpuUsage();
console.log('ready');
for await (const command of createInterface({ input: process.stdin })) {
	if (command === 'mark') mark = process.cpuUsage();
	else if (command === 'stop') break;
}
const cpu = process.cpuUsage(mark);
console.log(JSON.stringify({ ...received, cpu: cpu.user + cpu.system }));
watcher.close();
process.exit(0);
