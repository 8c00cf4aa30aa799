// Self-benchmark `aggregator` (SPEC §18): ms per closed second for 200 workers' snapshots vs a bare decode + add loop, and RSS.
// Must not judge the figures, nor be used as a test, nor re-encode snapshots per second (encoded once, reused).

import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { emptyEncoded, Hist } from '../src/metrics/hist.js';
import type { IngestBlock, LateBlock, QueryBlock, WorkerSnapshot } from '../src/metrics/worker-snapshot.js';
import { loadScenarioFile } from '../src/scenario/load-scenario.js';
import { buildPlan } from '../src/scenario/plan.js';
import type { RunPlan } from '../src/scenario/plan-types.js';
import { resolveScenario } from '../src/scenario/resolve.js';
import { LiveSignals } from '../src/stream-agg/live-signals.js';
import { RunAggregator } from '../src/stream-agg/run-aggregator.js';
import type { ControlRecord, WorkerRecord } from '../src/stream-agg/records.js';
import type { HistList } from '../src/stream-agg/hist-list.js';
import type { SecondBucket } from '../src/stream-agg/second-bucket.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/sre-outage.yaml', import.meta.url));
const INGEST_WORKERS = 100;
const QUERY_WORKERS = 100;
const RUN_ID = '0f0e0d0c-0000-4000-8000-00000000a66e';
const T0_MS = Date.UTC(2026, 0, 1);
/** Seconds replayed on a throwaway aggregator before measuring (JIT warm-up). */
const WARMUP_SECONDS = 12;
/** The RSS reference point: "growth after the first minute". */
const MINUTE_S = 60;

/**
 * Values recorded into each histogram of one worker-second. Ingest: 500 EPS per worker at the 50 k EPS peak, so a few
 * hundred per-event delays; the late entry carries the acks that landed after the snapshot. Query: every worker runs
 * all 8 queries of the mix each second (far above the scenario's 40 QPS / 100 workers: the conservative case), and
 * the late entry carries completions of the previous second — SPEC §10.1: the normal path at 40 QPS.
 */
const VALUES = { produceDelay: 400, ackLatency: 300, lateIngest: 40, perQuery: 6, latePerQuery: 3, errors: 4, lateErrors: 2 };

interface Options {
  seconds: number;
  rounds: number;
}

function options(args: string[]): Options {
  const o: Options = { seconds: 600, rounds: 1 };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    if (args[i] === '--seconds' && v !== undefined) (o.seconds = Number(v)), i++;
    else if (args[i] === '--rounds' && v !== undefined) (o.rounds = Number(v)), i++;
    else throw new RangeError(`unknown bench argument ${args[i]}; expected --seconds N, --rounds R`);
  }
  if (!Number.isInteger(o.seconds) || o.seconds < 4) throw new RangeError(`--seconds must be a whole number ≥ 4, got ${o.seconds}`);
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new RangeError(`--rounds must be a whole number ≥ 1, got ${o.rounds}`);
  return o;
}

/** The SRE-outage plan with 100 ingest and 100 query workers, stretched when the replay is longer than its 600 s. */
function benchPlan(seconds: number): RunPlan {
  const loaded = loadScenarioFile(SCENARIO);
  const build = (durationScale: number) => buildPlan(resolveScenario(loaded.doc, { baseDir: loaded.baseDir, durationScale }), {
    runName: 'bench-aggregator', runId: RUN_ID, durationScale, rateScale: 1, ingestWorkers: INGEST_WORKERS, threads: 2,
    queryWorkers: QUERY_WORKERS, freshness: true,
  });
  const plan = build(1);
  return plan.totals.durationS >= seconds ? plan : build(seconds / plan.totals.durationS);
}

/** A small seeded PRNG (mulberry32), so every run builds the same snapshots. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Encodes `n` log-normal values (median `medianMs`, shape `sigma`), as a worker's Hist would hold them. */
function logNormalHist(rnd: () => number, n: number, medianMs: number, sigma: number): string {
  const h = new Hist();
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    h.recordMs(medianMs * Math.exp(sigma * z));
  }
  return h.encode();
}

