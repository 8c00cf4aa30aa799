// The Kubernetes operations the operator and the cluster CLI use, as one interface (SPEC §15), so the decision
// logic and the commands never touch @kubernetes/client-node directly. Types only; kube-client.ts implements it.

import type { CoreV1Event, V1ConfigMap, V1Job, V1Pod } from '@kubernetes/client-node';
import type { IncidentBenchRun, RunStatus } from './run-resource.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchHandle {
  stop(): void;
}

/** A Kubernetes API error in one line: HTTP status, reason and the server's message. */
export class KubeApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string) {
    super(message);
    this.name = 'KubeApiError';
  }
  get conflict(): boolean { return this.status === 409 && this.reason !== 'AlreadyExists'; }
  get alreadyExists(): boolean { return this.status === 409 && this.reason === 'AlreadyExists'; }
  get notFound(): boolean { return this.status === 404; }
}

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  follow?: boolean;
}

export interface KubeApi {
  /** The namespace of the current kubeconfig context (or "default"). */
  readonly defaultNamespace: string;

  listRuns(namespace?: string): Promise<IncidentBenchRun[]>;
  getRun(namespace: string, name: string): Promise<IncidentBenchRun | null>;
  createRun(run: IncidentBenchRun): Promise<IncidentBenchRun>;
  /** Deletes the run (its finalizer then cleans up); a missing run is not an error (returns false). */
  deleteRun(namespace: string, name: string): Promise<boolean>;
  /** Sets metadata.finalizers with an optimistic-concurrency check on `resourceVersion` (409 → KubeApiError.conflict). */
  setRunFinalizers(run: IncidentBenchRun, finalizers: string[]): Promise<IncidentBenchRun>;
  /** Replaces the status subresource of `run` (its resourceVersion guards it; 409 → KubeApiError.conflict). */
  replaceRunStatus(run: IncidentBenchRun, status: RunStatus): Promise<IncidentBenchRun>;
  /**
   * Watches runs (all namespaces when `namespace` is undefined) from `resourceVersion` (or a fresh list);
   * `onDone` is called when the watch ends for any reason (the caller re-lists and re-watches).
   */
  watchRuns(namespace: string | undefined, onEvent: (type: WatchEventType, run: IncidentBenchRun) => void,
    onDone: (err: Error | null) => void, resourceVersion?: string): Promise<WatchHandle>;

  /** Jobs matching a label selector such as `incidentbench.io/run=r1`. */
  listJobs(namespace: string, labelSelector: string): Promise<V1Job[]>;
  /** Creates a Job; one that already exists is left as it is (returns false). */
  createJob(namespace: string, job: V1Job): Promise<boolean>;
  /** Deletes a Job and its pods (propagation Background); a missing Job is not an error. */
  deleteJob(namespace: string, name: string): Promise<void>;
  watchJobs(namespace: string | undefined, labelSelector: string, onEvent: (type: WatchEventType, job: V1Job) => void,
    onDone: (err: Error | null) => void): Promise<WatchHandle>;

  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** The pod's log text (follow = stream to `sink` until the container ends). */
  readPodLog(namespace: string, pod: string, o: PodLogOptions, sink: (chunk: string) => void): Promise<void>;

  getConfigMap(namespace: string, name: string): Promise<V1ConfigMap | null>;
  /** Creates a ConfigMap; one that already exists is left as it is (returns false). */
  createConfigMap(namespace: string, configMap: V1ConfigMap): Promise<boolean>;
  /** Decoded data of a Secret read by name, or null when it does not exist. */
  getSecret(namespace: string, name: string): Promise<Record<string, string> | null>;
  createEvent(namespace: string, event: CoreV1Event): Promise<void>;
}
