/**
 * A file every instance sharing DATA_DIR needs the same copy of (a secret, a key): instances that
 * start at once all make one, and exactly one must win. Writing under a temporary name and
 * renaming lets the last writer win while the first keeps using a key no longer on disk; a link
 * never replaces an existing name, so the first link wins and everyone else reads its file.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Keeps `content` at `path` unless a file is already there; returns what is there now and whether
 * this call put it there. The file appears whole (it is linked once written).
 */
export function keepFirst(
	path: string,
	content: string,
	mode = 0o600
): { content: string; created: boolean } {
	// Unique per call: two calls of one process may race too.
	const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
	writeFileSync(temporary, content, { mode, flag: 'wx' });
	try {
		linkSync(temporary, path);
		return { content, created: true };
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		return { content: readFileSync(path, 'utf8'), created: false };
	} finally {
		rmSync(temporary, { force: true });
	}
}
