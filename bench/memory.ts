// Self-benchmark `memory` (SPEC §18): RSS of one ingest worker and one query worker, each in a child process of its
// own, over one long steady phase; growth after the first minute. Must not judge the figures, nor be used as a test.
//
// Why child processes: a worker runs as a pod of its own, so its RSS is a process's RSS. In one process the two
// workers, the delay server and the bench's bookkeeping would share one figure, and a leak in one role would hide in
// the other's noise. Each child (bench/memory-role.ts) samples process.memoryUsage() once a second — rss is VmRSS,
// all threads (the ingest lane threads included); heapUsed/external/arrayBuffers are of its main thread only.
// Children run with --expose-gc and, as bench/aggregator.ts does, settle every 10th sample (and the last) with a full
// collection; growth and the RSS timeline use the settled samples, "max" every sample; "peak" is VmHWM from
// /proc/<pid>/status. Why one steady phase (not the smoke scenario's six phases): at a constant load a flat RSS means
// flat, while across a surge RSS follows the load and "growth after the first minute" would depend on which phase
// the run ends in.

import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../src/core/logger.js';
import { createKafka } from '../src/kafka/client-factory.js';
import { kafkaSettingsFromEnv } from '../src/kafka/kafka-config.js';
import { deleteTopics, ensureTopics } from '../src/kafka/topics.js';
import { cpuLimitCores } from '../src/metrics/cpu-limit.js';
import { defaultLocalThreads } from '../src/scenario/defaults.js';
import type { RunPlan } from '../src/scenario/plan-types.js';
import { startDelayServer, type DelayServer } from '../test/support/http-test-target.js';
import { startTestKafka, type TestKafka } from '../test/support/test-kafka/index.js';
import type { FromRole, MemoryRole, MemorySample, ToRole } from './memory-role.js';
import { steadyPlan } from './steady-plan.js';

const ROLE_SCRIPT = fileURLToPath(new URL('./memory-role.js', import.meta.url));
const PARTITIONS = 8;
/** The RSS reference point: "growth after the first minute". */
const MINUTE_S = 60;
/** How long after the timeline a child may take to finish and report before it is killed. */
const REPORT_GRACE_MS = 120_000;
const MB = 1024 * 1024;

interface Options {
  seconds: number;
  kafka: string | null;
  roles: MemoryRole[];
  eps: number;
  qps: number;
  threads: number;
}

function options(args: string[]): Options {
  const o: Options = { seconds: 600, kafka: null, roles: ['ingest', 'query'], eps: 20_000, qps: 200,
    threads: Math.max(2, defaultLocalThreads(cpuLimitCores())) };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    if (args[i] === '--seconds' && v !== undefined) (o.seconds = Number(v)), i++;
    else if (args[i] === '--kafka' && v) (o.kafka = v), i++;
    else if (args[i] === '--role' && (v === 'ingest' || v === 'query')) (o.roles = [v]), i++;
    else if (args[i] === '--role' && v === 'both') i++;
    else if (args[i] === '--eps' && v !== undefined) (o.eps = Number(v)), i++;
    else if (args[i] === '--qps' && v !== undefined) (o.qps = Number(v)), i++;
    else if (args[i] === '--threads' && v !== undefined) (o.threads = Number(v)), i++;
    else throw new RangeError(`unknown bench argument ${args[i]} ${v ?? ''}; expected --seconds N, --kafka B, `
      + '--role ingest|query|both, --eps E, --qps Q, --threads T');
  }
  if (!Number.isInteger(o.seconds) || o.seconds < 2) throw new RangeError(`--seconds must be a whole number ≥ 2, got ${o.seconds}`);
  if (!(o.eps > 0)) throw new RangeError(`--eps must be a number > 0, got ${o.eps}`);
  if (!(o.qps > 0)) throw new RangeError(`--qps must be a number > 0, got ${o.qps}`);
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new RangeError(`--threads must be a whole number ≥ 1, got ${o.threads}`);
  return o;
}

/** The SRE-outage scenario reduced to one steady phase of `seconds` at `eps` and `qps`, one worker of each role. */
function memoryPlan(o: Options, bootstrap: string): RunPlan {
  return steadyPlan({ runName: `bench-memory-${process.pid}`, eps: o.eps, qps: o.qps, seconds: o.seconds, threads: o.threads,
    bootstrap, partitions: PARTITIONS });
}