interface WorkerTemplate {
  /** The snapshot without `second`, `phase` and `late` (set per replayed second). */
  snapshot: Omit<WorkerSnapshot, 'second' | 'late' | 'phase'>;
  /** Its late entry, keyed by the previous second when replayed. */
  late: LateBlock;
}

const PROC = { cpuPct: 38, cpuLimitCores: 2, rssMb: 190, eventLoopDelayP99Ms: 11 };

function ingestTemplate(index: number): WorkerTemplate {
  const rnd = random(1000 + index);
  const main: IngestBlock = {
    due: 500, produced: 500, acked: 460, failed: 1, missed: 0, targetEps: 500, scheduleLagMs: 4,
    produceDelay: logNormalHist(rnd, VALUES.produceDelay, 25, 1.0),
    ackLatency: logNormalHist(rnd, VALUES.ackLatency, 8, 0.8),
    errorClasses: { request_timeout: 1 },
  };
  const late: IngestBlock = {
    due: 0, produced: 0, acked: 39, failed: 0, missed: 0, targetEps: 0, scheduleLagMs: 0,
    produceDelay: logNormalHist(rnd, VALUES.lateIngest, 700, 0.5),
    ackLatency: logNormalHist(rnd, VALUES.lateIngest, 300, 0.5),
    errorClasses: {},
  };
  return { snapshot: { v: 1, run: 'bench-aggregator', runId: RUN_ID, worker: `ingest-${index}`, role: 'ingest', ingest: main,
    proc: PROC }, late: { ingest: late } };
}

/** One query block: every query of the mix `perQuery` times, its own latency spread per query. */
function queryBlock(rnd: () => number, queries: readonly string[], perQuery: number, errors: number, late: boolean): QueryBlock {
  const latency = new Hist();
  const service = new Hist();
  const lateness = new Hist();
  const byQuery: QueryBlock['byQuery'] = {};
  queries.forEach((name, qi) => {
    const median = (late ? 3 : 1) * 20 * 1.9 ** qi; // 20 ms … 1.8 s across the mix
    const h = new Hist();
    for (let i = 0; i < perQuery; i++) {
      const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      const ms = median * Math.exp(0.9 * z);
      h.recordMs(ms);
      latency.recordMs(ms);
      service.recordMs(ms * 0.92);
      if (!late) lateness.recordMs(0.2 * Math.exp(z));
    }
    byQuery[name] = { started: late ? 0 : perQuery, ok: perQuery, errors: 0, timeouts: 0, dropped: 0, withHits: perQuery - 1,
      latency: h.encode() };
  });
  const total = perQuery * queries.length;
  return {
    due: late ? 0 : total + errors, started: late ? 0 : total + errors, ok: total, errors: errors - 1, timeouts: 1, dropped: 0,
    targetQps: late ? 0 : total + errors, latency: latency.encode(), errorLatency: logNormalHist(rnd, errors, 5000, 0.4),
    serviceTime: service.encode(), timerLateness: lateness.encode(), byQuery, errorClasses: { timeout: 1, http_503: errors - 1 },
  };
}

function queryTemplate(index: number, queries: readonly string[]): WorkerTemplate {
  const rnd = random(5000 + index);
  return {
    snapshot: { v: 1, run: 'bench-aggregator', runId: RUN_ID, worker: `query-${index}`, role: 'query', group: 'default',
      query: queryBlock(rnd, queries, VALUES.perQuery, VALUES.errors, false), proc: PROC },
    late: { query: queryBlock(rnd, queries, VALUES.latePerQuery, VALUES.lateErrors, true) },
  };
}

