// Deterministic pseudo-random numbers for the metrics tests (mulberry32), so a failure reproduces.
// Must not be used outside tests.

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latency-like µs values: log-normal around `medianUs`, with a long tail. */
export function latencyValues(rand: () => number, n: number, medianUs = 20_000): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u1 = Math.max(rand(), 1e-12);
    const u2 = rand();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out.push(medianUs * Math.exp(0.8 * z));
  }
  return out;
}
