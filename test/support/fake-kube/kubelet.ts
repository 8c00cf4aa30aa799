// A simulated Job controller + kubelet for the fake API server: every new Job gets its pods (as simulatePods makes
// them), each pod's container runs as a real `node dist/src/cli/main.js <args>` process, and pod and Job status follow
// the processes (Pending → Running → Succeeded/Failed; Complete, or Failed with BackoffLimitExceeded). Deleting a Job
// or pod stops its process. Must not be used outside tests, nor signal any process it did not start.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeKube } from './fake-kube.js';
import { JOB_NAME_LABEL } from './job-pods.js';
import { jobFinished, jobStatus } from './job-status.js';
import { isBlocked, preparePodLaunch, type ObjectLookup } from './pod-launch.js';
import { PodProcess } from './pod-process.js';
import { kubeTime, runningStatus, terminatedStatus, waitingStatus } from './pod-status.js';
import { resolveResource, resourceKey } from './resources.js';
import type { KubeObject, StoreEvent } from './types.js';
import { CLI } from '../run-cli.js';

export interface FakeKubeletOptions {
  fake: FakeKube;
  /** The CLI every container runs (default: the built dist/src/cli/main.js). */
  cliPath?: string;
  /** Pod folders (volumes, working directories) are made under it; removed again by stop(). */
  workDir: string;
  /** Added to every container's environment, last. */
  env?: Record<string, string>;
  /** Flags for node before the CLI path (default --enable-source-maps). */
  nodeArgs?: string[];
}

/** One pod the kubelet ran (or tried to): for assertions and timings. */
export interface PodRecord {
  namespace: string;
  pod: string;
  job: string;
  /** The args as run (mount paths rewritten); empty while the pod is blocked. */
  args: string[];
  /** Why the container has not started (e.g. CreateContainerConfigError), or null. */
  waiting: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  exitCode: number | null;
  /** Its stdout + stderr so far. */
  log: string;
}

interface PodRun {
  record: PodRecord;
  dir: string;
  startTime: string;
  jobUid: string;
  process: PodProcess | null;
  gone: boolean;
}

const JOBS = resourceKey(resolveResource('jobs'));
const PODS = resourceKey(resolveResource('pods'));
const SECRETS = resourceKey(resolveResource('secrets'));
const CONFIGMAPS = resourceKey(resolveResource('configmaps'));
const LOG_KEEP = 64 * 1024;

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
const objKey = (o: KubeObject) => keyOf(o.metadata.namespace ?? 'default', o.metadata.name ?? '');

export class FakeKubelet {
  private readonly fake: FakeKube;
  /** uids of the Jobs whose pods were made. */
  private readonly seenJobs = new Set<string>();
  private readonly runs = new Map<string, PodRun>();
  private readonly blocked = new Set<string>();
  private readonly lookup: ObjectLookup;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  private podSeq = 0;

  private constructor(private readonly o: FakeKubeletOptions) {
    this.fake = o.fake;
    this.lookup = (kind, namespace, name) => this.fake.get(kind, namespace, name);
  }

  /** Starts watching the fake server's Jobs (Jobs that exist already are started too). */
  static start(o: FakeKubeletOptions): FakeKubelet {
    const k = new FakeKubelet(o);
    k.unsubscribe = o.fake.onChange((e) => setImmediate(() => k.onEvent(e)));
    for (const job of o.fake.objects('jobs')) k.startJob(job);
    return k;
  }

  /** Every pod so far, in start order. */
  get pods(): PodRecord[] {
    return [...this.runs.values()].map((r) => r.record);
  }

