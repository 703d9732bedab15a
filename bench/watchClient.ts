/**
 * The WebSocket watcher of the throughput benchmark, in its own process (a real watcher is a
 * browser elsewhere). Mode `lists` is the /live page: watch-all only. Mode `transcripts` also
 * watches every new session line by line, as a teacher following every transcript would.
 * Prints how many messages it got when the parent sends it a line on stdin.
 */
import { once } from 'node:events';
import WebSocket from 'ws';

const [wsUrl, origin, mode] = process.argv.slice(2);
const watcher = new WebSocket(wsUrl, { headers: { origin } });
await once(watcher, 'open');
let received = 0;
watcher.on('message', (data: Buffer) => {
	received++;
	// Only the small session messages are parsed: the watcher shares this machine's two cores
	// with the server under test, and parsing every 100 KB event would slow the server's
	// neighbours, not measure the server.
	if (mode !== 'transcripts' || !data.subarray(0, 20).toString().startsWith('{"type":"session"'))
		return;
	const parsed = JSON.parse(data.toString()) as { session: { id: string; eventCount: number } };
	if (parsed.session.eventCount === 0)
		watcher.send(JSON.stringify({ type: 'watch', sessionId: parsed.session.id, since: 0 }));
});
watcher.send(JSON.stringify({ type: 'watch-all' }));
console.log('ready');
process.stdin.once('data', () => {
	console.log(JSON.stringify({ received }));
	watcher.close();
	process.exit(0);
});
