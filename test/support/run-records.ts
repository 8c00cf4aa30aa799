// Builds the raw records of a synthetic run (SPEC §13.1) for the golden tests of the run analysis: control records
// with known clock offsets, per-second worker snapshots with chosen counts and latencies, late entries, lag,
// freshness and lost records, plus the small plans they belong to. Must not be used outside tests.

import assert from 'node:assert/strict';
import { loadScenarioText } from '../../src/scenario/load-scenario.js';
import { buildPlan } from '../../src/scenario/plan.js';
import type { PlanPhase, RunPlan } from '../../src/scenario/plan-types.js';
import type { PhaseRole } from '../../src/scenario/schema.js';
import { resolveScenario, scaleDuration } from '../../src/scenario/resolve.js';
import { expectedWorkers, type ExpectedWorker } from '../../src/control/expected-workers.js';
import type { WorkerTotals } from '../../src/control/protocol.js';
import { Hist } from '../../src/metrics/hist.js';
import type { IngestBlock, LateBlock, ProcBlock, QueryBlock, WorkerSnapshot } from '../../src/metrics/worker-snapshot.js';
import { emptyIngestBlock, emptyQueryBlock } from '../../src/metrics/worker-snapshot.js';
import { RunAggregator } from '../../src/stream-agg/run-aggregator.js';
import type { FreshnessRecord, LagRecord, RawRecord } from '../../src/stream-agg/records.js';
import { buildRunResult } from '../../src/stream-agg/run-result.js';
import type { RunJson } from '../../src/stream-agg/run-result-types.js';
import { scenarioText } from './scenario-text.js';

/** t0 of every synthetic run: a whole second (unix ms). */
export const T0_MS = 1_795_571_100_000;
export const T0_S = T0_MS / 1000;
export const RUN_ID = '0f0e0d0c-0000-4000-8000-00000000901d';
export const RUN_NAME = 'golden';
export const GENERATED_AT = '2026-01-01T00:00:00.000Z';

// ---- plans --------------------------------------------------------------------------------------------------

export interface GoldenPhase {
  name: string;
  /** Duration at scale 1, s. */
  durationS: number;
  /** Target EPS at scale 1 (ignored in a query-only plan). */
  eps?: number;
  /** Target QPS at scale 1. */
  qps?: number;
  role?: PhaseRole;
}

export interface GoldenPlanSpec {
  phases: GoldenPhase[];
  /** Query groups (weights sum to 1); none = the implicit group "default". */
  groups?: { name: string; weight: number }[];
  rules?: { name: string; condition: string; message: string }[];
  thresholds?: string[];
  emphasis?: string[];
  /** No data stream (SPEC §3.4): native queries only. */
  queryOnly?: boolean;
  rateScale?: number;
  durationScale?: number;
  ingestWorkers?: number;
  threads?: number;
  /** Per group. */
  queryWorkers?: number;
}

const QUERY_ONLY_TEXT = `scenario:
  name: golden-query-only
  version: 1.0.0
query_mix:
  queries:
    - name: count_all
      type: sql
      template: ""
      index: ""
      sql: "SELECT count(*) FROM logs"
timeline:
  phases:
    - name: baseline
      duration_seconds: 30
      query: { target_qps: 1 }
`;

/**
 * A plan with exactly these phases (scaled like `run --duration-scale/--rate-scale`: durations rounded half up,
 * min 1 s; rates multiplied). Rules, thresholds, groups and emphasis are set on the resolved scenario, so they may
 * name any phase of the custom timeline (the scenario loader would insist on the six standard phases).
 */
export function goldenPlan(spec: GoldenPlanSpec): RunPlan {
  const ds = spec.durationScale ?? 1;
  const rs = spec.rateScale ?? 1;
  const loaded = loadScenarioText(spec.queryOnly ? QUERY_ONLY_TEXT : scenarioText({ name: 'golden' }), 'golden.yaml', '.');
  const scenario = resolveScenario(loaded.doc, { baseDir: '.', durationScale: ds, rateScale: rs });
  scenario.phases = spec.phases.map((p) => ({
    name: p.name, displayName: p.name, durationS: scaleDuration(p.durationS, ds),
    profile: p.name === 'baseline' || p.name === 'post_incident' || p.name === 'warmup' ? 'baseline' : 'incident',
    role: p.role ?? null, targetQps: (p.qps ?? 0) * rs, mixOverride: null, users: null, description: '',
  }));
  for (const s of scenario.streams) s.phases = spec.phases.map((p) => ({ targetEps: (p.eps ?? 0) * rs, batchSize: 100 }));
  scenario.queryGroups = (spec.groups ?? []).map((g) => ({ ...g, mixOverride: null, endpoint: null }));
  scenario.rules = spec.rules ?? [];
  scenario.report.emphasis = spec.emphasis ?? [];
  return buildPlan(scenario, {
    runName: RUN_NAME, runId: RUN_ID, durationScale: ds, rateScale: rs, ingestWorkers: spec.ingestWorkers ?? 1,
    threads: spec.threads ?? 1, queryWorkers: spec.queryWorkers ?? 1, thresholds: spec.thresholds ?? [],
  });
}

