/**
 * The lab's two secrets, kept in DATA_DIR so a restart keeps owners and the operator signed in:
 * the key that signs owner cookies, and the operator token (unless OPERATOR_TOKEN sets it).
 * With DATA_DIR=memory both are made afresh at each start. Files are created with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../store/persistence';
import { keepFirst } from '../sharedFile';

export const COOKIE_SECRET_FILE = 'cookie-secret';
export const OPERATOR_TOKEN_FILE = 'operator-token';

/** The cookie key: 32 random bytes as 64 hex digits (an HMAC-SHA256 key of its full size). */
const COOKIE_SECRET_SHAPE = /^[0-9a-f]{64}$/i;
/** As for OPERATOR_TOKEN (server/config.ts): too short to be guessed. */
const MIN_OPERATOR_TOKEN_CHARS = 16;

export interface LabSecrets {
	cookieSecret: Buffer;
	operatorToken: string;
	/** The token was made by this start (not OPERATOR_TOKEN, not read back): print it once. */
	operatorTokenIsNew: boolean;
}

export function loadLabSecrets(dataDir: string | null, configuredToken: string | null): LabSecrets {
	const cookieSecret = Buffer.from(
		kept(
			dataDir,
			COOKIE_SECRET_FILE,
			() => randomBytes(32).toString('hex'),
			(value) => COOKIE_SECRET_SHAPE.test(value),
			'64 hex digits'
		).value,
		'hex'
	);
	if (configuredToken !== null)
		return { cookieSecret, operatorToken: configuredToken, operatorTokenIsNew: false };
	const token = kept(
		dataDir,
		OPERATOR_TOKEN_FILE,
		() => randomBytes(18).toString('base64url'),
		(value) => value.length >= MIN_OPERATOR_TOKEN_CHARS,
		`at least ${MIN_OPERATOR_TOKEN_CHARS} characters`
	);
	return { cookieSecret, operatorToken: token.value, operatorTokenIsNew: token.created };
}

/**
 * The secret in `dataDir/name`, made with `make` when the file does not exist yet. One read back
 * must be `valid` (`shape` says what that is): an empty or cut file (a disk that filled while it
 * was written) would otherwise sign cookies with a weak or empty key. Instances sharing DATA_DIR
 * that start at once each make one; the first kept wins and the others use it (keepFirst).
 */
function kept(
	dataDir: string | null,
	name: string,
	make: () => string,
	valid: (value: string) => boolean,
	shape: string
): { value: string; created: boolean } {
	if (dataDir === null) return { value: make(), created: true };
	const file = path.join(dataDir, name);
	let read: string | null = null;
	let created = false;
	try {
		read = readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(file, error);
	}
	if (read === null)
		try {
			mkdirSync(dataDir, { recursive: true });
			({ content: read, created } = keepFirst(file, `${make()}\n`));
		} catch (error) {
			throw unusable(file, error);
		}
	const value = read.trim();
	if (!valid(value))
		throw new StorageError(
			`the secret ${file} (DATA_DIR) is not ${shape}; delete the file and SMTP Lab makes a new one at the next start.`
		);
	return { value, created };
}

function unusable(file: string, error: unknown): StorageError {
	return new StorageError(
		`cannot keep the secret ${file} (DATA_DIR): ${(error as Error).message}; set DATA_DIR to a directory SMTP Lab can create and write.`
	);
}