/** The 200 records of `second`: the encoded templates with `second`, the plan's phase and a late entry for second − 1. */
function recordsOf(templates: readonly WorkerTemplate[], plan: RunPlan, second: number): WorkerRecord[] {
  const offset = second - Math.floor(T0_MS / 1000);
  let phase = plan.phases[0]!.name;
  for (const p of plan.phases) if (offset >= p.offsetS) phase = p.name;
  return templates.map((t) => ({ kind: 'worker', ...t.snapshot, second, phase, late: { [String(second - 1)]: t.late } }));
}

function startRecord(): ControlRecord {
  return { kind: 'control', receivedAt: T0_MS - 2000, v: 1, type: 'start', run: 'bench-aggregator', runId: RUN_ID,
    from: 'coordinator', at: T0_MS - 2000, t0: T0_MS };
}

/** The coordinator's side, as RunAggregation drives it: merge each record, the live point of every second it closes. */
class Coordinator {
  readonly agg: RunAggregator;
  readonly signals: LiveSignals;
  points = 0;

  constructor(plan: RunPlan) {
    this.agg = new RunAggregator(plan);
    this.signals = new LiveSignals(plan, this.agg);
    this.agg.add(startRecord());
  }

  /** Returns the seconds closed. */
  feed(records: readonly WorkerRecord[]): number[] {
    const closed: number[] = [];
    for (const r of records) {
      for (const s of this.agg.add(r)) {
        closed.push(s);
        if (this.signals.point(s).second === s) this.points++;
      }
    }
    return closed;
  }
}

/** The reference: every histogram of the same records decoded and added into fresh Hists, nothing else. */
function referenceMerge(records: readonly WorkerRecord[]): number {
  const into = new Map<string, Hist>();
  const add = (key: string, text: string | undefined) => {
    if (text === undefined || text === emptyEncoded) return;
    let h = into.get(key);
    if (!h) into.set(key, h = new Hist());
    h.add(Hist.decode(text));
  };
  for (const r of records) {
    const blocks: LateBlock[] = [r, ...Object.values(r.late ?? {})];
    for (const b of blocks) {
      if (b.ingest) {
        add('produceDelay', b.ingest.produceDelay);
        add('ackLatency', b.ingest.ackLatency);
      }
      const q = b.query;
      if (q) {
        add('latency', q.latency);
        add('errorLatency', q.errorLatency);
        add('serviceTime', q.serviceTime);
        add('timerLateness', q.timerLateness);
        add('page', q.page);
        for (const [name, x] of Object.entries(q.byQuery)) add(`q:${name}`, x.latency);
        for (const [name, x] of Object.entries(q.byCategory ?? {})) add(`c:${name}`, x.latency);
      }
    }
  }
  let n = 0;
  for (const h of into.values()) n += h.count;
  return n;
}

/** Encoded histograms a worker-second carries, main and late (what both sides decode at least once). */
function histogramsOf(records: readonly WorkerRecord[]): { count: number; chars: number } {
  let count = 0;
  let chars = 0;
  const see = (t: string | undefined) => {
    if (t === undefined || t === emptyEncoded) return;
    count++;
    chars += t.length;
  };
  for (const r of records) {
    const blocks: LateBlock[] = [r, ...Object.values(r.late ?? {})];
    for (const b of blocks) {
      see(b.ingest?.produceDelay);
      see(b.ingest?.ackLatency);
      const q = b.query;
      if (!q) continue;
      for (const t of [q.latency, q.errorLatency, q.serviceTime, q.timerLateness, q.page]) see(t);
      for (const x of Object.values(q.byQuery)) see(x.latency);
    }
  }
  return { count, chars };
}

interface Retained {
  lists: number;
  chars: number;
  /** Of `chars`: the per-worker timer-lateness lists (kept for saturation and per-worker totals). */
  workerChars: number;
}