/** The six standard phases (SPEC §3.2) with these durations, EPS and QPS at scale 1. */
export function standardPhases(durations: number[], eps: number[], qps: number[]): GoldenPhase[] {
  return ['baseline', 'incident_trigger', 'ingestion_surge', 'overlap', 'recovery', 'post_incident']
    .map((name, i) => ({ name, durationS: durations[i]!, eps: eps[i]!, qps: qps[i]! }));
}

// ---- blocks -------------------------------------------------------------------------------------------------

/** Encoded histogram of latencies given in ms (recorded in µs, as workers do). */
export function histMs(ms: readonly number[]): string {
  const h = new Hist();
  for (const v of ms) h.record(v * 1000);
  return h.encode();
}

/** n copies of `ms` (for latency lists written as runs: `[...times(17, 200), 800]`). */
export function times(n: number, ms: number): number[] {
  return new Array<number>(n).fill(ms);
}

/** Query counters of one due second; `ok` defaults to the number of latencies (ok queries only, ms). */
export interface QueryShare {
  due?: number;
  started?: number;
  ok?: number;
  errors?: number;
  timeouts?: number;
  dropped?: number;
  targetQps?: number;
  latencyMs?: number[];
  timerLatenessMs?: number[];
  errorClasses?: Record<string, number>;
}

export interface IngestShare {
  due?: number;
  acked?: number;
  failed?: number;
  missed?: number;
  targetEps?: number;
  scheduleLagMs?: number;
}

export function queryBlock(q: QueryShare, queryName: string | null): QueryBlock {
  const latency = q.latencyMs ?? [];
  const ok = q.ok ?? latency.length;
  const b: QueryBlock = {
    ...emptyQueryBlock(q.targetQps ?? 0), due: q.due ?? 0, started: q.started ?? 0, ok, errors: q.errors ?? 0,
    timeouts: q.timeouts ?? 0, dropped: q.dropped ?? 0, latency: histMs(latency),
    timerLateness: histMs(q.timerLatenessMs ?? []), errorClasses: q.errorClasses ?? {},
  };
  if (queryName !== null) {
    b.byQuery = { [queryName]: { started: b.started, ok, errors: b.errors, timeouts: b.timeouts, dropped: b.dropped,
      withHits: ok, latency: b.latency } };
  }
  return b;
}

export function ingestBlock(i: IngestShare): IngestBlock {
  const acked = i.acked ?? 0;
  const failed = i.failed ?? 0;
  return { ...emptyIngestBlock(i.targetEps ?? 0), due: i.due ?? 0, produced: acked + failed, acked, failed,
    missed: i.missed ?? 0, scheduleLagMs: i.scheduleLagMs ?? 0 };
}

/** The i-th of `parts` near-equal integer parts of `total` (the first `total mod parts` get one more). */
export function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

// ---- records ------------------------------------------------------------------------------------------------

export interface SnapshotParts {
  ingest?: IngestShare;
  query?: QueryShare;
  /** Late entries keyed by the due second (unix s) they belong to. */
  late?: Map<number, { ingest?: IngestShare; query?: QueryShare }>;
  /** Overrides the phase name the worker reports (default: the plan's phase of that second). */
  phase?: string;
  /** Worker clock, unix ms. */
  phaseSwitchAt?: number;
  proc?: Partial<ProcBlock>;
  /** Overrides the run id (foreign snapshots). */
  runId?: string;
  /** Overrides the role (for workers the plan does not have). */
  role?: 'ingest' | 'query';
  group?: string;
}

/**
 * The record list of one run, in arrival order. Every method appends one record; times are explicit. A worker's
 * control message sent at `at` (its clock) and received at `receivedAt` (coordinator clock) gives the estimate
 * receivedAt − at; the smallest over its messages is its clock offset (SPEC §9).
 */
