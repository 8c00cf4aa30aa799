// Session mode (SPEC §7.5): simulated users run ticks — per category `parallelism` queries at once (round-robin or
// weighted) — the next tick starting when all have finished plus think time. Query latency counts from the tick's
// start; the tick's duration is the page latency. Must not run the open-loop schedule (query-worker.ts does).

import { streamContexts } from '../adapters/stream-contexts.js';
import { ERROR_CLASSES, type CompiledQuery, type QueryResult } from '../adapters/types.js';
import { workerId, type WorkerTotals } from '../control/protocol.js';
import { draw32, unit } from '../generators/hash.js';
import { SecondPublisher } from '../metrics/second-publisher.js';
import { sessionOf, usersPerPhase } from '../scenario/session-mode.js';
import type { ResolvedQuery } from '../scenario/resolved.js';
import { nameSlot } from './name-hash.js';
import { QueryAccounting, type Outcome } from './query-accounting.js';
import type { QueryWorkerOptions } from './query-worker.js';
import { VariableBinder } from './variable-binder.js';


interface Category {
  name: string;
  iteration: 'sequential' | 'weighted_random';
  parallelism: number;
  queries: { q: ResolvedQuery; compiled: CompiledQuery; binder: VariableBinder; cumulative: number }[];
}

const TIMEOUT = Symbol('timeout');

export class SessionWorker {
  readonly id: string;

  constructor(private readonly o: QueryWorkerOptions) {
    this.id = workerId('query', o.index, o.group);
  }

  async run(t0: number, signal?: AbortSignal): Promise<WorkerTotals> {
    const { plan, timers, adapter } = this.o;
    const clock = timers.clock;
    const session = sessionOf(plan);
    if (!session) throw new RangeError('session worker started for a plan without session mode');
    const seed = draw32(plan.run.seed, this.o.index, nameSlot(this.o.group), 0x5345);
    const streams = streamContexts(plan);
    const categories: Category[] = session.categories.map((c) => {
      const total = c.queries.reduce((a, q) => a + q.weight, 0) || 1;
      let acc = 0;
      return { name: c.name, iteration: c.iteration, parallelism: c.parallelism, queries: c.queries.map((q) => {
        acc += q.weight / total;
        return { q, compiled: adapter.compile(q, streams.find((s) => s.name === q.stream) ?? null),
          binder: new VariableBinder(plan, q, t0, seed), cumulative: acc };
      }) };
    });
    const users = usersPerPhase(plan, this.o.group, this.o.index);
    const rate = plan.queryRates.find((r) => r.group === this.o.group && r.worker === this.o.index);
    const accounting = new QueryAccounting(new Map(),
      plan.phases.map((p, i) => ({ name: p.name, offsetS: p.offsetS, targetQps: rate?.qps[i] ?? 0 })), t0);
    const id = { run: plan.run.name, runId: plan.run.id, worker: this.id, group: this.o.group };
    const endMs = t0 + 1000 * plan.totals.durationS;
    const phaseAt = (ms: number) => {
      let p = -1;
      for (let i = 0; i < plan.phases.length; i++) if (ms >= t0 + 1000 * plan.phases[i]!.offsetS) p = i;
      return p;
    };
    // A wait that an abort ends early; its abort listener goes with it (think time makes one per tick).
    const sleep = (ms: number) => new Promise<void>((resolve) => {
      const onAbort = () => {
        t.cancel();
        resolve();
      };
      const t = timers.after(Math.max(0, ms), () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    let draws = 0;

    const runQuery = async (entry: Category['queries'][number], category: string, tickStart: number): Promise<void> => {
      const ac = new AbortController();
      const onAbort = () => ac.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      accounting.issued(tickStart);
      accounting.started(tickStart, entry.q.name, clock.nowMs() - tickStart);
      const timer = timers.after(entry.q.timeoutMs, () => ac.abort(TIMEOUT));
      const sent = clock.nowMs();
      const r: QueryResult = await adapter.execute(entry.compiled, entry.binder.bind(draws++, sent), this.o.endpoint, ac.signal)
        .catch((err: unknown) => ({ ok: false, hits: null, errorClass: 'adapter_error', error: String(err) }));
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
      const outcome: Outcome = ac.signal.aborted && ac.signal.reason === TIMEOUT ? { kind: 'timeout' }
        : r.ok ? { kind: 'ok', hits: r.hits } : { kind: 'error', errorClass: r.errorClass ?? ERROR_CLASSES.parse };
      accounting.completed(tickStart, entry.q.name, category, sent, clock.nowMs(), outcome);
    };

    const user = async (u: number): Promise<void> => {
      const cursor = new Map<string, number>();
      while (!signal?.aborted) {
        const now = clock.nowMs();
        if (now >= endMs) return;
        const p = phaseAt(now);
        if (p < 0 || u >= users[p]!) {
          // Not active now: wait for the next phase in which this user is.
          let next = -1;
          for (let i = p + 1; i < plan.phases.length; i++) if (u < users[i]!) { next = i; break; }
          if (next < 0) return;
          await sleep(t0 + 1000 * plan.phases[next]!.offsetS - now);
          continue;
        }
        const tickStart = now;
        const batch: Promise<void>[] = [];
        for (const c of categories) {
          for (let k = 0; k < c.parallelism; k++) {
            let entry;
            if (c.iteration === 'sequential') {
              const i = cursor.get(c.name) ?? 0;
              entry = c.queries[i % c.queries.length]!;
              cursor.set(c.name, i + 1);
            } else {
              const x = unit(seed, draws++, nameSlot(c.name), u);
              entry = c.queries.find((e) => x < e.cumulative) ?? c.queries[c.queries.length - 1]!;
            }
            batch.push(runQuery(entry, c.name, tickStart));
          }
        }
        await Promise.all(batch);
        accounting.page(tickStart, clock.nowMs());
        if (session.thinkTimeMs > 0) await sleep(session.thinkTimeMs);
      }
    };

    const publisher = new SecondPublisher(timers, Math.floor(t0 / 1000), (second) => {
      const snap = accounting.snapshot(second, id, this.o.sampleProc());
      accounting.prune(second - 120);
      this.o.publish(snap).catch(() => undefined);
    });
    const startWait = t0 - clock.nowMs();
    if (startWait > 0) await sleep(startWait);
    const maxUsers = Math.max(0, ...users);
    await Promise.all(Array.from({ length: maxUsers }, (_, u) => user(u)));
    if (!signal?.aborted && clock.nowMs() < endMs + 150) await sleep(endMs + 150 - clock.nowMs());
    publisher.finish(Math.floor(clock.nowMs() / 1000) - 1);
    if (accounting.unpublished > 0) publisher.finish(publisher.nextSecond);
    return accounting.totals();
  }
}
