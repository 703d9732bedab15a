/**
 * The followers of the class-follow benchmark (bench/classFollow.ts), in a process of their own:
 * each is a student's follow view as the page is — its own owner cookie and WebSocket,
 * `follow-class`, then `watch` of the session the class is shown — and notes when each of the
 * teacher's lines arrives (the bridge echoes client lines as events).
 *
 * The parent sends `{ url, cookies }` when it forks this process; the process answers
 * `{ type: 'following', sessionId }` once every follower watches the teacher's session, then, on
 * `{ type: 'report' }`, `{ type: 'results', arrivals }`: per follower, per line text, the time the
 * line's event arrived (performance.timeOrigin + performance.now(), the same clock as the
 * parent's on this machine).
 */
import WebSocket from 'ws';

export interface FollowersResults {
	type: 'results';
	/** One map per follower: the teacher's line → when its event arrived, ms since the epoch. */
	arrivals: Record<string, number>[];
	errors: string[];
}

const now = () => performance.timeOrigin + performance.now();

const { url, cookies } = await new Promise<{ url: string; cookies: string[] }>((resolve) =>
	process.once('message', (message) => resolve(message as { url: string; cookies: string[] }))
);

const errors: string[] = [];
const arrivals = cookies.map(() => ({}) as Record<string, number>);
let watching = 0;

await Promise.all(
	cookies.map(
		(cookie, i) =>
			new Promise<void>((resolve, reject) => {
				const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, {
					headers: { origin: url, cookie }
				});
				let watched: string | null = null;
				ws.once('error', reject);
				ws.on('message', (data) => {
					const message = JSON.parse(data.toString()) as {
						type: string;
						teacher?: { sessionId: string | null };
						spotlight?: string | null;
						sessionId?: string;
						event?: { dir: string; text: string };
						message?: string;
					};
					if (message.type === 'event' && message.sessionId === watched) {
						if (message.event?.dir === 'client') arrivals[i][message.event.text] = now();
					} else if (message.type === 'class-follow') {
						const sessionId = message.spotlight ?? message.teacher?.sessionId ?? null;
						if (sessionId === watched || sessionId === null) return;
						watched = sessionId;
						ws.send(JSON.stringify({ type: 'watch', sessionId, since: 0 }));
						if (++watching === cookies.length) process.send!({ type: 'following', sessionId });
					} else if (message.type === 'error') errors.push(message.message ?? '');
				});
				ws.once('open', () => {
					ws.send(JSON.stringify({ type: 'follow-class' }));
					resolve();
				});
				ws.once('close', () => errors.push(`follower ${i}: socket closed`));
			})
	)
);

process.on('message', (message) => {
	if ((message as { type: string }).type !== 'report') return;
	const results: FollowersResults = { type: 'results', arrivals, errors };
	process.send!(results, () => process.exit(0));
});