export class RunRecords {
  readonly records: RawRecord[] = [];
  private readonly workers: Map<string, ExpectedWorker>;

  constructor(readonly plan: RunPlan, readonly t0Ms: number = T0_MS) {
    this.workers = new Map(expectedWorkers(plan).map((w) => [w.id, w]));
  }

  get t0S(): number {
    return Math.floor(this.t0Ms / 1000);
  }

  /** Unix second of second `rel` of the timeline. */
  sec(rel: number): number {
    return this.t0S + rel;
  }

  /** The plan's phase containing relative second `rel`, or null. */
  phaseAt(rel: number): PlanPhase | null {
    return this.plan.phases.find((p) => rel >= p.offsetS && rel < p.offsetS + p.durationS) ?? null;
  }

  private control(from: string, at: number, receivedAt: number, body: Record<string, unknown>): void {
    this.records.push({ kind: 'control', receivedAt, v: 1, run: this.plan.run.name, runId: this.plan.run.id, from, at,
      ...body } as RawRecord);
  }

  start(receivedAt = this.t0Ms - 3000): this {
    this.control('coordinator', receivedAt, receivedAt, { type: 'start', t0: this.t0Ms });
    return this;
  }

  hello(worker: string, at: number, receivedAt: number, o: { host?: string; threads?: number } = {}): this {
    const w = this.workers.get(worker);
    this.control(worker, at, receivedAt, { type: 'hello', role: w?.role ?? 'query', index: w?.index ?? 0,
      ...(w?.group !== undefined ? { group: w.group } : {}), threads: o.threads ?? 1, host: o.host ?? `host-${worker}`,
      version: '0.0.0-test', planHash: 'golden' });
    return this;
  }

  ready(worker: string, at: number, receivedAt: number): this {
    const w = this.workers.get(worker);
    this.control(worker, at, receivedAt, { type: 'ready', role: w?.role ?? 'query', index: w?.index ?? 0 });
    return this;
  }

  heartbeat(worker: string, at: number, receivedAt: number): this {
    this.control(worker, at, receivedAt, { type: 'heartbeat' });
    return this;
  }

  done(worker: string, at: number, receivedAt: number, totals: WorkerTotals = {}): this {
    this.control(worker, at, receivedAt, { type: 'done', totals });
    return this;
  }

  fail(worker: string, at: number, receivedAt: number, error: string): this {
    this.control(worker, at, receivedAt, { type: 'fail', error });
    return this;
  }

  abort(from: string, receivedAt: number, reason: string, fatal = false): this {
    this.control(from, receivedAt, receivedAt, fatal ? { type: 'abort', reason, fatal } : { type: 'abort', reason });
    return this;
  }

  lost(worker: string, at: number): this {
    this.records.push({ kind: 'lost', worker, at });
    return this;
  }

  /** The snapshot of `worker` for due second `second` (unix s). */
  snapshot(worker: string, second: number, parts: SnapshotParts = {}): this {
    this.records.push({ kind: 'worker', ...this.snapshotOf(worker, second, parts) });
    return this;
  }

  snapshotOf(worker: string, second: number, parts: SnapshotParts = {}): WorkerSnapshot {
    const w = this.workers.get(worker);
    const role = parts.role ?? w?.role ?? 'query';
    const group = parts.group ?? w?.group;
    const queryName = this.plan.scenario.queries[0]?.name ?? null;
    const s: WorkerSnapshot = {
      v: 1, run: this.plan.run.name, runId: parts.runId ?? this.plan.run.id, worker, role,
      ...(role === 'query' && group !== undefined ? { group } : {}), second,
      phase: parts.phase ?? this.phaseAt(second - this.t0S)?.name ?? 'drain',
      proc: { cpuPct: 20, cpuLimitCores: 1, rssMb: 100, eventLoopDelayP99Ms: 1, ...parts.proc },
    };
    if (parts.ingest) s.ingest = ingestBlock(parts.ingest);
    if (parts.query) s.query = queryBlock(parts.query, queryName);
    if (parts.late && parts.late.size > 0) {
      const late: Record<string, LateBlock> = {};
      for (const [due, b] of parts.late) {
        late[String(due)] = { ...(b.ingest ? { ingest: ingestBlock(b.ingest) } : {}),
          ...(b.query ? { query: queryBlock(b.query, queryName) } : {}) };
      }
      s.late = late;
    }
    if (parts.phaseSwitchAt !== undefined) s.phaseSwitchAt = parts.phaseSwitchAt;
    return s;
  }

