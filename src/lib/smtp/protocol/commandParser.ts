import { commandsByVerb, parametersByName, type CommandRow } from '../tables/commands';
import { closest } from './editDistance';
import { PATH_SYNTAX_SLIPS, type SyntaxIssue } from '../tables/syntaxNotes';

/*
 * The grammar this parser follows, from RFC 5321 §4.1.1 and §4.1.2 (ABNF, RFC 5234):
 *
 *   ehlo = "EHLO" SP ( Domain / address-literal ) CRLF
 *   helo = "HELO" SP Domain CRLF
 *   mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
 *   rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" /
 *               Forward-path ) [SP Rcpt-parameters] CRLF
 *   data = "DATA" CRLF
 *   rset = "RSET" CRLF
 *   vrfy = "VRFY" SP String CRLF
 *   expn = "EXPN" SP String CRLF
 *   help = "HELP" [ SP String ] CRLF
 *   noop = "NOOP" [ SP String ] CRLF
 *   quit = "QUIT" CRLF
 *
 *   Reverse-path   = Path / "<>"
 *   Forward-path   = Path
 *   Path           = "<" [ A-d-l ":" ] Mailbox ">"
 *   A-d-l          = At-domain *( "," At-domain )
 *   At-domain      = "@" Domain
 *   Mail-parameters  = esmtp-param *(SP esmtp-param)
 *   Rcpt-parameters  = esmtp-param *(SP esmtp-param)
 *   esmtp-param    = esmtp-keyword ["=" esmtp-value]
 *   esmtp-keyword  = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 *   esmtp-value    = 1*(%d33-60 / %d62-126)
 *   Mailbox        = Local-part "@" ( Domain / address-literal )
 *
 * Extensions add: "STARTTLS" CRLF (RFC 3207 §4); "AUTH" SP sasl-mech [SP initial-response]
 * (RFC 4954 §4); "BDAT" SP chunk-size [SP end-marker] (RFC 3030 §2).
 *
 * Verbs and "FROM:"/"TO:" are case-insensitive (§2.4). The parser is lenient where real
 * servers are (a space after the colon, missing brackets) and records each slip as an issue.
 */

export interface ParsedPath {
	/** As written, brackets included when present. */
	raw: string;
	/** Local-part@domain, without brackets and source route; '' for <>. */
	address: string;
	localPart: string;
	domain: string;
	isNull: boolean;
	bracketed: boolean;
	sourceRoute?: string;
}

export interface EsmtpParam {
	keyword: string;
	value: string | true;
}

export interface ParsedCommand {
	raw: string;
	/** Upper-cased verb ("MAIL"), or the first word when unknown. */
	verb: string;
	verbAsTyped: string;
	command?: CommandRow;
	/** Everything after the verb and one space. */
	argument: string;
	path?: ParsedPath;
	params: EsmtpParam[];
	auth?: { mechanism: string; initialResponse?: string };
	bdat?: { size: number; last: boolean };
	/** For an unknown or misspelled verb: the command it most likely meant. */
	suggestion?: string;
	issues: SyntaxIssue[];
}

export interface ParseOptions {
	/** EHLO keywords of the server (upper case); when given, unadvertised parameters are noted. */
	extensions?: ReadonlySet<string>;
}

const LINE = /^\s*(\S+)(?: (.*))?$/;
const VERB = /^[A-Za-z][A-Za-z0-9-]*$/;
const FROM_OR_TO = /^(FROM|TO)(\s*):(\s*)(.*)$/i;
const FIRST_WORD = /^([A-Za-z]+)\s*:?\s*(.*)$/;
const PATH = /^<(?:(@[^:>]*):)?([^>]*)>(.*)$/;
const BARE_PATH = /^(\S+)(.*)$/;
const ESMTP_PARAM = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:=([\x21-\x3c\x3e-\x7e]+))?$/;
const NON_ASCII = /[\u0080-\uffff]/;
const UPPER = /[A-Z]/;
const BDAT_ARGS = /^(\d+)(?: +(LAST))?\s*$/i;
const SPACES = / +/;

const VERBS = [...commandsByVerb.keys()];

/** Octets this string takes in UTF-8. */
export function utf8Length(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		// A surrogate pair (two UTF-16 units) is one 4-octet character.
		n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
	}
	return n;
}