/** Peak RSS (VmHWM) of a live process, bytes; null where /proc is not there. */
function peakRss(pid: number | undefined): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

interface RoleResult {
  role: MemoryRole;
  samples: MemorySample[];
  perSecond: number[];
  totals: Extract<FromRole, { type: 'result' }>['totals'];
  peak: number | null;
}

/** One worker in a child process: `ready` once warmed up, `result` once it has run and closed (then the child exits). */
class RoleProcess {
  readonly ready: Promise<void>;
  readonly result: Promise<RoleResult>;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(readonly role: MemoryRole, init: Omit<Extract<ToRole, { type: 'init' }>, 'type' | 'role'>) {
    this.child = fork(ROLE_SCRIPT, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.exited = new Promise((r) => this.child.once('exit', () => r()));
    const gone = this.exited.then(() => {
      throw new Error(`the ${role} worker's process exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) `
        + 'before reporting its figures');
    });
    const message = (want: FromRole['type']) => Promise.race([gone, new Promise<FromRole>((resolve, reject) => {
      const on = (m: FromRole) => {
        if (m.type === 'error') reject(new Error(`the ${role} worker failed: ${m.message}`));
        else if (m.type === want) resolve(m);
        else return;
        this.child.off('message', on);
      };
      this.child.on('message', on);
    })]);
    this.ready = message('ready').then(() => undefined);
    this.result = message('result').then((m) => {
      const r = m as Extract<FromRole, { type: 'result' }>;
      return { role, samples: r.samples, perSecond: r.perSecond, totals: r.totals, peak: peakRss(this.child.pid) };
    });
    this.ready.catch(() => undefined); // observed through `result` or the caller's await
    this.result.catch(() => undefined);
    this.send({ type: 'init', role, ...init });
  }

  send(m: ToRole): void {
    if (this.child.connected) this.child.send(m);
  }

  /** Asks the child to exit (it has reported or failed); kills it if it does not within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ type: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Resolves with `p`, or rejects after `ms` milliseconds naming `what`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface RoleFigures {
  rate: number;
  rateFirstMinute: number;
  rateLastMinute: number;
  start: MemorySample;
  at60: MemorySample | null;
  end: MemorySample;
  growthPct: number | null;
  heapPerSecond: number | null;
  max: number;
  peak: number | null;
  settled: MemorySample[];
}

function figuresOf(r: RoleResult, seconds: number): RoleFigures {
  const gcUsed = r.samples.some((s) => s.settled);
  const settled = r.samples.filter((s) => s.settled === gcUsed);
  const at = (k: number) => settled.find((s) => s.k === k) ?? null;
  const start = at(0) ?? settled[0]!;
  const end = at(seconds) ?? settled[settled.length - 1]!;
  const at60 = seconds > MINUTE_S ? at(MINUTE_S) : null;
  const span = at60 ? end.k - at60.k : 0;
  const done = r.role === 'ingest' ? (r.totals.ingest?.acked ?? 0) : (r.totals.query?.ok ?? 0);
  const window = Math.min(MINUTE_S, seconds);
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  return {
    rate: done / seconds,
    rateFirstMinute: sum(r.perSecond.slice(0, window)) / window,
    rateLastMinute: sum(r.perSecond.slice(seconds - window)) / window,
    start,
    at60,
    end,
    growthPct: at60 && span > 0 ? ((end.rss - at60.rss) / at60.rss) * 100 : null,
    heapPerSecond: at60 && span > 0 && gcUsed ? (end.heapUsed - at60.heapUsed) / span : null,
    max: Math.max(...r.samples.map((s) => s.rss)),
    peak: r.peak,
    settled,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const mb = (bytes: number) => round1(bytes / MB);

function jsonOf(role: MemoryRole, f: RoleFigures, r: RoleResult): Record<string, unknown> {
  const p = `${role}_`;
  const load = role === 'ingest'
    ? { [`${p}acked_eps`]: Math.round(f.rate), [`${p}missed`]: r.totals.ingest?.missed ?? 0, [`${p}failed`]: r.totals.ingest?.failed ?? 0 }
    : { [`${p}ok_qps`]: round1(f.rate), [`${p}dropped`]: r.totals.query?.dropped ?? 0,
      [`${p}errors`]: (r.totals.query?.errors ?? 0) + (r.totals.query?.timeouts ?? 0) };
  return {
    ...load,
    [`${p}rss_start_mb`]: mb(f.start.rss),
    [`${p}rss_60s_mb`]: f.at60 ? mb(f.at60.rss) : null,
    [`${p}rss_end_mb`]: mb(f.end.rss),
    [`${p}rss_growth_pct`]: f.growthPct === null ? null : round1(f.growthPct),
    [`${p}rss_max_mb`]: mb(f.max),
    [`${p}rss_peak_mb`]: f.peak === null ? null : mb(f.peak),
    [`${p}heap_used_end_mb`]: mb(f.end.heapUsed),
    [`${p}heap_growth_bytes_per_s`]: f.heapPerSecond === null ? null : Math.round(f.heapPerSecond),
    [`${p}external_end_mb`]: mb(f.end.external),
    [`${p}array_buffers_end_mb`]: mb(f.end.arrayBuffers),
  };
}

function printTable(o: Options, results: RoleResult[], figs: RoleFigures[], kafka: string): void {
  const num = (x: number) => Math.round(x).toLocaleString('en-US');
  const gcUsed = results.some((r) => r.samples.some((s) => s.settled));
  const parts = results.map((r) => r.role === 'ingest'
    ? `1 ingest worker (${o.threads} lane threads, ${num(o.eps)} EPS of SRE-outage events, batches of 1000, ${kafka})`
    : `1 query worker (open loop at ${num(o.qps)} QPS, SRE-outage query mix, local delay server 2–40 ms)`);
  console.log(`memory: ${parts.join(' + ')}; each in its own process, one steady ${o.seconds} s phase; memory sampled once a `
    + `second${gcUsed ? ', every 10th sample settled by global.gc' : ' (not settled: no global.gc)'}`);
  const row = (k: string, cells: string[]) => console.log(`  ${k.padEnd(40)}${cells.map((c) => c.padEnd(42)).join('')}`.trimEnd());
  row('', results.map((r) => r.role));
  row('load achieved (whole run)', results.map((r, i) => r.role === 'ingest'
    ? `${num(figs[i]!.rate)} EPS acked (missed ${num(r.totals.ingest?.missed ?? 0)}, failed ${num(r.totals.ingest?.failed ?? 0)})`
    : `${round1(figs[i]!.rate)} QPS ok (dropped ${r.totals.query?.dropped ?? 0}, errors `
      + `${(r.totals.query?.errors ?? 0) + (r.totals.query?.timeouts ?? 0)})`));
  const w = Math.min(MINUTE_S, o.seconds);
  row(`load, first / last ${w} s`, figs.map((f, i) => `${num(f.rateFirstMinute)} / ${num(f.rateLastMinute)} ${
    results[i]!.role === 'ingest' ? 'EPS' : 'QPS'}`));
  row('RSS after warm-up (0 s)', figs.map((f) => `${mb(f.start.rss)} MB`));
  row(`RSS at 60 s → end (${o.seconds} s)`, figs.map((f) => `${f.at60 ? mb(f.at60.rss) : '-'} → ${mb(f.end.rss)} MB`));
  row('RSS growth after the first minute', figs.map((f) => f.growthPct === null ? '- (run ≤ 60 s)'
    : `${round1(f.growthPct)} %  (target < 10 %)`));
  row('RSS max of samples / peak (VmHWM)', figs.map((f) => `${mb(f.max)} / ${f.peak === null ? '-' : mb(f.peak)} MB`));
  row('heapUsed (main thread) 60 s → end', figs.map((f) => `${f.at60 ? mb(f.at60.heapUsed) : '-'} → ${mb(f.end.heapUsed)} MB`));
  row('  retained per second after 60 s', figs.map((f) => f.heapPerSecond === null ? '-' : `${num(f.heapPerSecond)} B/s`));
  row('external / arrayBuffers at end', figs.map((f) => `${mb(f.end.external)} / ${mb(f.end.arrayBuffers)} MB`));
  const step = o.seconds <= 120 ? 10 : 60;
  results.forEach((r, i) => {
    const pts = figs[i]!.settled.filter((s) => s.k % step === 0 || s.k === o.seconds);
    row(`RSS every ${step} s, ${r.role} (MB)`, [pts.map((s) => Math.round(s.rss / MB)).join(' ')]);
  });
  row('machine', [machine()]);
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'unknown cpu'}, ${c.length} cores, node ${process.version}`;
}

export async function runMemoryBench(args: string[]): Promise<Record<string, unknown>> {
  const o = options(args);
  const withIngest = o.roles.includes('ingest');
  const withQuery = o.roles.includes('query');
  let testKafka: TestKafka | null = null;
  let server: DelayServer | null = null;
  let external: { delete: () => Promise<void> } | null = null;
  const children: RoleProcess[] = [];
  try {
    if (withIngest && !o.kafka) testKafka = await startTestKafka();
    const bootstrap = o.kafka ?? testKafka?.bootstrap ?? '127.0.0.1:9092';
    const plan = memoryPlan(o, bootstrap);
    const topic = plan.streams[0]!.topic;
    if (testKafka) await testKafka.createTopic(topic, PARTITIONS);
    else if (withIngest) external = await externalTopic(o.kafka!, plan, topic);
    if (withQuery) {
      // The delay cycle of bench/query-timer.ts (2–11 ms, every 25th 40 ms), served from this process, not the child's.
      let n = 0;
      server = await startDelayServer(() => {
        const i = n++;
        return i % 25 === 24 ? 40 : 2 + (i % 10);
      });
    }
    for (const role of o.roles) {
      children.push(new RoleProcess(role, { plan, bootstrap: withIngest ? bootstrap : null, kafkaEnv: o.kafka !== null,
        endpoint: server?.url ?? null }));
    }
    await within(Promise.all(children.map((c) => c.ready)), 60_000, 'the workers\' READY');
    const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    for (const c of children) c.send({ type: 'start', t0 });
    const results = await within(Promise.all(children.map((c) => c.result)), o.seconds * 1000 + 1000 + REPORT_GRACE_MS,
      'the workers\' figures');
    const figs = results.map((r) => figuresOf(r, o.seconds));
    const kafka = o.kafka ?? 'test Kafka (librdkafka mock cluster, 1 broker)';
    printTable(o, results, figs, o.kafka ? `Kafka ${o.kafka}` : 'test Kafka');
    const growths = figs.map((f) => f.growthPct).filter((g): g is number => g !== null);
    return {
      bench: 'memory',
      rss_growth_pct_max: growths.length > 0 ? round1(Math.max(...growths)) : null,
      ...Object.assign({}, ...results.map((r, i) => jsonOf(r.role, figs[i]!, r))),
      target_eps: withIngest ? o.eps : null,
      target_qps: withQuery ? o.qps : null,
      threads: withIngest ? o.threads : null,
      seconds: o.seconds,
      phases: 1,
      separate_processes: true,
      gc_settled_samples: results.some((r) => r.samples.some((s) => s.settled)),
      kafka: withIngest ? kafka : null,
      machine: machine(),
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await server?.stop();
    await external?.delete().catch(() => undefined);
    await testKafka?.stop();
  }
}

/** On a Kafka given with --kafka: creates the events topic now (its name is per run) and deletes it at the end. */
async function externalTopic(bootstrap: string, plan: RunPlan, topic: string): Promise<{ delete: () => Promise<void> }> {
  const client = createKafka(kafkaSettingsFromEnv(process.env, { bootstrap }),
    { run: plan.run.name, role: 'bench', logger: silentLogger });
  const admin = await client.connectedAdmin();
  try {
    await ensureTopics(admin, [{ name: topic, partitions: PARTITIONS }], { manage: true, logger: silentLogger });
  } catch (err) {
    await admin.disconnect();
    throw err;
  }
  return {
    delete: async () => {
      try {
        await deleteTopics(admin, [topic], { logger: silentLogger });
      } finally {
        await admin.disconnect();
      }
    },
  };
}
