// The operator's I/O layer (SPEC §15.2): lists and watches IncidentBenchRuns and their Jobs, and for each run in its
// own work queue observes → decides (decide.ts) → acts, writing status with conflict retries, emitting events,
// following the live topic and writing the report. Must not make lifecycle decisions itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from '../../core/logger.js';
import { systemTimers, type Timers } from '../../core/timers.js';
import { OPERATOR_NAME } from './child-meta.js';
import { decide, DEFAULT_DECIDE_OPTIONS, type DecideOptions } from './decide.js';
import type { Action } from './decision.js';
import { KubeApiError, type KubeApi, type WatchHandle } from './kube-api.js';
import { LiveFollower, type LiveSource } from './live-follower.js';
import { observeRun } from './observe.js';
import type { ObservedLive, ObservedRun } from './observed-run.js';
import { writeRunReport } from './report-writer.js';
import { runKafkaSettings } from './run-kafka-settings.js';
import { RunQueue } from './run-queue.js';
import { FINALIZER, RUN_API_VERSION, RUN_KIND, RUN_LABEL, type IncidentBenchRun } from './run-resource.js';

export interface LiveSourceRequest {
  run: IncidentBenchRun;
  topic: string;
  runId: string | null;
  onChange: () => void;
}

export interface OperatorOptions {
  api: KubeApi;
  /** Watch one namespace; undefined = all namespaces. */
  namespace?: string;
  logger: Logger;
  timers?: Timers;
  /** Image of the run's pods when the spec names none. */
  image?: string;
  /** Overrides of the decision delays (tests use short ones). */
  decide?: Partial<DecideOptions>;
  kafkaConnectTimeoutMs?: number;
  /** How long reading the run's topics for the report may take, s (default 60). */
  reportTimeoutS?: number;
  /** Wait before re-listing after a watch ended (default 1 s). */
  rewatchMs?: number;
  /** Wait before retrying a reconcile that threw (default 5 s). */
  errorRetryMs?: number;
  /** Where a run's live topic is read from (default: a LiveFollower on Kafka). */
  liveSource?: (r: LiveSourceRequest) => LiveSource;
}

interface Followed {
  source: LiveSource;
  runId: string | null;
}

/** Conflicting writes re-read the run and decide again at most this many times per pass. */
const CONFLICT_RETRIES = 3;

export class Operator {
  private readonly timers: Timers;
  private readonly decideOpts: DecideOptions;
  private readonly queue: RunQueue;
  private readonly followers = new Map<string, Followed>();
  private readonly reportErrors = new Map<string, string>();
  private readonly secretDir: string;
  private watches: WatchHandle[] = [];
  private started = false;
  private stopped = false;
  private listed = false;
  private rewatchTimer: { cancel(): void } | null = null;

  constructor(private readonly o: OperatorOptions) {
    this.timers = o.timers ?? systemTimers;
    this.decideOpts = { ...DEFAULT_DECIDE_OPTIONS, ...o.decide };
    this.queue = new RunQueue(this.timers, (key) => this.reconcile(key));
    this.secretDir = mkdtempSync(join(tmpdir(), 'ib-operator-'));
  }

  /** True after the first list of runs (readiness). */
  get ready(): boolean {
    return this.listed && !this.stopped;
  }

  /** True between start() and stop() (liveness). */
  get live(): boolean {
    return this.started && !this.stopped;
  }

  /** Lists every run (reconciling each), then watches runs and their Jobs. */
  async start(): Promise<void> {
    this.started = true;
    await this.listAndWatch();
    this.listed = true;
    this.o.logger.info('operator started', { namespace: this.o.namespace ?? '(all)' });
  }

