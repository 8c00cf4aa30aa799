// Integer arithmetic rules the plan and the generators share (SPEC §3.3 "round half up").
// Must not hide floating point surprises: values are nudged by a relative epsilon before rounding.

/**
 * Round half up (towards +infinity on .5). Products such as 0.013 × 5000 × 120 carry binary error
 * (7799.999999999999); a tiny relative nudge makes them round as the decimal arithmetic a user
 * does by hand would.
 */
export function roundHalfUp(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}`);
  const nudged = x + Math.abs(x) * 1e-12;
  return Math.floor(nudged + 0.5);
}
