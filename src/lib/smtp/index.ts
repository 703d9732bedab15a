/**
 * The annotation engine: SMTP commands, replies, enhanced status codes, EHLO keywords, the
 * session state machine and the message format, as data tables plus the code that looks them up.
 * Pure: no Node or DOM imports; runs in the browser and on the server.
 */
export { rfcUrl, rfcLabel, ref } from './rfc';
export type { ReferenceRow, ReferenceSection } from './reference/reference';
export {
	commandTable,
	commandsByVerb,
	parameterTable,
	type CommandRow,
	type ParameterRow
} from './tables/commands';
export {
	parseCommand,
	utf8Length,
	type ParsedCommand,
	type ParsedPath,
	type EsmtpParam
} from './protocol/commandParser';
export {
	syntaxNoteTable,
	syntaxNoteText,
	type SyntaxIssue,
	type SyntaxIssueId
} from './tables/syntaxNotes';
export { editDistance, closest } from './protocol/editDistance';
export {
	replyCodeTable,
	replyClassTable,
	replyCategoryTable,
	replyCodesByCode,
	type ReplyCodeRow,
	type ReplyClassRow
} from './tables/replyCodes';
export { replyContextTable, findReplyContext, type ReplyContextRow } from './tables/replyContexts';
export { parseReply, type ParsedReply } from './protocol/replyParser';
export {
	enhancedCodeTable,
	enhancedClassTable,
	enhancedSubjectTable,
	describeEnhanced,
	type EnhancedCodeRow,
	type EnhancedCodeInfo
} from './tables/enhancedCodes';
export {
	extensionTable,
	extensionsByKeyword,
	parseEhloLine,
	type ExtensionRow
} from './tables/extensions';
export {
	authMechanismTable,
	explainAuthResponse,
	explainChallenge,
	type AuthMechanismRow
} from './tables/authMechanisms';
export {
	decodeBase64,
	decodeBase64Bytes,
	encodeBase64,
	isBase64,
	showControls
} from './protocol/base64';
export {
	stateTable,
	statesById,
	transitionTable,
	transition,
	findTransition,
	initialContext,
	STATE_IDS,
	type StateId,
	type StateRow,
	type TransitionRow,
	type SessionContext
} from './protocol/stateMachine';
export { splitPipelineGroups, type PipelineGroup } from './protocol/pipelining';
export {
	headerFieldTable,
	headerFieldsByName,
	REQUIRED_FIELDS,
	type HeaderFieldRow
} from './tables/headerFields';
export { decodeEncodedWords } from './message/encodedWords';
export { transferEncodingTable, base64EncodedSize } from './message/encodings';
export { analyzeMessage, type MessageAnatomy } from './message/messageAnatomy';
export {
	compareEnvelope,
	addressesIn,
	type EnvelopeFinding,
	type EnvelopeInput
} from './message/envelope';
export { listenerTable, systemEventTable } from './tables/systemEvents';
export {
	SessionAnnotator,
	annotateTranscript,
	isFallback,
	stateLabel,
	type AnnotateInput,
	type TranscriptLine
} from './annotate/annotate';
export { parseTranscript } from './annotate/transcriptImport';
export {
	referenceEntries,
	referencePaths,
	findReferenceEntry,
	searchReference,
	referenceSectionTable,
	referenceSectionRfc,
	type ReferenceEntry,
	type ReferenceFact,
	type ReferenceLink,
	type ReferenceSectionRow
} from './reference/referenceIndex';
