/**
 * Commands the sandbox answers itself instead of smtp-server, where the library is looser than
 * RFC 5321 or answers a recognised command as unknown. The library's checks that come before
 * any command (greeting first, HELO/EHLO first, AUTH on submission) still apply.
 */
import { replyText, SANDBOX_REPLIES, type SandboxReplyName } from './replies';
import type { CommandAnswer, CommandContext } from './smtpServerPatches';

/** RFC 5321 §4.3.2: "commands that are specified in this document as not accepting arguments". */
const WITHOUT_ARGUMENTS = ['DATA', 'RSET', 'QUIT'];
/** RFC 5321 §7.3: disabled for security, so each gets 252, "not verified, not refused". */
const DISABLED_FOR_SECURITY: Record<string, SandboxReplyName> = {
	VRFY: 'verifyDisabled',
	EXPN: 'expandDisabled'
};

export const ANSWERED_COMMANDS = [
	...WITHOUT_ARGUMENTS,
	...Object.keys(DISABLED_FOR_SECURITY),
	'TURN',
	'MAIL',
	'RCPT'
] as const;

function answer(name: SandboxReplyName, values: Record<string, string> = {}): CommandAnswer {
	return { code: SANDBOX_REPLIES[name].code, text: replyText(name, values) };
}

export function answerCommand(context: CommandContext): CommandAnswer {
	const { verb, argument } = context;
	if (WITHOUT_ARGUMENTS.includes(verb))
		return argument ? answer('noArgumentsAllowed', { verb }) : null;
	const disabled = DISABLED_FOR_SECURITY[verb];
	if (disabled) return argument ? answer(disabled) : answer('argumentRequired', { verb });
	// TURN (RFC 821) is recognised: 502, not the library's 500 "command not recognized".
	if (verb === 'TURN') return answer('turnNotImplemented');
	// MAIL and RCPT: parameters belong to extensions, and HELO advertised none.
	if (context.openingCommand === 'HELO') {
		const [name] = Object.keys(context.parameters());
		if (name) return answer('parametersNeedEhlo', { name: name.toUpperCase() });
	}
	return null;
}
