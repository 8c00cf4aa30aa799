// "Did you mean" suggestions for unknown keys and names. Must not decide whether a name is valid.

import { distance } from 'fastest-levenshtein';

/** The closest candidate within a distance that still looks like a typo, or null. */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === null) return null;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  return bestD <= limit ? best : null;
}

/** ` (did you mean "x"?)` or `` — ready to append to a message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closestName(name, candidates);
  return c === null ? '' : ` (did you mean ${JSON.stringify(c)}?)`;
}

/** `one of "a", "b", "c"` — for "expected …" clauses. */
export function oneOf(candidates: Iterable<string>): string {
  const list = [...candidates].map((c) => JSON.stringify(c));
  return list.length === 1 ? list[0]! : `one of ${list.join(', ')}`;
}
