// Binds a query's `{{var}}` placeholders for one execution (SPEC §7.3): `recently_ingested` reconstructs a real
// event from (seed, g) among those scheduled in [now − lag − 60 s, now − lag] (sentinels skipped), so lookups hit
// data; enum/range/hex draw per worker. Must not execute queries.

import { EventEncoder } from '../generators/event-encoder.js';
import { draw32, unit } from '../generators/hash.js';
import { StreamSchedule } from '../generators/schedule.js';
import { SentinelSchedule } from '../generators/sentinels.js';
import type { Vars } from '../adapters/types.js';
import { DEFAULTS } from '../scenario/defaults.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { parseTemplate, variablesOf } from '../scenario/query-template/index.js';
import { nameSlot } from './name-hash.js';
import type { ResolvedQuery } from '../scenario/resolved.js';

const WINDOW_MS = 60_000;

type Binder = (arrival: number, nowMs: number) => string | number | boolean;

export class VariableBinder {
  private readonly binders: [string, Binder][] = [];
  /** True when the query has a recently_ingested variable (its hit share is reported). */
  readonly usesRecentEvents: boolean;

  constructor(plan: RunPlan, query: ResolvedQuery, t0Ms: number, workerSeed: number) {
    const compared = new Map<string, string>();
    if (query.template !== null && (query.type === 'search' || query.type === 'aggregation')) {
      const parsed = parseTemplate(query.type, query.template);
      if (parsed.ok) for (const v of variablesOf(parsed.template)) if (v.field) compared.set(v.name, v.field);
    }
    let recent = false;
    for (const [name, def] of Object.entries(query.variables)) {
      const slot = nameSlot(name);
      if (def.source === 'recently_ingested') {
        recent = true;
        const field = def.field ?? compared.get(name)!;
        const si = plan.streams.findIndex((s) => s.name === query.stream);
        const stream = plan.streams[si]!;
        const schedule = new StreamSchedule(t0Ms, plan.phases, stream.phases);
        const encoder = new EventEncoder({ fields: plan.scenario.streams[si]!.fields, seed: stream.seed });
        const sentinels = plan.harness.freshness.enabled ? new SentinelSchedule(schedule, plan.harness.freshness.intervalS) : null;
        const lagMs = 1000 * (def.lag_s ?? DEFAULTS.recentlyIngestedLagS);
        this.binders.push([name, (arrival, nowMs) => {
          const hi = Math.floor(nowMs - lagMs);
          const a = schedule.firstAtOrAfter(hi - WINDOW_MS);
          const b = schedule.firstAtOrAfter(hi + 1);
          // Nothing scheduled yet in the window (the start of a run): the earliest events are the best guess.
          const [from, to] = b > a ? [a, b] : [0, Math.max(1, b)];
          let g = from + (draw32(workerSeed, arrival, slot, 0) % (to - from));
          if (sentinels && sentinels.nAt(g) !== null) g = g + 1 < schedule.totalEvents ? g + 1 : Math.max(0, g - 1);
          const p = schedule.phaseOf(g);
          const value = encoder.values(g, schedule.timeIn(p, g), plan.phases[p]!.profile)[field];
          return typeof value === 'number' || typeof value === 'boolean' ? value : String(value ?? '');
        }]);
      } else if (def.source === 'enum') {
        const values = def.values ?? [];
        this.binders.push([name, (arrival) => values[draw32(workerSeed, arrival, slot, 1) % values.length]!]);
      } else if (def.source === 'range') {
        const min = def.min ?? 0;
        const span = (def.max ?? min) - min + 1;
        this.binders.push([name, (arrival) => min + Math.floor(unit(workerSeed, arrival, slot, 2) * span)]);
      } else {
        const length = def.length ?? 16;
        this.binders.push([name, (arrival) => {
          let out = '';
          for (let k = 0; out.length < length; k++) out += draw32(workerSeed, arrival, slot, 3 + k).toString(16).padStart(8, '0');
          return out.slice(0, length);
        }]);
      }
    }
    this.usesRecentEvents = recent;
  }

  bind(arrival: number, nowMs: number): Vars {
    const out: Record<string, string | number | boolean> = {};
    for (const [name, b] of this.binders) out[name] = b(arrival, nowMs);
    return out;
  }
}