function parsePath(text: string, issues: SyntaxIssue[]): { path?: ParsedPath; rest: string } {
	const m = PATH.exec(text);
	let raw: string;
	let inner: string;
	let rest: string;
	let bracketed = true;
	let sourceRoute: string | undefined;
	if (m) {
		sourceRoute = m[1];
		inner = m[2];
		rest = m[3];
		raw = text.slice(0, text.length - rest.length);
	} else {
		const b = BARE_PATH.exec(text);
		if (!b) {
			issues.push({ id: 'missing-path' });
			return { rest: '' };
		}
		raw = inner = b[1];
		rest = b[2];
		bracketed = false;
		issues.push({ id: 'missing-brackets', value: inner });
	}
	if (sourceRoute) issues.push({ id: 'source-route', value: sourceRoute });
	const at = inner.lastIndexOf('@');
	const path: ParsedPath = {
		raw,
		address: inner,
		localPart: at >= 0 ? inner.slice(0, at) : inner,
		domain: at >= 0 ? inner.slice(at + 1) : '',
		isNull: inner === '',
		bracketed,
		sourceRoute
	};
	return { path, rest };
}

function checkMailbox(verb: string, path: ParsedPath, issues: SyntaxIssue[]): void {
	if (path.isNull) {
		issues.push({ id: verb === 'MAIL' ? 'null-sender' : 'null-recipient' });
		return;
	}
	const postmaster = path.localPart.toLowerCase() === 'postmaster';
	if (verb === 'RCPT' && postmaster) issues.push({ id: 'postmaster' });
	if (!path.domain && !(verb === 'RCPT' && postmaster))
		issues.push({ id: 'missing-at', value: path.address });
	if (!postmaster && UPPER.test(path.localPart))
		issues.push({ id: 'local-part-case', value: path.localPart });
	const local = utf8Length(path.localPart);
	if (local > 64) issues.push({ id: 'local-part-too-long', value: String(local) });
	const domain = utf8Length(path.domain);
	if (domain > 255) issues.push({ id: 'domain-too-long', value: String(domain) });
	const whole = utf8Length(path.address) + 2;
	if (whole > 256) issues.push({ id: 'path-too-long', value: String(whole) });
}

function parseParams(
	verb: string,
	text: string,
	options: ParseOptions,
	issues: SyntaxIssue[]
): EsmtpParam[] {
	const params: EsmtpParam[] = [];
	const trimmed = text.trim();
	if (!trimmed) return params;
	for (const word of trimmed.split(SPACES)) {
		const m = ESMTP_PARAM.exec(word);
		if (!m) {
			issues.push({ id: 'bad-parameter-syntax', value: word });
			continue;
		}
		const keyword = m[1].toUpperCase();
		params.push({ keyword, value: m[2] ?? true });
		const known = parametersByName.get(`${verb} ${keyword}`);
		if (!known) issues.push({ id: 'unknown-parameter', value: keyword });
		else if (options.extensions && !options.extensions.has(known.extension))
			issues.push({ id: 'unadvertised-parameter', value: keyword, extra: known.extension });
	}
	return params;
}

function parsePathCommand(
	parsed: ParsedCommand,
	keyword: 'FROM' | 'TO',
	options: ParseOptions
): void {
	const { issues, verb } = parsed;
	const m = FROM_OR_TO.exec(parsed.argument);
	let pathText: string;
	const expected = `${verb} ${keyword}`;
	if (m && m[1].toUpperCase() === keyword) {
		if (m[2] || m[3]) issues.push({ id: 'space-after-colon' });
		pathText = m[4];
	} else {
		const w = FIRST_WORD.exec(parsed.argument);
		const word = w ? w[1] : '';
		if (word.toUpperCase() === keyword) {
			issues.push({ id: 'missing-colon', value: parsed.argument, extra: expected });
		} else if (word && closest(word.toUpperCase(), [keyword], 2)) {
			issues.push({ id: 'misspelled-keyword', value: `${verb} ${word}:`, extra: `${expected}:` });
			parsed.suggestion = `${expected}:`;
		} else {
			issues.push({ id: 'missing-colon', value: parsed.argument, extra: expected });
			pathText = parsed.argument;
		}
		pathText ??= w ? w[2] : '';
	}
	const { path, rest } = parsePath(pathText.trim(), issues);
	if (!path) return;
	parsed.path = path;
	checkMailbox(verb, path, issues);
	parsed.params = parseParams(verb, rest, options, issues);
	const smtputf8 = parsed.params.some((p) => p.keyword === 'SMTPUTF8');
	// RFC 6531 §3.4: non-ASCII in MAIL/RCPT needs SMTPUTF8 on MAIL; we can only see this line.
	if (NON_ASCII.test(path.address) && !(verb === 'MAIL' && smtputf8))
		issues.push({ id: 'non-ascii-without-smtputf8' });
}