  /** Stops watching, lets reconciles in progress finish, and stops every live-topic reader. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.rewatchTimer?.cancel();
    this.queue.stop();
    for (const w of this.watches.splice(0)) w.stop();
    await this.queue.idle();
    await Promise.all([...this.followers.values()].map((f) => f.source.stop().catch(() => undefined)));
    this.followers.clear();
    rmSync(this.secretDir, { recursive: true, force: true });
    this.o.logger.info('operator stopped');
  }

  /** Reconciles a run now (as a watch event would). */
  trigger(namespace: string, name: string): void {
    this.queue.trigger(`${namespace}/${name}`);
  }

  /** Resolves when no reconcile is running (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async listAndWatch(): Promise<void> {
    const api = this.o.api;
    const ns = this.o.namespace;
    for (const w of this.watches.splice(0)) w.stop();
    const runs = await api.listRuns(ns);
    for (const r of runs) this.queue.trigger(keyOf(r));
    const onDone = (err: Error | null): void => this.watchEnded(err);
    this.watches.push(await api.watchRuns(ns, (_type, run) => this.queue.trigger(keyOf(run)), onDone));
    this.watches.push(await api.watchJobs(ns, RUN_LABEL, (_type, job) => {
      const run = job.metadata?.labels?.[RUN_LABEL];
      const jobNs = job.metadata?.namespace;
      if (run !== undefined && jobNs !== undefined) this.queue.trigger(`${jobNs}/${run}`);
    }, onDone));
  }

  private watchEnded(err: Error | null): void {
    if (this.stopped || this.rewatchTimer !== null) return;
    if (err !== null) this.o.logger.warn('watch ended; listing again', { error: err.message });
    this.rewatchTimer = this.timers.after(this.o.rewatchMs ?? 1_000, () => {
      this.rewatchTimer = null;
      if (this.stopped) return;
      this.listAndWatch().catch((e: unknown) => this.watchEnded(e instanceof Error ? e : new Error(String(e))));
    });
  }

  private async reconcile(key: string): Promise<number | null> {
    const [ns, name] = splitKey(key);
    try {
      for (let attempt = 0; ; attempt++) {
        const run = await this.o.api.getRun(ns, name);
        if (run === null) {
          await this.unfollow(key);
          this.reportErrors.delete(key);
          this.queue.forget(key);
          return null;
        }
        const observed = await observeRun(this.o.api, run, this.liveOf(key), { image: this.o.image });
        const decision = decide(observed, this.timers.clock.nowMs(), this.decideOpts);
        const done = await this.act(key, run, observed, decision.actions);
        if (done || attempt >= CONFLICT_RETRIES) return decision.requeueAfterMs;
        this.o.logger.debug('conflicting write; deciding again', { run: key });
      }
    } catch (err) {
      this.o.logger.error('reconcile failed; retrying', { run: key, error: err instanceof Error ? err.message : String(err) });
      return this.o.errorRetryMs ?? 5_000;
    }
  }

  /** Carries out the actions in order; false when a write conflicted (the caller re-reads and decides again). */
  private async act(key: string, run: IncidentBenchRun, observed: ObservedRun, actions: Action[]): Promise<boolean> {
    const api = this.o.api;
    const ns = run.metadata.namespace ?? api.defaultNamespace;
    const log = this.o.logger.child({ run: run.metadata.name });
    let cur = run;
    try {
      for (const a of actions) {
        switch (a.kind) {
          case 'addFinalizer':
            cur = await api.setRunFinalizers(cur, [...(cur.metadata.finalizers ?? []).filter((f) => f !== FINALIZER), FINALIZER]);
            break;
          case 'removeFinalizer':
            cur = await api.setRunFinalizers(cur, (cur.metadata.finalizers ?? []).filter((f) => f !== FINALIZER));
            break;
          case 'createConfigMap':
            await api.createConfigMap(ns, a.object);
            break;
          case 'createJob':
            if (await api.createJob(ns, a.object)) log.info('created Job', { job: a.object.metadata?.name });
            break;
          case 'deleteJob':
            await api.deleteJob(ns, a.name);
            log.info('deleted Job', { job: a.name });
            break;
          case 'setStatus':
            cur = await api.replaceRunStatus(cur, a.status);
            break;
          case 'event':
            await api.createEvent(ns, this.eventOf(cur, ns, a)).catch((err: unknown) => {
              log.warn('cannot record an event', { reason: a.reason, error: err instanceof Error ? err.message : String(err) });
            });
            log[a.type === 'Warning' ? 'warn' : 'info'](a.message, { reason: a.reason });
            break;
          case 'followLive':
            this.follow(key, cur, observed);
            break;
          case 'stopFollowing':
            await this.unfollow(key);
            break;
          case 'writeReport':
            await this.writeReport(key, cur);
            this.queue.trigger(key);
            break;
        }
      }
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.conflict) return false;
      throw err;
    }
  }

  private eventOf(run: IncidentBenchRun, ns: string, a: Action & { kind: 'event' }): CoreV1Event {
    const now = new Date(this.timers.clock.nowMs());
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${run.metadata.name}.`, namespace: ns },
      involvedObject: {
        apiVersion: RUN_API_VERSION, kind: RUN_KIND, name: run.metadata.name, namespace: ns,
        uid: run.metadata.uid, resourceVersion: run.metadata.resourceVersion,
      },
      reason: a.reason,
      message: a.message,
      type: a.type,
      source: { component: OPERATOR_NAME },
      reportingComponent: `incidentbench.io/${OPERATOR_NAME}`,
      reportingInstance: hostname(),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
  }

  private liveOf(key: string): ObservedLive {
    const f = this.followers.get(key);
    const v = f?.source.view();
    return {
      following: f !== undefined,
      state: v?.state ?? null,
      point: v?.point ?? null,
      summary: v?.summary ?? null,
      kafkaError: v?.kafkaError ?? null,
      reportError: this.reportErrors.get(key) ?? null,
    };
  }

  private follow(key: string, run: IncidentBenchRun, observed: ObservedRun): void {
    const runId = run.status?.runId ?? null;
    const existing = this.followers.get(key);
    if (existing !== undefined && existing.runId === runId) return;
    if (existing !== undefined) void existing.source.stop();
    const planning = observed.planning;
    const topic = planning?.kind === 'ok' ? planning.plan.kafka.topics.live : `ib.${run.metadata.name}.live`;
    const onChange = (): void => this.queue.trigger(key);
    const source = this.o.liveSource
      ? this.o.liveSource({ run, topic, runId, onChange })
      : new LiveFollower({
        run: run.metadata.name, runId, topic, logger: this.o.logger.child({ run: run.metadata.name, role: 'operator' }),
        timers: this.timers, onChange,
        settings: () => runKafkaSettings(this.o.api, run, { secretDir: this.secretDir, connectTimeoutMs: this.o.kafkaConnectTimeoutMs ?? 10_000 }),
      });
    this.followers.set(key, { source, runId });
  }

  private async unfollow(key: string): Promise<void> {
    const f = this.followers.get(key);
    if (f === undefined) return;
    this.followers.delete(key);
    await f.source.stop().catch(() => undefined);
  }

  private async writeReport(key: string, run: IncidentBenchRun): Promise<void> {
    const log = this.o.logger.child({ run: run.metadata.name });
    try {
      const settings = await runKafkaSettings(this.o.api, run, { secretDir: this.secretDir, connectTimeoutMs: this.o.kafkaConnectTimeoutMs ?? 10_000 });
      const written = await writeRunReport(this.o.api, run, settings, log, this.timers, this.timers.clock.nowMs(), this.o.reportTimeoutS ?? 60);
      this.reportErrors.delete(key);
      log.info('wrote the report ConfigMap', { configMap: written.name, html: written.hasHtml, htmlGzBytes: written.htmlGzBytes });
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      this.reportErrors.set(key, message);
      log.warn('cannot write the report', { error: message });
    }
  }
}

function keyOf(run: IncidentBenchRun): string {
  return `${run.metadata.namespace ?? 'default'}/${run.metadata.name}`;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
