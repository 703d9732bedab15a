/**
 * Whose credentials these are, for every listener that takes a login (SMTP AUTH on submission,
 * POP3 USER/PASS and AUTH): a student's class address and personal password, an owner's
 * personal login, or a shared sandbox account (src/lib/sandboxPolicy.ts ACCOUNTS).
 */
import type { ClassDirectory } from '../classes/classDirectory';
import type { Student } from '../classes/classRoom';
import type { Visibility } from '../config';
import { checkPassword } from '../sandbox/policy';
import type { LabStore } from '../store/labStore';
import type { Owner } from './owner';
import type { OwnerDirectory } from './ownerDirectory';

export type Login =
	| { kind: 'shared'; user: string }
	| { kind: 'personal'; user: string; owner: Owner }
	| { kind: 'class'; user: string; owner: Owner; student: Student };

/** Why a login is refused; the names of the SMTP replies (server/sandbox/replies.ts) that say so. */
export type LoginRefusal = 'badCredentials' | 'sharedAccountInBrowserOnly';

export interface LoginDirectories {
	store: LabStore;
	owners: OwnerDirectory;
	classes: ClassDirectory;
}

/** The login these credentials are, or null when they are nobody's. */
export function identifyLogin(
	user: string,
	password: string,
	{ store, owners, classes }: LoginDirectories
): Login | null {
	const student = classes.studentOfLogin(user, password);
	const studentOwner = student && store.owners.get(student.ownerId);
	if (student && studentOwner) return { kind: 'class', user, owner: studentOwner, student };
	const owner = owners.ownerOfLogin(user, password);
	if (owner) return { kind: 'personal', user, owner };
	return checkPassword(user, password) ? { kind: 'shared', user } : null;
}

/**
 * In private mode the shared accounts log in only in a browser, where the owner is known: a
 * mail program outside it uses its owner's personal login (shown on /connect).
 */
export function loginRefusal(
	login: Login | null,
	visibility: Visibility,
	inBrowser: boolean
): LoginRefusal | null {
	if (!login) return 'badCredentials';
	if (login.kind === 'shared' && visibility === 'private' && !inBrowser)
		return 'sharedAccountInBrowserOnly';
	return null;
}
