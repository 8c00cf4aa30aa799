// A fake Kubernetes API server for tests: node:http on 127.0.0.1 that @kubernetes/client-node talks to through a
// kubeconfig, plus plain-method test controls (inspect/put objects, pod logs, injected failures, request log).
// Must not be used outside tests; it implements only what IncidentBench uses.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApiRequest, sendJson, type HandlerContext } from './api-handler.js';
import { simulateJobPods, type SimulatePodsOptions } from './job-pods.js';
import { validateObject } from './object-validation.js';
import { PodLogs } from './pod-logs.js';
import { FailureInjector, type RecordedRequest } from './request-log.js';
import { resolveResource, resourceOfObject, resourceKey } from './resources.js';
import { statusErrors } from './status-errors.js';
import { ObjectStore } from './store.js';
import type { KubeObject, StoreEvent } from './types.js';
import { WatchRegistry } from './watch-stream.js';

export interface FakeKubeOptions {
  /** Require `Authorization: Bearer <token>` (401 otherwise). Default: no authentication. */
  token?: string;
  /** Validate built-in objects written through the API with kubernetes-models (default true). */
  validate?: boolean;
  /** Clock for timestamps. */
  now?: () => Date;
}

/** A loosely typed object as tests read it (cast to client-node types as needed). */
export type FakeObject = KubeObject;

export class FakeKube {
  /** Every API request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly store: ObjectStore;
  private readonly logs = new PodLogs();
  private readonly watches = new WatchRegistry();
  private readonly failures = new FailureInjector();
  private readonly ctx: HandlerContext;
  private server!: Server;
  private baseUrl = '';
  private closed = false;

  private constructor(private readonly opts: FakeKubeOptions) {
    this.store = new ObjectStore({ now: opts.now, validate: opts.validate === false ? undefined : validateObject });
    this.ctx = { store: this.store, logs: this.logs, watches: this.watches };
    this.store.subscribe((e) => this.endLogsOfFinishedPods(e));
  }

  static async start(opts: FakeKubeOptions = {}): Promise<FakeKube> {
    const fake = new FakeKube(opts);
    fake.server = createServer((req, res) => fake.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = fake.server.address() as AddressInfo;
    fake.baseUrl = `http://127.0.0.1:${addr.port}`;
    return fake;
  }

  /** The server URL for a kubeconfig (`http://127.0.0.1:<port>`). */
  get url(): string {
    return this.baseUrl;
  }

  /** The latest resourceVersion. */
  get resourceVersion(): string {
    return this.store.resourceVersion;
  }

  /** Objects of a type (`jobs`, `Job`, `incidentbenchruns`, `configmaps`, `pods`, `secrets`, `events`, `events.k8s.io`), sorted by namespace/name. */
  objects<T = FakeObject>(kind: string, namespace?: string): T[] {
    return this.store.list(resolveResource(kind), namespace) as T[];
  }

  get<T = FakeObject>(kind: string, namespace: string, name: string): T | undefined {
    return this.store.get(resolveResource(kind), namespace, name) as T | undefined;
  }

  /**
   * Sets an object directly (create or replace, status included, no concurrency check or validation); the type comes
   * from apiVersion + kind, the namespace from metadata.namespace (default "default"). Watchers see the change.
   */
  put<T extends object>(obj: T): T {
    const o = obj as unknown as KubeObject;
    const r = resourceOfObject(o.apiVersion, o.kind);
    if (!r) throw new Error(`fake-kube put: unknown apiVersion/kind ${String(o.apiVersion)}/${String(o.kind)}`);
    const ns = o.metadata?.namespace ?? 'default';
    const name = o.metadata?.name;
    if (!name) return this.store.create(r, ns, o, { force: true }) as unknown as T;
    return this.store.replace(r, ns, name, o, { force: true }) as unknown as T;
  }

  /** Reads an object, lets `change` edit it, and puts it back (see `put`). Throws when it does not exist. */
  update<T = FakeObject>(kind: string, namespace: string, name: string, change: (obj: T) => void): T {
    const obj = this.get<T>(kind, namespace, name);
    if (!obj) throw new Error(`fake-kube update: ${kind} ${namespace}/${name} does not exist`);
    change(obj);
    return this.put(obj as unknown as KubeObject) as unknown as T;
  }

