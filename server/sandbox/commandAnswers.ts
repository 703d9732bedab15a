/**
 * Commands the sandbox answers itself instead of smtp-server, where the library is looser than
 * RFC 5321 or answers a recognised command as unknown. The library's checks that come before
 * any command (greeting first, HELO/EHLO first, AUTH on submission) still apply.
 */
import { replyText, SANDBOX_REPLIES, type SandboxReplyName } from './replies';
import type {
	CommandAnswer,
	CommandAnswers,
	CommandContext,
	CommandReply
} from './smtpServerPatches';

function answer(name: SandboxReplyName, values: Record<string, string> = {}): CommandReply {
	return { code: SANDBOX_REPLIES[name].code, text: replyText(name, values) };
}

/** RFC 5321 §4.3.2: "commands that are specified in this document as not accepting arguments". */
function withoutArguments({ verb, argument }: CommandContext): CommandAnswer {
	return argument ? answer('noArgumentsAllowed', { verb }) : null;
}

/** RFC 5321 §7.3: disabled for security, so each gets 252, "not verified, not refused". */
function disabledForSecurity(name: SandboxReplyName) {
	return ({ verb, argument }: CommandContext): CommandReply =>
		argument ? answer(name) : answer('argumentRequired', { verb });
}

/** MAIL and RCPT: parameters belong to extensions, and HELO advertised none. */
function parametersNeedEhlo(context: CommandContext): CommandAnswer {
	if (context.openingCommand !== 'HELO') return null;
	const [name] = Object.keys(context.parameters());
	return name ? answer('parametersNeedEhlo', { name: name.toUpperCase() }) : null;
}

export const COMMAND_ANSWERS: CommandAnswers = {
	intercepted: {
		DATA: withoutArguments, // RFC 5321 §4.3.2
		RSET: withoutArguments, // RFC 5321 §4.3.2
		QUIT: withoutArguments, // RFC 5321 §4.3.2
		VRFY: disabledForSecurity('verifyDisabled'), // RFC 5321 §7.3
		MAIL: parametersNeedEhlo, // RFC 5321 §4.1.1.11
		RCPT: parametersNeedEhlo // RFC 5321 §4.1.1.11
	},
	added: {
		EXPN: disabledForSecurity('expandDisabled'), // RFC 5321 §7.3
		// TURN (RFC 821) is recognised: 502, not the library's 500 "command not recognized".
		TURN: () => answer('turnNotImplemented') // RFC 5321 §4.2.4
	}
};