  /** A consumer-lag reading at unix second `second` (`committed` = Σ max(committed, start) offsets). */
  lag(second: number, lag: number, committed?: number, o: { at?: number; stream?: string } = {}): this {
    const r: LagRecord = { kind: 'lag', second, lag };
    if (o.at !== undefined) r.at = o.at;
    if (o.stream !== undefined) r.stream = o.stream;
    if (committed !== undefined) r.committed = committed;
    this.records.push(r);
    return this;
  }

  /** A sentinel's result; `foundAt` null = censored. Times: scheduled/acked on `worker`'s clock, found on the coordinator's. */
  freshness(f: { n: number; scheduledAt: number; ackedAt: number; foundAt: number | null; worker?: string; stream?: string }): this {
    const r: FreshnessRecord = { kind: 'freshness', n: f.n, scheduledAt: f.scheduledAt, ackedAt: f.ackedAt, foundAt: f.foundAt };
    if (f.worker !== undefined) r.worker = f.worker;
    if (f.stream !== undefined) r.stream = f.stream;
    this.records.push(r);
    return this;
  }

  push(...records: RawRecord[]): this {
    this.records.push(...records);
    return this;
  }
}

// ---- a whole run --------------------------------------------------------------------------------------------

/** What a hook of `steadyRun` knows about the worker-second it shapes. */
export interface SecondContext {
  worker: ExpectedWorker;
  /** Second of the timeline (0 = t0) and its unix second. */
  rel: number;
  second: number;
  phase: PlanPhase;
  phaseIndex: number;
  /** Second within the phase (0 = its first). */
  k: number;
  /** The worker's planned share of this second: events (ingest) or query arrivals (query). */
  due: number;
  /** The worker's target rate in this phase (EPS or QPS). */
  target: number;
}

export interface WorkerLife {
  /** Coordinator clock − worker clock, ms (SPEC §9). Default 0. */
  offsetMs?: number;
  /** Default true. */
  hello?: boolean;
  /** Receive time of `done` (coordinator clock); null = never done. Default: end of the timeline + 400 ms. */
  doneAt?: number | null;
  fail?: { receivedAt: number; error: string };
  /** Coordinator clock, unix ms, of the `lost` record. */
  lostAt?: number;
}

export interface SteadyRunOptions {
  t0Ms?: number;
  workers?: Record<string, WorkerLife>;
  /** Ingest counters of a worker-second; default: due = acked = the planned share. */
  ingest?: (c: SecondContext) => IngestShare;
  /** Query counters of a worker-second; default: due = started = ok = the planned share, each 50 ms. */
  query?: (c: SecondContext) => QueryShare;
  /** Late entries carried by this worker-second's snapshot, keyed by relative due second. */
  late?: (c: SecondContext) => Map<number, { ingest?: IngestShare; query?: QueryShare }> | undefined;
  proc?: (c: SecondContext) => Partial<ProcBlock>;
  /** True = no snapshot for this worker-second (a silent worker, a missing second). */
  silent?: (c: SecondContext) => boolean;
  /** When the worker switched into phase i, coordinator clock, ms after the phase's planned start. Default 5. */
  switchDelayMs?: (worker: ExpectedWorker, phaseIndex: number) => number;
}

/** Network delays of the control messages; the heartbeat's 0 makes the estimated offset exact. */
export const DELAYS = { hello: 12, ready: 3, heartbeat: 0, done: 7 } as const;

/**
 * A complete run of the plan: hello + ready of every worker, START, one snapshot per worker and second (in
 * second order), the phase switches, a heartbeat, and done. Hooks shape the numbers; the rest follows the plan.
 */
