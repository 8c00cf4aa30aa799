// One query worker on an open-loop schedule (SPEC §7.4): at each due time a query is picked by weight and started
// whether or not earlier ones finished, up to max_in_flight (beyond: dropped and counted); latency counts from the
// due time, service time from the send; timeouts abort the request. Must not aggregate other workers.

import { streamContexts } from '../adapters/stream-contexts.js';
import { ERROR_CLASSES, type CompiledQuery, type QueryResult, type TargetAdapter } from '../adapters/types.js';
import type { WorkerTotals } from '../control/protocol.js';
import { workerId } from '../control/protocol.js';
import type { Logger } from '../core/logger.js';
import type { TimerHandle, Timers } from '../core/timers.js';
import { SecondPublisher } from '../metrics/second-publisher.js';
import { draw32 } from '../generators/hash.js';
import type { ProcBlock, WorkerSnapshot } from '../metrics/worker-snapshot.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { ArrivalSchedule, type Arrival } from './arrival-schedule.js';
import { QueryAccounting, type Outcome } from './query-accounting.js';
import { QueryMix } from './query-mix.js';
import { nameSlot } from './name-hash.js';
import { VariableBinder } from './variable-binder.js';

export interface QueryWorkerOptions {
  plan: RunPlan;
  group: string;
  index: number;
  adapter: TargetAdapter;
  /** Base URL the adapter sends this group's queries to (a prepare result's query endpoint). */
  endpoint: string;
  timers: Timers;
  logger: Logger;
  publish: (snapshot: WorkerSnapshot) => Promise<void>;
  sampleProc: () => ProcBlock;
}

interface Prepared {
  name: string;
  category: string | null;
  compiled: CompiledQuery;
  binder: VariableBinder;
  timeoutMs: number;
}

const TIMEOUT = Symbol('timeout');

export class QueryWorker {
  readonly id: string;
  private publishFailures = 0;

  constructor(private readonly o: QueryWorkerOptions) {
    this.id = workerId('query', o.index, o.group);
    if (!o.plan.queryRates.some((r) => r.group === o.group && r.worker === o.index)) {
      throw new RangeError(`query worker ${this.id} is not in the plan`);
    }
  }

