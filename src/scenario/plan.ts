// Builds the RunPlan of SPEC §4 from a resolved scenario and run options: exact integer event and
// arrival counts per phase, stream, lane and query worker. Must not touch Kafka, the target or the clock.

import { canonicalJson, sha256Hex } from '../core/canonical-json.js';
import { UsageError } from '../core/errors.js';
import { roundHalfUp } from '../core/numbers.js';
import { DEFAULTS, defaultDrainTimeoutS } from './defaults.js';
import type { PlanLane, PlanPhase, PlanQueryRate, PlanStream, PlanTarget, RunPlan } from './plan-types.js';
import type { ResolvedScenario } from './resolved.js';
import { resolveRoles } from './roles.js';
import { sentinelFieldOf } from './sentinel-field.js';

export interface PlanOptions {
  runName: string;
  runId: string;
  seed?: number | null;
  durationScale: number;
  rateScale: number;
  ingestWorkers: number;
  threads: number;
  queryWorkers: number; // per group
  /** Replicas of the named query groups (CRD `workers.queryGroups`); others get `queryWorkers`. */
  queryWorkersByGroup?: Record<string, number>;
  target?: PlanTarget | null;
  bootstrap?: string[];
  manageTopics?: boolean;
  acks?: -1 | 0 | 1;
  compression?: string;
  maxInflightBatches?: number;
  maxInFlight?: number;
  drainTimeoutS?: number;
  readyTimeoutS?: number;
  reuseTarget?: boolean;
  freshness?: boolean; // false: --no-freshness
  /** CRD `harness.freshness.intervalSeconds` / `idField`: beat the scenario's. */
  freshnessIntervalS?: number;
  freshnessIdField?: string;
  thresholds?: string[];
  partitions?: number | null;
  /** `--events-topic [STREAM=]NAME`: key '' for the single stream. */
  eventsTopics?: Record<string, string>;
}

function groupWorkers(o: PlanOptions, group: string): number {
  return o.queryWorkersByGroup?.[group] ?? o.queryWorkers;
}

/** Counts g in [0, x) with g ≡ lane (mod lanes). */
function laneCountBelow(x: number, lane: number, lanes: number): number {
  return x <= lane ? 0 : Math.floor((x - lane - 1) / lanes) + 1;
}

/** Events of lane `lane` of `lanes` in [first, first + count). */
export function laneEvents(first: number, count: number, lane: number, lanes: number): number {
  return laneCountBelow(first + count, lane, lanes) - laneCountBelow(first, lane, lanes);
}

export function eventsTopicName(run: string, stream: string, streamCount: number): string {
  return streamCount > 1 ? `ib.${run}.events.${stream}` : `ib.${run}.events`;
}