  /** Deletes as the API does (finalizers → deletionTimestamp; dependents cascade). False when it did not exist. */
  delete(kind: string, namespace: string, name: string): boolean {
    const r = resolveResource(kind);
    if (!this.store.get(r, namespace, name)) return false;
    this.store.delete(r, namespace, name);
    return true;
  }

  setPodLog(namespace: string, pod: string, text: string): void {
    this.logs.set(namespace, pod, text);
  }

  /** Appends to a pod's log; `follow` readers receive it at once. */
  appendPodLog(namespace: string, pod: string, text: string): void {
    this.logs.append(namespace, pod, text);
  }

  /** Ends the `follow` log streams of a pod (also happens when the pod turns Succeeded/Failed or is deleted). */
  endPodLog(namespace: string, pod: string): void {
    this.logs.end(namespace, pod);
  }

  /** Open `follow` log streams. */
  get logFollowers(): number {
    return this.logs.followerCount;
  }

  /**
   * The next matching request (method or '*', path regex without query) is answered with a `status` Status
   * (reason from the code unless given); `times` arms it for that many requests.
   */
  failNext(method: string, path: RegExp, status: number, opts: { reason?: string; times?: number } = {}): void {
    this.failures.add(method, path, status, opts.reason, opts.times ?? 1);
  }

  /** Creates the pods of a Job (stored or given), one per completion index, owned by the Job. */
  simulatePods(job: FakeObject | { namespace: string; name: string }, o: SimulatePodsOptions = {}): FakeObject[] {
    const stored = 'metadata' in job ? job : this.get('jobs', job.namespace, job.name);
    if (!stored) throw new Error('fake-kube simulatePods: the Job does not exist');
    return simulateJobPods(this.store, stored as KubeObject, o);
  }

  /** Calls `listener` with every store change (returns the unsubscribe function). */
  onChange(listener: (e: StoreEvent) => void): () => void {
    return this.store.subscribe(listener);
  }

  /**
   * Resolves with `check()`'s first non-undefined/false result, re-checking after every store change; rejects with
   * `what` after `timeoutMs` (default 10 s). For "the operator has created X" waits.
   */
  waitFor<T>(check: () => T | undefined | null | false, what = 'condition', timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = check();
      if (first !== undefined && first !== null && first !== false) {
        resolve(first);
        return;
      }
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`fake-kube waitFor: ${what} not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.store.subscribe(() => {
        const v = check();
        if (v !== undefined && v !== null && v !== false) {
          clearTimeout(timer);
          unsubscribe();
          resolve(v);
        }
      });
    });
  }

  /** Ends every open watch stream (clients see the watch end and re-watch). */
  closeWatches(): void {
    this.watches.endAll();
  }

  /** Open watch streams. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Drops the change history: watches from an older resourceVersion get an ERROR 410 event. */
  expireWatchHistory(): void {
    this.store.expireHistory();
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watches.endAll();
    this.logs.endAll();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private endLogsOfFinishedPods(e: StoreEvent): void {
    if (e.resource !== resourceKey(resolveResource('pods'))) return;
    const phase = (e.object.status as { phase?: string } | undefined)?.phase;
    if (e.type === 'DELETED' || phase === 'Succeeded' || phase === 'Failed') {
      this.logs.end(e.object.metadata.namespace ?? '', e.object.metadata.name ?? '');
    }
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.baseUrl);
      const bodyText = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = bodyText === '' ? undefined : JSON.parse(bodyText);
      } catch {
        body = undefined;
      }
      const method = req.method ?? 'GET';
      this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'] ?? '', body });
      if (this.opts.token !== undefined && req.headers.authorization !== `Bearer ${this.opts.token}`) {
        sendJson(res, 401, statusErrors.unauthorized().body());
        return;
      }
      const injected = this.failures.take(method, url.pathname);
      if (injected) {
        sendJson(res, injected.code, injected.body());
        return;
      }
      handleApiRequest(this.ctx, req, url, bodyText, res);
    });
  }
}