  /** Runs the worker's arrivals from t0 and returns its counters (the `done` totals). */
  async run(t0: number, signal?: AbortSignal): Promise<WorkerTotals> {
    const { plan, timers, adapter } = this.o;
    const clock = timers.clock;
    const rate = plan.queryRates.find((r) => r.group === this.o.group && r.worker === this.o.index)!;
    const seed = draw32(plan.run.seed, this.o.index, nameSlot(this.o.group), 0x5157);
    const schedule = new ArrivalSchedule(t0, plan.phases.map((p, i) => ({ offsetS: p.offsetS, durationS: p.durationS,
      arrivals: rate.arrivals[i]! })), plan.scenario.arrivals, seed);
    const mix = new QueryMix(plan.scenario, this.o.group, seed);
    const streams = streamContexts(plan);
    const queries: Prepared[] = plan.scenario.queries.map((q) => ({
      name: q.name,
      category: q.category,
      compiled: adapter.compile(q, streams.find((s) => s.name === q.stream) ?? null),
      binder: new VariableBinder(plan, q, t0, seed),
      timeoutMs: q.timeoutMs,
    }));
    const accounting = new QueryAccounting(schedule.duePerSecond(),
      plan.phases.map((p, i) => ({ name: p.name, offsetS: p.offsetS, targetQps: rate.qps[i]! })), t0);
    const id = { run: plan.run.name, runId: plan.run.id, worker: this.id, group: this.o.group };
    const maxInFlight = plan.harness.maxInFlight;
    const inflight = new Set<AbortController>();
    const arrivals = schedule.arrivals();
    let next: Arrival | undefined = arrivals.next().value ?? undefined;
    let wake: TimerHandle | null = null;
    let phase = -1;
    let switchedAt: number | undefined;
    let settle!: () => void;
    const finished = new Promise<void>((r) => (settle = r));
    const checkDone = () => {
      if ((next === undefined || signal?.aborted) && inflight.size === 0) settle();
    };

    const start = (a: Arrival, nowMs: number) => {
      const qi = mix.pick(a.phase, a.index);
      if (qi === null) return;
      const q = queries[qi]!;
      if (inflight.size >= maxInFlight) {
        accounting.dropped(a.dueMs, q.name);
        return;
      }
      const ac = new AbortController();
      inflight.add(ac);
      accounting.started(a.dueMs, q.name, nowMs - a.dueMs);
      const timer = timers.after(q.timeoutMs, () => ac.abort(TIMEOUT));
      const sentMs = clock.nowMs();
      let vars;
      try {
        vars = q.binder.bind(a.index, sentMs);
      } catch (err) {
        vars = null;
        this.o.logger.warn('variable binding failed', { query: q.name, error: (err as Error).message });
      }
      const run: Promise<QueryResult> = vars === null
        ? Promise.resolve({ ok: false, hits: null, errorClass: 'bad_variable' })
        : adapter.execute(q.compiled, vars, this.o.endpoint, ac.signal);
      run.then((r) => r, (err: unknown): QueryResult => ({ ok: false, hits: null, errorClass: 'adapter_error',
        error: (err as Error)?.message ?? String(err) }))
        .then((r) => {
          timer.cancel();
          inflight.delete(ac);
          const doneMs = clock.nowMs();
          const outcome: Outcome = ac.signal.aborted && ac.signal.reason === TIMEOUT
            ? { kind: 'timeout' }
            : r.ok ? { kind: 'ok', hits: r.hits } : { kind: 'error', errorClass: r.errorClass ?? ERROR_CLASSES.parse };
          accounting.completed(a.dueMs, q.name, q.category, sentMs, doneMs, outcome);
          checkDone();
        });
    };

    const fire = () => {
      wake = null;
      if (signal?.aborted) return;
      const now = clock.nowMs();
      while (next !== undefined && next.dueMs <= now) {
        if (next.phase !== phase) {
          phase = next.phase;
          switchedAt = now;
        }
        start(next, now);
        next = arrivals.next().value ?? undefined;
      }
      if (next !== undefined) wake = timers.after(Math.max(0, next.dueMs - clock.nowMs()), fire);
      checkDone();
    };

    const publishSecond = (second: number) => {
      const sw = switchedAt !== undefined && Math.floor(switchedAt / 1000) === second ? switchedAt : undefined;
      const snap = accounting.snapshot(second, id, this.o.sampleProc(), sw);
      accounting.prune(second - 120);
      this.o.publish(snap).catch((e: unknown) => {
        this.publishFailures++;
        this.o.logger.warn('snapshot not published', { second, error: (e as Error).message });
      });
    };
    const onAbort = () => {
      (wake as TimerHandle | null)?.cancel();
      for (const ac of inflight) ac.abort(signal?.reason);
      checkDone();
    };
    signal?.addEventListener('abort', onAbort);
    const publisher = new SecondPublisher(timers, Math.floor(t0 / 1000), publishSecond);
    wake = timers.after(Math.max(0, (next?.dueMs ?? t0) - clock.nowMs()), fire);
    if (next === undefined) checkDone();
    await finished;
    // A worker finishes the timeline (its last seconds are published when they have passed).
    const endMs = t0 + 1000 * plan.totals.durationS;
    if (!signal?.aborted && clock.nowMs() < endMs + 150) {
      await new Promise<void>((resolve) => {
        const t = timers.after(endMs + 150 - clock.nowMs(), resolve);
        signal?.addEventListener('abort', () => {
          t.cancel();
          resolve();
        }, { once: true });
      });
    }
    signal?.removeEventListener('abort', onAbort);
    (wake as TimerHandle | null)?.cancel();
    publisher.finish(Math.floor(clock.nowMs() / 1000) - 1);
    if (accounting.unpublished > 0) publisher.finish(publisher.nextSecond);
    return accounting.totals();
  }

  get failedPublishes(): number {
    return this.publishFailures;
  }
}
