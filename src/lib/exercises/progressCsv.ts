/**
 * The class's progress as CSV (issue 16's export): one row per student, the columns a teacher's
 * spreadsheet sorts by. RFC 4180: CRLF line ends (§2 rule 1), a header line (§2 rule 3), fields
 * with a comma, a double quote or a line end enclosed in double quotes, a quote doubled (§2 rules
 * 6 and 7).
 */
import type { RosterRow } from '../classes';
import type { Handout } from './progress';

/**
 * A spreadsheet runs a cell that begins with one of these as a formula (OWASP "CSV injection"):
 * a nickname is the learner's own text, so such a cell gets a leading apostrophe.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function field(value: string): string {
	const safe = FORMULA_START.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

export type ProgressRow = Pick<RosterRow, 'nickname' | 'address' | 'joinedAt' | 'exercises'>;

/** `nickname,address,joined_at`, per handout `<id>` and `<id> passed_at`, then `exercises_passed`. */
export function progressCsv(handouts: readonly Handout[], rows: readonly ProgressRow[]): string {
	const header = [
		'nickname',
		'address',
		'joined_at',
		...handouts.flatMap((h) => [h.exercise, `${h.exercise} passed_at`]),
		'exercises_passed'
	];
	const lines = rows.map((row) => {
		const cells = handouts.flatMap((handout) => {
			const progress = row.exercises.find((p) => p.exercise === handout.exercise);
			if (!progress) return ['', ''];
			const passing = progress.checks.filter((c) => c.passed).length;
			return [
				progress.passedAt !== null ? 'passed' : `${passing}/${progress.checks.length}`,
				iso(progress.passedAt)
			];
		});
		const passed = row.exercises.filter(
			(p) => p.passedAt !== null && handouts.some((h) => h.exercise === p.exercise)
		).length;
		return [row.nickname, row.address, iso(row.joinedAt), ...cells, String(passed)];
	});
	return [header, ...lines].map((cells) => cells.map(field).join(',') + '\r\n').join('');
}
