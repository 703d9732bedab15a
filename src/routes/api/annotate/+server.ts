/**
 * POST /api/annotate: a pasted transcript in, annotated events out, in the recorder's shape with
 * the teaching text sent once (src/lib/annotateAnswer.ts). The body is `text/plain`, or JSON
 * `{ "text": "…", "protocol"?: "smtp" | "pop3", "listener"?: "mx" | "submission" | … }`; without
 * either, the protocol is recognised from the server's lines (+OK/-ERR is POP3) and named in the
 * answer's "protocol". Every cost is bounded:
 * the body while it is read (MAX_ANNOTATE_BYTES), its lines (MAX_ANNOTATE_LINES), requests per
 * address at once and per minute (429), and the annotating itself yields to the event loop
 * every few milliseconds, so SMTP sessions and other pages are never held up for a frame.
 */
import { AnnotateAnswerCompactor } from '$lib/annotateAnswer';
import { LISTENERS, type ListenerName, type Protocol } from '$lib/listeners';
import { ApiError, answer, labApi } from '$lib/server/labAccess';
import { readCapped } from '$lib/server/readCapped';
import {
	TRANSCRIPT_PROTOCOLS,
	protocolTranscriptEvents,
	transcriptProtocol
} from '$lib/transcriptProtocols';
import type { RequestHandler } from './$types';

/**
 * How long annotating may run in one turn of the event loop — all requests together — before
 * the loop serves sockets again: a quarter of a 16 ms frame.
 */
const SLICE_MS = 4;

function tooLarge(limit: number): ApiError {
	return new ApiError(
		413,
		`the body is larger than ${limit} bytes, the limit for a transcript (MAX_ANNOTATE_BYTES)`
	);
}

/** The media type without parameters: "text/plain; charset=utf-8" → "text/plain". */
function mediaType(request: Request): string {
	return (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

interface AnnotateRequest {
	text: string;
	protocol?: Protocol;
	listener?: ListenerName;
}

function parseJsonBody(body: string): AnnotateRequest {
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch {
		throw new ApiError(400, 'the body is not valid JSON');
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new ApiError(400, 'the body must be a JSON object: { "text": "…" }');
	const { text, listener, protocol } = value as Record<string, unknown>;
	if (typeof text !== 'string') throw new ApiError(400, '"text" must be a string');
	if (listener !== undefined && !LISTENERS.includes(listener as ListenerName))
		throw new ApiError(400, `"listener" must be one of ${LISTENERS.join(', ')}`);
	if (protocol !== undefined && !TRANSCRIPT_PROTOCOLS.includes(protocol as Protocol))
		throw new ApiError(400, `"protocol" must be one of ${TRANSCRIPT_PROTOCOLS.join(', ')}`);
	return {
		text,
		listener: listener as ListenerName | undefined,
		protocol: protocol as Protocol | undefined
	};
}

/** Lines as the transcript reader counts them: a final line ending adds no line. */
function lineCount(text: string): number {
	let count = 0;
	for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
	return text.endsWith('\n') || text === '' ? count : count + 1;
}

let turnStarted = 0;
let nextTurn: Promise<void> | null = null;

/**
 * Waits while this turn's budget is spent. Every request waits for the same next turn, so
 * concurrent requests share one SLICE_MS between them instead of taking one each.
 */
async function slice(): Promise<void> {
	while (performance.now() - turnStarted > SLICE_MS)
		await (nextTurn ??= new Promise<void>((resolve) =>
			setImmediate(() => {
				nextTurn = null;
				turnStarted = performance.now();
				resolve();
			})
		));
}

/** The answer as JSON text, made (and each event serialised) in slices. */
async function annotateInSlices({ text, listener, protocol: asked }: AnnotateRequest) {
	const compactor = new AnnotateAnswerCompactor();
	const events: string[] = [];
	const protocol = transcriptProtocol(text, { protocol: asked, listener });
	for (const event of protocolTranscriptEvents(text, protocol, { listener })) {
		if (performance.now() - turnStarted > SLICE_MS) await slice();
		events.push(JSON.stringify(compactor.compact(event)));
	}
	const teaching = JSON.stringify(compactor.teaching);
	return `{"protocol":"${protocol}","events":[${events.join(',')}],"teaching":${teaching},"notes":${JSON.stringify(compactor.notes)}}`;
}

export const POST: RequestHandler = ({ request, getClientAddress }) =>
	answer(async () => {
		const api = labApi();
		const admission = api.annotateGate.admit(getClientAddress());
		if (!admission.admitted)
			throw new ApiError(429, admission.error, {
				'retry-after': String(admission.retryAfterSeconds)
			});
		try {
			const type = mediaType(request);
			if (type !== 'text/plain' && type !== 'application/json')
				throw new ApiError(400, 'send the transcript as text/plain or as JSON { "text": "…" }');
			const body = await readCapped(request, api.settings.maxAnnotateBytes, () =>
				tooLarge(api.settings.maxAnnotateBytes)
			);
			const input = type === 'application/json' ? parseJsonBody(body) : { text: body };
			const limit = api.settings.maxAnnotateLines;
			if (lineCount(input.text) > limit)
				throw new ApiError(
					413,
					`the transcript has more than ${limit} lines, the limit (MAX_ANNOTATE_LINES)`
				);
			return new Response(await annotateInSlices(input), {
				headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }
			});
		} finally {
			admission.release();
		}
	});
