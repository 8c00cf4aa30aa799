// KubeApi over @kubernetes/client-node 1.x: every cluster operation the operator and the cluster CLI use, with
// errors mapped to one-line KubeApiErrors. Must not decide anything about runs; it only reads and writes objects.

import { Writable } from 'node:stream';
import {
  BatchV1Api, CoreV1Api, CustomObjectsApi, Log, PatchStrategy, Watch, setHeaderOptions,
  type CoreV1Event, type KubeConfig, type V1ConfigMap, type V1Job, type V1Pod,
} from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { KubeApiError, type KubeApi, type PodLogOptions, type WatchEventType, type WatchHandle } from './kube-api.js';
import { loadKubeconfig, type KubeconfigChoice } from './kube-client-config.js';
import { toKubeApiError, watchErrorToKubeApiError } from './kube-client-errors.js';
import { API_GROUP, API_VERSION, RUN_KIND, RUN_PLURAL, type IncidentBenchRun, type RunStatus } from './run-resource.js';

const RUNS = { group: API_GROUP, version: API_VERSION, plural: RUN_PLURAL };
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface ListOf<T> {
  items: T[];
}

export class KubeClient implements KubeApi {
  private readonly custom: CustomObjectsApi;
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly server: string;

  constructor(private readonly kc: KubeConfig, readonly defaultNamespace: string) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.server = kc.getCurrentCluster()?.server ?? '';
  }

  /** Loads the kubeconfig like kubectl (see kube-client-config.ts); a missing one is a one-line UsageError. */
  static fromKubeconfig(choice: KubeconfigChoice = {}): KubeClient {
    const { kubeConfig, namespace } = loadKubeconfig(choice);
    return new KubeClient(kubeConfig, namespace);
  }

  async listRuns(namespace?: string): Promise<IncidentBenchRun[]> {
    const what = namespace === undefined ? `${RUN_KIND}s in all namespaces` : `${RUN_KIND}s in namespace ${namespace}`;
    const list = await this.call('list', what, () => namespace === undefined
      ? this.custom.listClusterCustomObject({ ...RUNS })
      : this.custom.listNamespacedCustomObject({ ...RUNS, namespace })) as ListOf<IncidentBenchRun>;
    return list.items;
  }

  async getRun(namespace: string, name: string): Promise<IncidentBenchRun | null> {
    return this.orNull(this.call('get', runWhat(namespace, name),
      () => this.custom.getNamespacedCustomObject({ ...RUNS, namespace, name }) as Promise<IncidentBenchRun>));
  }

  async createRun(run: IncidentBenchRun): Promise<IncidentBenchRun> {
    const namespace = run.metadata.namespace ?? this.defaultNamespace;
    return this.call('create', runWhat(namespace, run.metadata.name),
      () => this.custom.createNamespacedCustomObject({ ...RUNS, namespace, body: run }) as Promise<IncidentBenchRun>);
  }

  async deleteRun(namespace: string, name: string): Promise<boolean> {
    const done = await this.orNull(this.call('delete', runWhat(namespace, name),
      () => this.custom.deleteNamespacedCustomObject({ ...RUNS, namespace, name }) as Promise<unknown>));
    return done !== null;
  }

  async setRunFinalizers(run: IncidentBenchRun, finalizers: string[]): Promise<IncidentBenchRun> {
    const namespace = run.metadata.namespace ?? this.defaultNamespace;
    const body = { metadata: { resourceVersion: run.metadata.resourceVersion, finalizers } };
    return this.call('set the finalizers of', runWhat(namespace, run.metadata.name),
      () => this.custom.patchNamespacedCustomObject({ ...RUNS, namespace, name: run.metadata.name, body }, MERGE_PATCH) as Promise<IncidentBenchRun>);
  }

  async replaceRunStatus(run: IncidentBenchRun, status: RunStatus): Promise<IncidentBenchRun> {
    const namespace = run.metadata.namespace ?? this.defaultNamespace;
    const body: IncidentBenchRun = { ...run, status };
    return this.call('update the status of', runWhat(namespace, run.metadata.name),
      () => this.custom.replaceNamespacedCustomObjectStatus({ ...RUNS, namespace, name: run.metadata.name, body }) as Promise<IncidentBenchRun>);
  }

  watchRuns(namespace: string | undefined, onEvent: (type: WatchEventType, run: IncidentBenchRun) => void,
    onDone: (err: Error | null) => void, resourceVersion?: string): Promise<WatchHandle> {
    const path = namespace === undefined
      ? `/apis/${API_GROUP}/${API_VERSION}/${RUN_PLURAL}`
      : `/apis/${API_GROUP}/${API_VERSION}/namespaces/${namespace}/${RUN_PLURAL}`;
    const what = namespace === undefined ? `${RUN_KIND}s in all namespaces` : `${RUN_KIND}s in namespace ${namespace}`;
    return this.watch(path, { resourceVersion }, what, (o) => o as IncidentBenchRun, onEvent, onDone);
  }

  async listJobs(namespace: string, labelSelector: string): Promise<V1Job[]> {
    const list = await this.call('list', `Jobs in namespace ${namespace} (${labelSelector})`,
      () => this.batch.listNamespacedJob({ namespace, labelSelector }));
    return list.items;
  }

  async createJob(namespace: string, job: V1Job): Promise<boolean> {
    return this.createUnlessExists(this.call('create', `Job ${namespace}/${job.metadata?.name ?? ''}`,
      () => this.batch.createNamespacedJob({ namespace, body: job })));
  }

  async deleteJob(namespace: string, name: string): Promise<void> {
    await this.orNull(this.call('delete', `Job ${namespace}/${name}`,
      () => this.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' })));
  }

  watchJobs(namespace: string | undefined, labelSelector: string, onEvent: (type: WatchEventType, job: V1Job) => void,
    onDone: (err: Error | null) => void): Promise<WatchHandle> {
    const path = namespace === undefined ? '/apis/batch/v1/jobs' : `/apis/batch/v1/namespaces/${namespace}/jobs`;
    const what = `Jobs in ${namespace === undefined ? 'all namespaces' : `namespace ${namespace}`} (${labelSelector})`;
    return this.watch(path, { labelSelector }, what, (o) => ObjectSerializer.deserialize(o, 'V1Job', '') as V1Job, onEvent, onDone);
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const list = await this.call('list', `pods in namespace ${namespace} (${labelSelector})`,
      () => this.core.listNamespacedPod({ namespace, labelSelector }));
    return list.items;
  }

  async readPodLog(namespace: string, pod: string, o: PodLogOptions, sink: (chunk: string) => void): Promise<void> {
    const what = `the log of pod ${namespace}/${pod}`;
    if (!o.follow) {
      const text = await this.call('read', what,
        () => this.core.readNamespacedPodLog({ namespace, name: pod, container: o.container, tailLines: o.tailLines }));
      if (text !== '') sink(text);
      return;
    }
    const container = o.container ?? (await this.firstContainer(namespace, pod));
    await new Promise<void>((resolve, reject) => {
      const decoder = new TextDecoder();
      const out = new Writable({
        write(chunk: Buffer, _enc, cb) {
          const text = decoder.decode(chunk, { stream: true });
          if (text !== '') sink(text);
          cb();
        },
        final(cb) {
          const rest = decoder.decode();
          if (rest !== '') sink(rest);
          cb();
        },
      });
      out.on('finish', resolve);
      out.on('error', reject);
      new Log(this.kc).log(namespace, pod, container, out, { follow: true, tailLines: o.tailLines })
        .catch((err: unknown) => reject(toKubeApiError(err, 'follow', what, this.server)));
    });
  }

  async getConfigMap(namespace: string, name: string): Promise<V1ConfigMap | null> {
    return this.orNull(this.call('get', `ConfigMap ${namespace}/${name}`, () => this.core.readNamespacedConfigMap({ namespace, name })));
  }

  async createConfigMap(namespace: string, configMap: V1ConfigMap): Promise<boolean> {
    return this.createUnlessExists(this.call('create', `ConfigMap ${namespace}/${configMap.metadata?.name ?? ''}`,
      () => this.core.createNamespacedConfigMap({ namespace, body: configMap })));
  }

  async getSecret(namespace: string, name: string): Promise<Record<string, string> | null> {
    const secret = await this.orNull(this.call('get', `Secret ${namespace}/${name}`, () => this.core.readNamespacedSecret({ namespace, name })));
    if (!secret) return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
    for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = v;
    return out;
  }

  async createEvent(namespace: string, event: CoreV1Event): Promise<void> {
    await this.call('create', `Event in namespace ${namespace} (${event.reason ?? ''})`,
      () => this.core.createNamespacedEvent({ namespace, body: event }));
  }

  private async call<T>(verb: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toKubeApiError(err, verb, what, this.server);
    }
  }

  private async orNull<T>(p: Promise<T>): Promise<T | null> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof KubeApiError && err.notFound) return null;
      throw err;
    }
  }

  private async createUnlessExists(p: Promise<unknown>): Promise<boolean> {
    try {
      await p;
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.alreadyExists) return false;
      throw err;
    }
  }

  private async firstContainer(namespace: string, pod: string): Promise<string> {
    const p = await this.call('get', `pod ${namespace}/${pod}`, () => this.core.readNamespacedPod({ namespace, name: pod }));
    const name = p.spec?.containers?.[0]?.name;
    if (!name) throw new KubeApiError(422, 'Invalid', `cannot follow the log of pod ${namespace}/${pod}: it has no containers`);
    return name;
  }

  /**
   * One watch: events go to `onEvent`; an ERROR event, a failed request or the end of the stream go once to `onDone`
   * (not after `stop()`).
   */
  private async watch<T>(path: string, params: Record<string, string | undefined>, what: string, convert: (o: unknown) => T,
    onEvent: (type: WatchEventType, obj: T) => void, onDone: (err: Error | null) => void): Promise<WatchHandle> {
    let finished = false;
    let controller: AbortController | undefined;
    const finish = (err: Error | null): void => {
      if (finished) return;
      finished = true;
      controller?.abort();
      onDone(err);
    };
    const query: Record<string, string> = { allowWatchBookmarks: 'true' };
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query[k] = v;
    controller = await new Watch(this.kc).watch(path, query,
      (type: string, obj: unknown) => {
        if (finished) return;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent(type, convert(obj));
        else if (type === 'ERROR') finish(watchErrorToKubeApiError(obj, what));
      },
      (err: unknown) => finish(err ? toKubeApiError(err, 'watch', what, this.server) : null));
    if (finished) controller.abort();
    return {
      stop: () => {
        finished = true;
        controller?.abort();
      },
    };
  }
}

function runWhat(namespace: string, name: string): string {
  return `${RUN_KIND} ${namespace}/${name}`;
}