export function buildPlan(scenario: ResolvedScenario, o: PlanOptions): RunPlan {
  const streamsIn = scenario.streams;
  const ingestWorkers = streamsIn.length === 0 ? 0 : o.ingestWorkers;
  if (streamsIn.length > 0 && ingestWorkers < 1) {
    throw new UsageError(`--ingest-workers must be ≥ 1 for a scenario that ingests data, got ${ingestWorkers}`);
  }
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new UsageError(`--threads must be a whole number ≥ 1, got ${o.threads}`);
  if (!Number.isInteger(o.queryWorkers) || o.queryWorkers < 1) {
    throw new UsageError(`--query-workers must be a whole number ≥ 1, got ${o.queryWorkers}`);
  }
  const lanesPerStream = ingestWorkers * o.threads;

  // Phase offsets and roles.
  let offset = 0;
  const roles = resolveRoles(scenario.phases);
  const offsets = scenario.phases.map((p) => {
    const at = offset;
    offset += p.durationS;
    return at;
  });

  const idField = o.freshnessIdField ?? scenario.freshness.idField;
  const freshnessOn = (o.freshnessIdField !== undefined ? streamsIn.length > 0 : scenario.freshness.enabled) && o.freshness !== false;

  const topics = o.eventsTopics ?? {};
  const streams: PlanStream[] = streamsIn.map((s) => {
    let g = 0;
    const phases = s.phases.map((sp, p) => {
      const events = roundHalfUp(sp.targetEps * scenario.phases[p]!.durationS);
      const entry = { targetEps: sp.targetEps, batchSize: sp.batchSize, firstG: g, events };
      g += events;
      return entry;
    });
    return {
      name: s.name,
      index: s.index,
      topic: topics[s.name] ?? (streamsIn.length === 1 ? topics[''] : undefined)
        ?? eventsTopicName(o.runName, s.name, streamsIn.length),
      partitions: o.partitions ?? s.kafkaPartitions ?? Math.max(lanesPerStream, DEFAULTS.minEventPartitions),
      seed: s.seed,
      phases,
      // An override (the CRD's idField) applies to the streams that have the field; the others keep their own.
      sentinelField: !freshnessOn ? null
        : o.freshnessIdField !== undefined ? sentinelFieldOf(s.fields, o.freshnessIdField) : s.sentinelField,
    };
  });

  const phases: PlanPhase[] = scenario.phases.map((p, i) => {
    const role = roles.byPhase[i];
    return {
      name: p.name,
      ...(role ? { role } : {}),
      offsetS: offsets[i]!,
      durationS: p.durationS,
      profile: p.profile,
      targetEps: streams.reduce((a, s) => a + s.phases[i]!.targetEps, 0),
      targetQps: p.targetQps,
      events: streams.reduce((a, s) => a + s.phases[i]!.events, 0),
    };
  });

  const lanes: PlanLane[] = [];
  for (const s of streams) {
    for (let lane = 0; lane < lanesPerStream; lane++) {
      const events = s.phases.map((sp) => laneEvents(sp.firstG, sp.events, lane, lanesPerStream));
      lanes.push({
        stream: s.name, lane, worker: Math.floor(lane / o.threads), thread: lane % o.threads,
        events, eps: events.map((n, p) => n / scenario.phases[p]!.durationS),
      });
    }
  }

  const groups = scenario.queryGroups.length > 0
    ? scenario.queryGroups
    : [{ name: 'default', weight: 1, mixOverride: null, endpoint: null }];
  const hasQueries = scenario.queries.length > 0 || scenario.session !== null;
  const queryRates: PlanQueryRate[] = [];
  if (hasQueries) {
    for (const g of groups) {
      const count = groupWorkers(o, g.name);
      for (let w = 0; w < count; w++) {
        const qps = scenario.phases.map((p) => (p.targetQps * g.weight) / count);
        queryRates.push({ worker: w, group: g.name, qps,
          arrivals: qps.map((q, p) => roundHalfUp(q * scenario.phases[p]!.durationS)) });
      }
    }
  }

  return {
    planVersion: 1,
    run: { name: o.runName, id: o.runId, seed: o.seed ?? streams[0]?.seed ?? DEFAULTS.seed },
    scenario,
    target: o.target ?? null,
    kafka: {
      bootstrap: o.bootstrap ?? [],
      topics: { control: `ib.${o.runName}.control`, metrics: `ib.${o.runName}.metrics`, live: `ib.${o.runName}.live` },
      manageTopics: o.manageTopics ?? true,
      acks: o.acks ?? DEFAULTS.acks,
      compression: o.compression ?? DEFAULTS.compression,
    },
    scaling: { durationScale: o.durationScale, rateScale: o.rateScale },
    harness: {
      maxInflightBatches: o.maxInflightBatches ?? DEFAULTS.maxInflightBatches,
      maxInFlight: o.maxInFlight ?? DEFAULTS.maxInFlight,
      drainTimeoutS: o.drainTimeoutS ?? defaultDrainTimeoutS(o.durationScale),
      readyTimeoutS: o.readyTimeoutS ?? DEFAULTS.readyTimeoutS,
      reuseTarget: o.reuseTarget ?? false,
      freshness: { enabled: freshnessOn, intervalS: o.freshnessIntervalS ?? scenario.freshness.intervalS,
        idField: freshnessOn ? idField : null },
    },
    thresholds: [...scenario.thresholds, ...(o.thresholds ?? [])],
    workers: {
      ingest: { count: ingestWorkers, threads: o.threads },
      query: hasQueries ? groups.map((g) => ({ group: g.name, count: groupWorkers(o, g.name), endpoint: g.endpoint ?? '' })) : [],
    },
    phases,
    streams,
    lanes,
    queryRates,
    totals: {
      events: phases.reduce((a, p) => a + p.events, 0),
      queries: queryRates.reduce((a, r) => a + r.arrivals.reduce((x, y) => x + y, 0), 0),
      durationS: scenario.phases.reduce((a, p) => a + p.durationS, 0),
    },
  };
}

/** sha256 of the plan's canonical JSON (SPEC §4). */
export function planHash(plan: RunPlan): string {
  return sha256Hex(canonicalJson(plan));
}
