// Picks the query of each arrival by weight (SPEC §7.1, §7.5): the group's mix_override beats the phase's, which
// beats the base weights; draws are counter-based per worker and arrival, so a run is reproducible.
// Must not execute queries.

import { unit } from '../generators/hash.js';
import type { ResolvedScenario } from '../scenario/resolved.js';

const MIX_FIELD = 0x4d49;

export class QueryMix {
  /** Per phase: query indexes and cumulative weights (normalised). */
  private readonly tables: { queries: number[]; cumulative: number[] }[];

  constructor(scenario: ResolvedScenario, group: string, private readonly seed: number) {
    const names = scenario.queries.map((q) => q.name);
    const groupOverride = scenario.queryGroups.find((g) => g.name === group)?.mixOverride ?? null;
    this.tables = scenario.phases.map((p) => {
      const override = groupOverride ?? p.mixOverride;
      const weights = override
        ? names.map((n) => override[n] ?? 0)
        : scenario.queries.map((q) => q.weight);
      const queries: number[] = [];
      const cumulative: number[] = [];
      let total = 0;
      weights.forEach((w, i) => {
        if (w > 0) {
          total += w;
          queries.push(i);
          cumulative.push(total);
        }
      });
      return { queries, cumulative: cumulative.map((c) => c / total) };
    });
  }

  /** The query index for arrival `index` in phase `phase`, or null when the phase's mix is empty. */
  pick(phase: number, index: number): number | null {
    const t = this.tables[phase]!;
    if (t.queries.length === 0) return null;
    const u = unit(this.seed, index, MIX_FIELD, 0);
    let lo = 0;
    let hi = t.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < t.cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return t.queries[lo]!;
  }
}
