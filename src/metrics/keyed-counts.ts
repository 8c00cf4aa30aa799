// Named counters (error classes, per-stream and per-query counts) keyed by user-chosen names, added exactly.
// Must not use plain objects as accumulators: a name such as "__proto__" must stay an ordinary key.

/** Adds every count of `from` into `into` (keys missing in `into` start at 0). */
export function addCounts(into: Map<string, number>, from: Readonly<Record<string, number>> | ReadonlyMap<string, number>): void {
  const entries = from instanceof Map ? from.entries() : Object.entries(from);
  for (const [k, n] of entries) into.set(k, (into.get(k) ?? 0) + n);
}

/** A Map as a JSON-ready record whose keys are own data properties (safe for any key). */
export function mapToRecord<V>(m: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries(m);
}
