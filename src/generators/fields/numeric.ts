// The `range` (uniform integer, both ends inclusive) and `distribution` (normal, lognormal, exponential,
// uniform; clamped; int/long rounded half up) generators. Must not depend on call order: draws are by slot.

import { roundHalfUp } from '../../core/numbers.js';
import type { DistributionSpec } from '../../scenario/check-fields.js';
import type { FieldType } from '../../scenario/schema.js';
import { numberCompiled, type Compiled, type NumberSource } from './compiled.js';
import { draw, type DrawSlots, type EventState } from './event-state.js';

const TWO_32 = 4294967296;
const INV_2_32 = 1 / TWO_32;

export class RangeSource implements NumberSource {
  private readonly span: number;
  private readonly k1: number;
  private readonly k2: number;

  constructor(private readonly min: number, private readonly max: number, slots: DrawSlots) {
    this.span = max - min + 1;
    this.k1 = slots.take();
    this.k2 = slots.take(); // only spans above 2^32 use the second draw
  }

  value(st: EventState): number {
    const x = draw(st, this.k1);
    if (this.span <= TWO_32) return this.min + Math.floor(x * this.span * INV_2_32);
    const u = x * INV_2_32 + draw(st, this.k2) * INV_2_32 * INV_2_32;
    return Math.min(this.max, this.min + Math.floor(u * this.span));
  }
}

export function compileRange(min: number, max: number, slots: DrawSlots): Compiled {
  return numberCompiled(new RangeSource(min, max, slots));
}

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9 over (0, 1)).
const A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
  -3.066479806614716e+01, 2.506628277459239e+00] as const;
const B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
  -1.328068155288572e+01] as const;
const C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
  4.374664141464968e+00, 2.938163982698783e+00] as const;
const D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00] as const;
const P_LOW = 0.02425;

/** z with Φ(z) = p, for p in (0, 1). */
export function inverseNormal(p: number): number {
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const z = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
      / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    return p < P_LOW ? z : -z;
  }
  const q = p - 0.5;
  const r = q * q;
  return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
    / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/** Parameters of the underlying normal of a lognormal whose own mean and stddev are given. */
export function lognormalParams(mean: number, stddev: number): { mu: number; sigma: number } {
  const sigma2 = Math.log(1 + (stddev * stddev) / (mean * mean));
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

const NORMAL = 0;
const LOGNORMAL = 1;
const EXPONENTIAL = 2;
const UNIFORM = 3;

/** One profile's sampling parameters: for (log)normal a = mean (μ), b = stddev (σ); uniform a = min, b = width. */
interface Params {
  kind: number;
  a: number;
  b: number;
  lo: number;
  hi: number;
}

function paramsOf(d: DistributionSpec): Params {
  const lo = d.min ?? -Infinity;
  const hi = d.max ?? Infinity;
  switch (d.type) {
    case 'normal': return { kind: NORMAL, a: d.mean, b: d.stddev, lo, hi };
    case 'lognormal': {
      const { mu, sigma } = lognormalParams(d.mean, d.stddev);
      return { kind: LOGNORMAL, a: mu, b: sigma, lo, hi };
    }
    case 'exponential': return { kind: EXPONENTIAL, a: d.mean, b: 0, lo, hi };
    case 'uniform': return { kind: UNIFORM, a: lo, b: hi - lo, lo, hi };
  }
}

export class DistributionSource implements NumberSource {
  private readonly params: readonly Params[];
  private readonly k1: number;

  constructor(baseline: DistributionSpec, incident: DistributionSpec, private readonly whole: boolean, slots: DrawSlots) {
    const b = paramsOf(baseline);
    this.params = [b, baseline === incident ? b : paramsOf(incident)];
    this.k1 = slots.take();
  }

  /** A standard normal: the inverse normal CDF at a uniform in (0, 1) (one draw). */
  private gauss(st: EventState): number {
    return inverseNormal((draw(st, this.k1) + 0.5) * INV_2_32);
  }

  value(st: EventState): number {
    const p = this.params[st.profile]!;
    let x: number;
    switch (p.kind) {
      case NORMAL: x = p.a + p.b * this.gauss(st); break;
      case LOGNORMAL: x = Math.exp(p.a + p.b * this.gauss(st)); break;
      case EXPONENTIAL: x = -p.a * Math.log((draw(st, this.k1) + 1) * INV_2_32); break;
      default: x = p.a + p.b * draw(st, this.k1) * INV_2_32;
    }
    if (x < p.lo) x = p.lo;
    else if (x > p.hi) x = p.hi;
    return this.whole ? roundHalfUp(x) : x + 0; // + 0 turns -0 into 0
  }
}

export function compileDistribution(baseline: DistributionSpec, incident: DistributionSpec, type: FieldType | null,
  slots: DrawSlots): Compiled {
  return numberCompiled(new DistributionSource(baseline, incident, type === 'int' || type === 'long', slots));
}