  /** Stops watching, stops every process it started (SIGTERM, SIGKILL after the grace) and waits for them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    await Promise.all([...this.runs.values()].map((r) => r.process?.stop()));
    for (const r of this.runs.values()) rmSync(r.dir, { recursive: true, force: true });
  }

  private onEvent(e: StoreEvent): void {
    if (this.stopped) return;
    const going = e.type === 'DELETED' || e.object.metadata.deletionTimestamp !== undefined;
    if (e.resource === JOBS) {
      if (going) this.stopJobPods(e.object);
      else this.startJob(e.object);
    } else if (e.resource === PODS && going) {
      const run = this.runs.get(objKey(e.object));
      if (run && !run.gone) {
        run.gone = true;
        this.blocked.delete(objKey(e.object));
        void run.process?.stop();
      }
    } else if ((e.resource === SECRETS || e.resource === CONFIGMAPS) && e.type !== 'DELETED') {
      for (const key of [...this.blocked]) this.tryStart(key);
    }
  }

  private startJob(seen: KubeObject): void {
    // Events are handled a tick late: act on the Job as it is now (it may be gone or replaced).
    const job = this.fake.get('jobs', seen.metadata.namespace ?? 'default', seen.metadata.name ?? '');
    if (job === undefined || job.metadata.uid !== seen.metadata.uid) return;
    const key = job.metadata.uid ?? objKey(job);
    if (this.seenJobs.has(key) || job.metadata.deletionTimestamp !== undefined || jobFinished(job)) return;
    this.seenJobs.add(key);
    const pods = this.fake.simulatePods(job, { phase: 'Pending' });
    for (const pod of pods) {
      const podKey = objKey(pod);
      const dir = join(this.o.workDir, `${pod.metadata.name ?? 'pod'}-${++this.podSeq}`);
      this.runs.set(podKey, {
        record: { namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name ?? '', job: job.metadata.name ?? '', args: [],
          waiting: null, startedAt: null, finishedAt: null, exitCode: null, log: '' },
        dir, startTime: kubeTime(), jobUid: job.metadata.uid ?? '', process: null, gone: false,
      });
    }
    this.updateJob(job.metadata.namespace ?? 'default', job.metadata.name ?? '');
    for (const pod of pods) this.tryStart(objKey(pod));
  }

  /** Starts the pod's container, or leaves the pod waiting (retried when Secrets or ConfigMaps change). */
  private tryStart(podKey: string): void {
    const run = this.runs.get(podKey);
    const r = run?.record;
    const pod = r ? this.fake.get('pods', r.namespace, r.pod) : undefined;
    if (!run || !r || !pod || run.gone || run.process !== null) {
      this.blocked.delete(podKey);
      return;
    }
    const launch = preparePodLaunch({
      pod, podDir: run.dir, lookup: this.lookup, extraEnv: this.o.env,
      baseEnv: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: run.dir },
    });
    if (isBlocked(launch)) {
      this.blocked.add(podKey);
      if (r.waiting !== `${launch.reason}: ${launch.message}`) {
        r.waiting = `${launch.reason}: ${launch.message}`;
        this.setPodStatus(r, waitingStatus(pod, launch.reason, launch.message, run.startTime));
      }
      return;
    }
    this.blocked.delete(podKey);
    r.waiting = null;
    r.args = launch.args;
    const proc = new PodProcess({
      cliPath: this.o.cliPath ?? CLI, nodeArgs: this.o.nodeArgs ?? ['--enable-source-maps'], args: launch.args, env: launch.env, cwd: launch.cwd,
      onOutput: (text) => {
        r.log = (r.log + text).slice(-LOG_KEEP);
        if (!run.gone) this.fake.appendPodLog(r.namespace, r.pod, text);
      },
    });
    run.process = proc;
    r.startedAt = proc.startedAt;
    this.setPodStatus(r, runningStatus(pod, run.startTime, kubeTime(proc.startedAt)));
    void proc.exited.then((exit) => {
      r.exitCode = exit.exitCode;
      r.finishedAt = exit.finishedAt;
      const current = this.fake.get('pods', r.namespace, r.pod);
      if (!run.gone && current !== undefined && !this.stopped) {
        this.setPodStatus(r, terminatedStatus(current, { exitCode: exit.exitCode, log: r.log, startTime: run.startTime,
          startedAt: kubeTime(proc.startedAt), finishedAt: kubeTime(exit.finishedAt) }));
      }
      if (!this.stopped) this.updateJob(r.namespace, r.job);
    });
  }

  private setPodStatus(r: PodRecord, status: Record<string, unknown>): void {
    if (this.fake.get('pods', r.namespace, r.pod) === undefined) return;
    this.fake.update<KubeObject>('pods', r.namespace, r.pod, (p) => {
      p.status = status;
    });
  }

  /** Writes the Job's status from its pods; a Job that just failed gets its other pods stopped (as the controller does). */
  private updateJob(namespace: string, name: string): void {
    const job = this.fake.get('jobs', namespace, name);
    if (job === undefined || job.metadata.deletionTimestamp !== undefined) return;
    const uid = job.metadata.uid ?? '';
    const pods = this.fake.objects('pods', namespace).filter((p) => p.metadata.labels?.[JOB_NAME_LABEL] === name
      && (p.metadata.ownerReferences ?? []).some((o) => o.uid === uid));
    const wasFinished = jobFinished(job);
    const status = jobStatus(job, pods);
    this.fake.update<KubeObject>('jobs', namespace, name, (j) => {
      j.status = status;
    });
    const failed = (status.conditions ?? []).some((c) => c.type === 'Failed' && c.status === 'True');
    if (failed && !wasFinished) {
      for (const run of this.runs.values()) if (run.jobUid === uid && run.process?.isRunning) void run.process.stop();
    }
  }

  /** A Job going away stops its processes (its pods go with it, or are stopped and then garbage-collected). */
  private stopJobPods(job: KubeObject): void {
    const uid = job.metadata.uid ?? '';
    for (const [key, run] of this.runs) {
      if (run.jobUid !== uid) continue;
      this.blocked.delete(key);
      void run.process?.stop();
    }
  }
}
