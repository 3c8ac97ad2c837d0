// "Did you mean …?" for unknown config keys: the nearest known name by Damerau–Levenshtein distance.
//
// Uses the optimal-string-alignment variant (adjacent transpositions count as one edit), which
// catches the usual typos: `log.dir5` → `log.dirs`, `num.partitons` → `num.partitions`.

/** Edit distance with insertions, deletions, substitutions and adjacent transpositions. */
export function damerauLevenshtein(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The closest candidate, or undefined when nothing is plausibly meant (distance above a third of
 * the key's length, so a wholly foreign key gets no misleading suggestion). Ties go to the
 * candidate closest in length, since a mistyped character is likelier than a dropped one
 * (`log.dir5` → `log.dirs`, not `log.dir`), then to the first.
 */
export function nearestKey(key: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = damerauLevenshtein(key, candidate);
    const closerLength = best !== undefined && Math.abs(candidate.length - key.length) < Math.abs(best.length - key.length);
    if (distance < bestDistance || (distance === bestDistance && closerLength)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.ceil(key.length / 3)) ? best : undefined;
}