/**
 * MAIL FROM / RCPT TO as the grammar wants it — "MAIL FROM:<alice@example.com>", no space around
 * the colon (RFC 5321 §3.3, §4.1.2) — when the line has only those slips; undefined otherwise
 * (a line with no domain, or no slip, has nothing this could mend).
 */
export function correctedPathCommand(parsed: ParsedCommand): string | undefined {
	const path = parsed.path;
	if (!path || (!path.domain && !path.isNull)) return undefined;
	if (!parsed.issues.some((i) => PATH_SYNTAX_SLIPS.has(i.id))) return undefined;
	const params = parsed.params.map((p) =>
		p.value === true ? p.keyword : `${p.keyword}=${p.value}`
	);
	const keyword = parsed.verb === 'MAIL' ? 'MAIL FROM' : 'RCPT TO';
	return [`${keyword}:<${path.address}>`, ...params].join(' ');
}

/** Parses one command line (without its CRLF). Never throws. */
export function parseCommand(line: string, options: ParseOptions = {}): ParsedCommand {
	const raw = line.endsWith('\n') || line.endsWith('\r') ? line.replace(/\r?\n?$/, '') : line;
	const issues: SyntaxIssue[] = [];
	const octets = utf8Length(raw) + 2;
	const m = LINE.exec(raw);
	if (!m) {
		issues.push({ id: 'empty-line' });
		return { raw, verb: '', verbAsTyped: '', argument: '', params: [], issues };
	}
	const verbAsTyped = m[1];
	const verb = verbAsTyped.toUpperCase();
	const argument = m[2] ?? '';
	const command = commandsByVerb.get(verb);
	const parsed: ParsedCommand = { raw, verb, verbAsTyped, command, argument, params: [], issues };
	if (octets > 512) issues.push({ id: 'command-too-long', value: String(octets) });
	if (!command) {
		// A misspelled verb: "MIAL FROM:" → MAIL FROM:, "QIUT" → QUIT.
		const guess = verb.length >= 3 && VERB.test(verb) ? closest(verb, VERBS, 2) : undefined;
		if (guess) {
			const full = guess === 'MAIL' ? 'MAIL FROM:' : guess === 'RCPT' ? 'RCPT TO:' : guess;
			parsed.suggestion = full;
			issues.push({ id: 'misspelled-verb', value: verbAsTyped, extra: full });
		} else if (verb.startsWith('X') && VERB.test(verb)) {
			issues.push({ id: 'private-verb', value: verb });
		} else {
			issues.push({ id: 'unknown-verb', value: verbAsTyped.slice(0, 40) });
		}
		return parsed;
	}
	if (verbAsTyped !== verb) issues.push({ id: 'lowercase-verb', value: verbAsTyped, extra: verb });
	if (command.obsolete) issues.push({ id: 'obsolete-verb', value: verb });
	if (command.extension && options.extensions && !options.extensions.has(command.extension))
		issues.push({ id: 'unadvertised-command', value: verb, extra: command.extension });
	const trimmedArg = argument.trim();
	switch (command.args) {
		case 'none':
			if (trimmedArg) issues.push({ id: 'unexpected-argument', value: verb });
			break;
		case 'domain':
			if (!trimmedArg) issues.push({ id: 'missing-argument', value: verb, extra: 'a domain' });
			break;
		case 'string':
			if (!trimmedArg) issues.push({ id: 'missing-argument', value: verb, extra: 'a string' });
			break;
		case 'reverse-path':
			parsePathCommand(parsed, 'FROM', options);
			break;
		case 'forward-path':
			parsePathCommand(parsed, 'TO', options);
			break;
		case 'auth': {
			const [mechanism, initialResponse] = trimmedArg.split(SPACES);
			if (!mechanism) issues.push({ id: 'missing-argument', value: verb, extra: 'a mechanism' });
			else parsed.auth = { mechanism: mechanism.toUpperCase(), initialResponse };
			break;
		}
		case 'bdat': {
			const b = BDAT_ARGS.exec(trimmedArg);
			if (b) parsed.bdat = { size: Number(b[1]), last: !!b[2] };
			else issues.push({ id: 'bad-bdat-size' });
			break;
		}
		case 'optional':
			break;
	}
	return parsed;
}