/** Characters of the encoded histograms a closed (compacted) second keeps: one per list. */
function retainedChars(b: SecondBucket): Retained {
  const q = b.query;
  const lists = [b.ingest?.produceDelay, b.ingest?.ackLatency, q?.latency, q?.errorLatency, q?.serviceTime, q?.timerLateness,
    ...[...(q?.byQuery.values() ?? [])].map((x) => x.latency), ...[...(q?.byCategory.values() ?? [])].map((x) => x.latency),
    ...[...(q?.byGroup.values() ?? [])].map((x) => x.latency)];
  const out: Retained = { lists: 0, chars: 0, workerChars: 0 };
  const count = (l: HistList | undefined): number => {
    if (!l || l.isEmpty) return 0;
    out.lists++;
    return l.merged().encode().length; // a compacted list holds exactly this one encoding
  };
  for (const l of lists) out.chars += count(l);
  for (const w of b.workers.values()) out.workerChars += count(w.timerLateness);
  out.chars += out.workerChars;
  return out;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timed(run: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'unknown cpu'}, ${c.length} cores, node ${process.version}`;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

interface MemorySample {
  offset: number;
  rss: number;
  heapUsed: number;
  /** Taken right after a full collection (global.gc), so heapUsed is what is retained. */
  settled: boolean;
}

/**
 * Forced collections every this many seconds, not every second: a full gc shrinks the young generation and the step
 * after it runs ~25–40 % slower (measured on the dev machine), so steps right after one are not timed.
 */
const SETTLE_EVERY_S = 10;

function sampleMemory(offset: number, settle: boolean): MemorySample {
  const settled = settle && gc !== undefined;
  if (settled) gc!();
  const m = process.memoryUsage();
  return { offset, rss: m.rss, heapUsed: m.heapUsed, settled };
}

interface RoundResult {
  /** Offset in the replay of each measured step (the second fed). */
  offsets: number[];
  measured: Timing[];
  reference: Timing[];
  ratios: number[];
  memory: MemorySample[];
  retained: Retained | null;
  points: number;
}

/**
 * Replays `seconds` seconds on a fresh coordinator. Each measured step: the 200 records of second s, whose last one
 * moves the watermark to s and closes s − 3 (compaction), and that second's live point; then the reference on the
 * same records. RSS is sampled after every second; with `global.gc` every 10th sample (and the last) is settled by a
 * full collection, and the step after it is left out of the timings.
 */
function replay(plan: RunPlan, templates: readonly WorkerTemplate[], seconds: number, measure: boolean): RoundResult {
  const first = Math.floor(T0_MS / 1000);
  const out: RoundResult = { offsets: [], measured: [], reference: [], ratios: [], memory: [], retained: null, points: 0 };
  const coord = new Coordinator(plan);
  let afterGc = false;
  for (let offset = 0; offset < seconds; offset++) {
    const records = recordsOf(templates, plan, first + offset);
    let closed: number[] = [];
    const m = timed(() => {
      closed = coord.feed(records);
    });
    if (!measure) continue;
    if (closed.length > 0 && !afterGc) { // the first 3 seconds close nothing
      const r = timed(() => {
        referenceMerge(records);
      });
      out.offsets.push(offset);
      out.measured.push(m);
      out.reference.push(r);
      out.ratios.push(m.wallMs / r.wallMs);
    }
    const sample = sampleMemory(offset, offset % SETTLE_EVERY_S === 0 || offset === seconds - 1);
    out.memory.push(sample);
    afterGc = sample.settled;
  }
  out.points = coord.points;
  const last = coord.agg.lastClosed;
  const bucket = last === null ? undefined : coord.agg.bucket(last);
  if (measure && bucket) out.retained = retainedChars(bucket);
  return out;
}

/** A measured round, and the heap it leaves behind once its coordinator is unreachable (meaningful with gc only). */
function round(plan: RunPlan, templates: readonly WorkerTemplate[], seconds: number): { result: RoundResult; leftBytes: number } {
  const before = sampleMemory(-1, true).heapUsed;
  const result = replay(plan, templates, seconds, true);
  return { result, leftBytes: sampleMemory(seconds, true).heapUsed - before };
}

const MB = 1024 * 1024;

export async function runAggregatorBench(args: string[]): Promise<Record<string, unknown>> {
  const opts = options(args);
  const plan = benchPlan(opts.seconds);
  const queries = plan.scenario.queries.map((q) => q.name);
  const templates = [
    ...Array.from({ length: INGEST_WORKERS }, (_, i) => ingestTemplate(i)),
    ...Array.from({ length: QUERY_WORKERS }, (_, i) => queryTemplate(i, queries)),
  ];
  const perSecond = histogramsOf(recordsOf(templates, plan, Math.floor(T0_MS / 1000)));

  replay(plan, templates, WARMUP_SECONDS, false);
  for (let i = 0; i < 3; i++) referenceMerge(recordsOf(templates, plan, Math.floor(T0_MS / 1000)));

  const runs = Array.from({ length: opts.rounds }, () => round(plan, templates, opts.seconds));
  const rounds = runs.map((x) => x.result);
  const measured = rounds.flatMap((x) => x.measured);
  const reference = rounds.flatMap((x) => x.reference);
  const ratios = rounds.flatMap((x) => x.ratios);
  const wall = measured.map((t) => t.wallMs);
  const refWall = reference.map((t) => t.wallMs);
  const cpuRatios = measured.map((t, i) => t.cpuMs / Math.max(reference[i]!.cpuMs, 1e-3));
  // Does the cost of a second grow with the seconds already held? First minute against last minute of the replay, with
  // the reference beside (machine load moves both; the aggregator's own growth moves only the measured side).
  const inMinute = (from: number, pick: (x: RoundResult) => Timing[]) => rounds.flatMap((x) => pick(x).filter((_, i) =>
    x.offsets[i]! >= from && x.offsets[i]! < from + MINUTE_S)).map((t) => t.wallMs);
  const lastFrom = Math.max(0, opts.seconds - MINUTE_S);
  const firstMinute = inMinute(0, (x) => x.measured);
  const lastMinute = inMinute(lastFrom, (x) => x.measured);
  const refFirstMinute = inMinute(0, (x) => x.reference);
  const refLastMinute = inMinute(lastFrom, (x) => x.reference);

  // Memory: the first round (a fresh process state).
  const mem = rounds[0]!.memory.filter((s) => s.settled === (gc !== undefined));
  const at60 = mem.find((s) => s.offset === Math.min(MINUTE_S, opts.seconds - 1)) ?? null;
  const end = mem[mem.length - 1]!;
  const span = at60 ? end.offset - at60.offset : 0;
  const growthPct = at60 && span > 0 ? ((end.rss - at60.rss) / at60.rss) * 100 : null;
  const heapPerSecond = at60 && span > 0 ? (end.heapUsed - at60.heapUsed) / span : null;
  const retained = rounds[0]!.retained;
  const released = runs[0]!.leftBytes;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const round1 = (x: number) => Math.round(x * 10) / 10;

  const result = {
    bench: 'aggregator',
    ms_per_second_p50: round1(quantile(wall, 50)),
    ms_per_second_p95: round1(quantile(wall, 95)),
    ms_per_second_max: round1(Math.max(...wall)),
    cpu_ms_per_second_p50: round1(quantile(measured.map((t) => t.cpuMs), 50)),
    reference_ms_p50: round1(quantile(refWall, 50)),
    ratio: round3(quantile(ratios, 50)),
    cpu_ratio: round3(quantile(cpuRatios, 50)),
    ms_p50_first_minute: round1(quantile(firstMinute, 50)),
    ms_p50_last_minute: round1(quantile(lastMinute, 50)),
    reference_ms_p50_first_minute: round1(quantile(refFirstMinute, 50)),
    reference_ms_p50_last_minute: round1(quantile(refLastMinute, 50)),
    rss_60s_mb: at60 ? round1(at60.rss / MB) : null,
    rss_end_mb: round1(end.rss / MB),
    rss_growth_pct: growthPct === null ? null : round1(growthPct),
    heap_retained_per_second_bytes: heapPerSecond === null || !gc ? null : Math.round(heapPerSecond),
    encoded_chars_per_closed_second: retained?.chars ?? null,
    heap_not_released_mb: gc ? round1(released / MB) : null,
    gc_settled_samples: gc !== undefined,
    seconds: opts.seconds,
    closed_seconds: rounds.reduce((a, x) => a + x.points, 0),
    timed_seconds: measured.length,
    rounds: opts.rounds,
    workers: INGEST_WORKERS + QUERY_WORKERS,
    histograms_per_second: perSecond.count,
    machine: machine(),
  };

  const row = (k: string, v: string) => console.log(`  ${k.padEnd(50)}${v}`);
  const num = (x: number) => Math.round(x).toLocaleString('en-US');
  const kept = (r: Retained | null) => (r ? `${num(r.chars)} B in ${r.lists} lists (${num(r.workerChars)} B: per-worker `
    + 'timerLateness)' : '-');
  console.log(`aggregator: ${INGEST_WORKERS} ingest + ${QUERY_WORKERS} query workers (${queries.length} queries each), `
    + `${perSecond.count} encoded histograms per second (${num(perSecond.chars / 1024)} KiB), replay of ${opts.seconds} s × `
    + `${opts.rounds} round(s) of the ${plan.totals.durationS} s SRE-outage timeline; one core, wall clock`);
  row('merge + close + live point, ms per closed second', `p50 ${result.ms_per_second_p50}   p95 ${result.ms_per_second_p95}`
    + `   max ${result.ms_per_second_max}   (target < 500; CPU p50 ${result.cpu_ms_per_second_p50})`);
  row('reference: Hist.decode + add of the same, ms', `p50 ${result.reference_ms_p50}   (${round1(Math.min(...refWall))} … `
    + `${round1(Math.max(...refWall))})`);
  row('ratio per second, median (target ≤ 1.5)', `${result.ratio.toFixed(3)}   (p95 ${quantile(ratios, 95).toFixed(2)}; `
    + `ratio of medians ${(quantile(wall, 50) / quantile(refWall, 50)).toFixed(3)})`);
  row('ratio by CPU time per second, median', `${result.cpu_ratio.toFixed(3)}   (immune to time descheduled by other load)`);
  row('ms p50, first / last minute of the replay', `${result.ms_p50_first_minute} / ${result.ms_p50_last_minute}   (reference `
    + `${result.reference_ms_p50_first_minute} / ${result.reference_ms_p50_last_minute}: growth on the measured side only = cost `
    + 'rising with the seconds held)');
  row('closed seconds (live points) / timed', `${result.closed_seconds} / ${result.timed_seconds}${gc ? ' (not timed: the step '
    + 'after each forced gc)' : ''}`);
  row(`RSS at ${at60?.offset ?? '-'} s → end (${end.offset} s)`, `${result.rss_60s_mb ?? '-'} MB → ${result.rss_end_mb} MB   `
    + `growth ${result.rss_growth_pct ?? '-'} %  (target flat, < 10 %)`);
  if (gc) {
    row('heap retained per closed second (after gc)', `${heapPerSecond === null ? '-' : num(heapPerSecond)} B`);
    row('  of which encoded histograms kept (compacted)', kept(retained));
    row('heap left after dropping the aggregator', `${result.heap_not_released_mb} MB (0 = nothing leaked outside it)`);
    const held = heapPerSecond !== null && span > 0 ? heapPerSecond * span / MB : null;
    row('growth source', held === null ? '-' : `${round1(held)} MB of heap held by ${span} retained seconds (by design: `
      + `the final report needs every second; bounded by run length); ${Math.abs(released) < 2 * MB ? 'released in full when the '
      + 'aggregator is dropped: no leak' : 'NOT released when the aggregator is dropped: a leak'}`);
  } else {
    row('heap after each second', 'not settled (no global.gc: run with NODE_OPTIONS=--expose-gc for retained bytes)');
    row('  encoded histograms kept per closed second', kept(retained));
    row('growth source', 'cannot be told apart from garbage without global.gc');
  }
  row('machine', result.machine);
  return result;
}
