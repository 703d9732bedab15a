/**
 * What the sandbox changes on each smtp-server connection, before its greeting: the session
 * keeps the connection (to send it a 421), every reply passes the submission rules and gets the
 * right enhanced code (wireReplies.ts), and some commands get the sandbox's own answer
 * (commandAnswers.ts).
 */
import type { Listener } from '../../src/lib/listeners';
import { COMMAND_ANSWERS } from './commandAnswers';
import { replyText } from './replies';
import type { LiveSessions } from './sessions';
import {
	coalesceReplies,
	startTlsOverCarrier,
	interceptCommands,
	wrapSend,
	type LibraryConnection
} from './smtpServerPatches';
import { correctReply } from './wireReplies';

export function adoptConnection(
	spec: Listener,
	connection: LibraryConnection,
	sessions: LiveSessions
): void {
	const live = sessions.get(connection.id);
	if (live) live.connection = connection;
	wrapSend(connection, (code, data, context) => {
		const adjusted = (spec.auth && submissionReply(connection, code, data, context)) || {
			code,
			data,
			context
		};
		return correctReply(adjusted.code, adjusted.data, adjusted.context);
	});
	interceptCommands(connection, COMMAND_ANSWERS);
	coalesceReplies(connection);
	const tap = live?.tap;
	if (tap) startTlsOverCarrier(connection, (socket) => tap.carrier(socket));
}

/**
 * Submission (RFC 6409) before TLS: AUTH is not advertised (RFC 4954 §4) and MAIL/AUTH get
 * `530 5.7.0 Must issue a STARTTLS command first` (RFC 3207 §4); after TLS, MAIL without AUTH
 * gets `530 5.7.0 Authentication required` (RFC 4954 §6).
 */
function submissionReply(
	connection: LibraryConnection,
	code: number,
	data: unknown,
	context: unknown
): { code: number; data: unknown; context: unknown } | null {
	// The library sends the EHLO reply, its only multi-line 250, with context false (not 'EHLO').
	if (code === 250 && Array.isArray(data) && !connection.secure)
		return { code, data: data.filter((line) => !/^AUTH\b/i.test(String(line))), context };
	if (code === 530 && /authentication required/i.test(String(data)))
		return {
			code,
			data: connection.secure ? replyText('authRequired') : replyText('startTlsFirst'),
			context: false
		};
	return null;
}
