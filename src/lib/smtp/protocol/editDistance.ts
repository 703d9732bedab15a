/** Levenshtein distance (insert, delete, substitute, each costing 1), case-sensitive. */
export function editDistance(a: string, b: string): number {
	if (a === b) return 0;
	let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const cur = [i];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
		}
		prev = cur;
	}
	return prev[b.length];
}

/** The candidate closest to `word`, if within `max` edits (a transposition counts as 2). */
export function closest(
	word: string,
	candidates: Iterable<string>,
	max: number
): string | undefined {
	let best: string | undefined;
	let bestDistance = max + 1;
	for (const c of candidates) {
		const d = editDistance(word, c);
		if (d < bestDistance) {
			best = c;
			bestDistance = d;
		}
	}
	return best;
}