export function steadyRun(plan: RunPlan, o: SteadyRunOptions = {}): RunRecords {
  const r = new RunRecords(plan, o.t0Ms ?? T0_MS);
  const workers = expectedWorkers(plan);
  const life = (id: string): WorkerLife => o.workers?.[id] ?? {};
  const off = (id: string) => life(id).offsetMs ?? 0;
  workers.forEach((w, i) => {
    if (life(w.id).hello === false) return;
    const helloAt = r.t0Ms - 10_000 + 100 * i;
    r.hello(w.id, helloAt - off(w.id) - DELAYS.hello, helloAt);
    r.ready(w.id, helloAt + 50 - off(w.id) - DELAYS.ready, helloAt + 50);
  });
  r.start();
  for (const w of workers) {
    if (life(w.id).hello !== false) r.heartbeat(w.id, r.t0Ms + 1000 - off(w.id) - DELAYS.heartbeat, r.t0Ms + 1000);
  }
  const totalS = plan.totals.durationS;
  for (let rel = 0; rel < totalS; rel++) {
    for (const w of workers) {
      const lf = life(w.id);
      if (lf.hello === false) continue;
      const end = lf.lostAt ?? lf.fail?.receivedAt ?? null;
      if (end !== null && r.sec(rel) * 1000 >= end) continue;
      const c = contextOf(plan, r, w, rel);
      if (o.silent?.(c)) continue;
      const parts: SnapshotParts = {};
      if (w.role === 'ingest') parts.ingest = { targetEps: c.target, ...(o.ingest ? o.ingest(c) : { due: c.due, acked: c.due }) };
      else parts.query = { targetQps: c.target, ...(o.query ? o.query(c) : defaultQuery(c)) };
      const late = o.late?.(c);
      if (late) parts.late = new Map([...late].map(([rs, b]) => [r.sec(rs), b]));
      if (o.proc) parts.proc = o.proc(c);
      if (c.k === 0) {
        const delay = o.switchDelayMs?.(w, c.phaseIndex) ?? 5;
        parts.phaseSwitchAt = r.sec(rel) * 1000 + delay - off(w.id);
      }
      r.snapshot(w.id, r.sec(rel), parts);
    }
  }
  const endMs = r.sec(totalS) * 1000;
  for (const w of workers) {
    const lf = life(w.id);
    if (lf.lostAt !== undefined) r.lost(w.id, lf.lostAt);
    if (lf.fail) r.fail(w.id, lf.fail.receivedAt - off(w.id) - DELAYS.done, lf.fail.receivedAt, lf.fail.error);
    if (lf.hello === false || lf.lostAt !== undefined || lf.fail) continue;
    const doneAt = lf.doneAt === undefined ? endMs + 400 : lf.doneAt;
    if (doneAt !== null) r.done(w.id, doneAt - off(w.id) - DELAYS.done, doneAt);
  }
  return r;
}

function contextOf(plan: RunPlan, r: RunRecords, w: ExpectedWorker, rel: number): SecondContext {
  const phaseIndex = plan.phases.findIndex((p) => rel >= p.offsetS && rel < p.offsetS + p.durationS);
  const phase = plan.phases[phaseIndex]!;
  const k = rel - phase.offsetS;
  let total = 0;
  let target = 0;
  if (w.role === 'ingest') {
    for (const l of plan.lanes.filter((x) => x.worker === w.index)) {
      total += l.events[phaseIndex] ?? 0;
      target += l.eps[phaseIndex] ?? 0;
    }
  } else {
    const q = plan.queryRates.find((x) => x.worker === w.index && x.group === (w.group ?? 'default'));
    total = q?.arrivals[phaseIndex] ?? 0;
    target = q?.qps[phaseIndex] ?? 0;
  }
  return { worker: w, rel, second: r.sec(rel), phase, phaseIndex, k, due: share(total, phase.durationS, k), target };
}

function defaultQuery(c: SecondContext): QueryShare {
  return { due: c.due, started: c.due, latencyMs: times(c.due, 50) };
}

// ---- analysis -----------------------------------------------------------------------------------------------

/** A fresh aggregator fed with `records` in order, then finished (as `report` does). */
export function aggregate(plan: RunPlan, records: readonly RawRecord[]): RunAggregator {
  const agg = new RunAggregator(plan);
  for (const rec of records) agg.add(rec);
  agg.finish();
  return agg;
}

/** run.json of the records. */
export function analyse(plan: RunPlan, records: readonly RawRecord[], meta: { failed?: string; generatedAt?: string } = {}): RunJson {
  return buildRunResult(plan, aggregate(plan, records), { version: '0.0.0-test', generatedAt: meta.generatedAt ?? GENERATED_AT,
    ...(meta.failed !== undefined ? { failed: meta.failed } : {}) });
}

/** Asserts |actual − expected| ≤ 0.1 % of expected (hdr keeps 3 significant digits; it reads a bucket's top). */
export function closeTo(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= Math.abs(expected) * 1e-3,
    `${what}: expected ${expected} (±0.1 %), got ${String(actual)}`);
}
