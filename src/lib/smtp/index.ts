/**
 * The annotation engine: SMTP commands, replies, enhanced status codes, EHLO keywords, the
 * session state machine and the message format, as data tables plus the code that looks them up.
 * Pure: no Node or DOM imports; runs in the browser and on the server.
 */
export { rfcUrl, rfcLabel, ref } from './rfc';
export type { ReferenceRow, ReferenceSection } from './reference';
export {
	commandTable,
	commandsByVerb,
	parameterTable,
	type CommandRow,
	type ParameterRow
} from './commands';
export {
	parseCommand,
	utf8Length,
	type ParsedCommand,
	type ParsedPath,
	type EsmtpParam
} from './commandParser';
export {
	syntaxNoteTable,
	syntaxNoteText,
	type SyntaxIssue,
	type SyntaxIssueId
} from './syntaxNotes';
export { editDistance, closest } from './editDistance';
export {
	replyCodeTable,
	replyClassTable,
	replyCategoryTable,
	replyCodesByCode,
	type ReplyCodeRow,
	type ReplyClassRow
} from './replyCodes';
export { replyContextTable, findReplyContext, type ReplyContextRow } from './replyContexts';
export { parseReply, type ParsedReply } from './replyParser';
export {
	enhancedCodeTable,
	enhancedClassTable,
	enhancedSubjectTable,
	describeEnhanced,
	type EnhancedCodeRow,
	type EnhancedCodeInfo
} from './enhancedCodes';
export {
	extensionTable,
	extensionsByKeyword,
	parseEhloLine,
	type ExtensionRow
} from './extensions';
export {
	authMechanismTable,
	explainAuthResponse,
	explainChallenge,
	type AuthMechanismRow
} from './authMechanisms';
export { decodeBase64, decodeBase64Bytes, encodeBase64, isBase64, showControls } from './base64';
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
} from './stateMachine';
export { splitPipelineGroups, type PipelineGroup } from './pipelining';
export {
	headerFieldTable,
	headerFieldsByName,
	REQUIRED_FIELDS,
	type HeaderFieldRow
} from './headerFields';
export { decodeEncodedWords } from './encodedWords';
export { transferEncodingTable, base64EncodedSize } from './encodings';
export { analyzeMessage, type MessageAnatomy } from './messageAnatomy';
export { compareEnvelope, addressesIn, type EnvelopeFinding, type EnvelopeInput } from './envelope';
export { listenerTable, systemEventTable } from './systemEvents';
export {
	SessionAnnotator,
	annotateTranscript,
	isFallback,
	stateLabel,
	type AnnotateInput,
	type TranscriptLine
} from './annotate';
export { parseTranscript } from './transcriptImport';
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
} from './referenceIndex';
