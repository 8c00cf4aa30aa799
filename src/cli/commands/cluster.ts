// The cluster commands of SPEC §14 — `status <run>`, `list`, `delete <run>`, `logs <run>` — over the
// IncidentBenchRun resource through KubeApi. Must not change a run other than deleting it on request.

import type { Command } from 'commander';
import { RunError, UsageError } from '../../core/errors.js';
import { KubeApiError, type KubeApi } from '../../control/k8s/kube-api.js';
import { FINALIZER, RUN_LABEL } from '../../control/k8s/run-resource.js';
import { didYouMean } from '../../scenario/suggest.js';
import { wholeNumber } from '../flag-values.js';
import { formatRunStatus, formatRunTable, LinePrefixer, sortByWorker, workerId } from '../cluster-view.js';

interface ClusterFlags {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
}

/** How often `delete --wait` looks whether the run is gone. */
const DELETE_POLL_MS = 500;

function withClusterOptions(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <ns>', 'namespace (default: the kubeconfig context\'s)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: the current one)');
}

/** Loads client-node only when a cluster command runs (it costs every other command about a second). */
async function connect(f: ClusterFlags): Promise<{ kube: KubeApi; namespace: string }> {
  const { KubeClient } = await import('../../control/k8s/kube-client.js');
  const kube = KubeClient.fromKubeconfig({ kubeconfig: f.kubeconfig, context: f.context, namespace: f.namespace });
  return { kube, namespace: kube.defaultNamespace };
}

/** Cluster failures become one-line RunErrors (exit 1). */
async function cluster<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof KubeApiError) throw new RunError(err.message);
    throw err;
  }
}

async function notFound(kube: KubeApi, namespace: string, name: string): Promise<RunError> {
  let hint = '';
  try {
    hint = didYouMean(name, (await kube.listRuns(namespace)).map((r) => r.metadata.name));
  } catch {
    hint = '';
  }
  return new RunError(`run "${name}" not found in namespace "${namespace}"${hint}; \`incidentbench list -n ${namespace}\` shows the runs there`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function registerClusterCommands(program: Command): void {
  withClusterOptions(program.command('status')
    .description('show a cluster run (IncidentBenchRun): phase, progress, conditions, results and where the report is')
    .argument('<run>', 'run name')
    .option('--json', 'print the IncidentBenchRun as JSON'))
    .action(async (name: string, f: ClusterFlags & { json?: boolean }) => cluster(async () => {
      const { kube, namespace } = await connect(f);
      const run = await kube.getRun(namespace, name);
      if (!run) throw await notFound(kube, namespace, name);
      process.stdout.write(f.json ? `${JSON.stringify(run, null, 2)}\n` : formatRunStatus(run, new Date()));
    }));

  withClusterOptions(program.command('list')
    .description('list cluster runs: NAME PHASE BENCHMARK-PHASE ELAPSED VALID DEGRADATION AGE')
    .option('-A, --all-namespaces', 'list runs in every namespace')
    .option('--json', 'print the runs as a JSON array'))
    .action(async (f: ClusterFlags & { json?: boolean; allNamespaces?: boolean }) => cluster(async () => {
      const { kube, namespace } = await connect(f);
      const runs = await kube.listRuns(f.allNamespaces ? undefined : namespace);
      if (f.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (runs.length === 0) {
        process.stderr.write(f.allNamespaces ? 'no runs in any namespace\n' : `no runs in namespace "${namespace}"\n`);
        return;
      }
      process.stdout.write(formatRunTable(runs, f.allNamespaces === true, new Date()));
    }));

  withClusterOptions(program.command('delete')
    .description('delete a cluster run; the operator\'s finalizer cleans up its topics and target objects first')
    .argument('<run>', 'run name')
    .option('--wait', 'wait until the run is gone')
    .option('--timeout <s>', 'with --wait: give up after this many seconds', wholeNumber('--timeout', 1), 300))
    .action(async (name: string, f: ClusterFlags & { wait?: boolean; timeout: number }) => cluster(async () => {
      const { kube, namespace } = await connect(f);
      const run = await kube.getRun(namespace, name);
      if (!run || !(await kube.deleteRun(namespace, name))) throw await notFound(kube, namespace, name);
      const cleans = run.metadata.finalizers?.includes(FINALIZER) === true;
      process.stdout.write(`run "${name}" in namespace "${namespace}" marked for deletion`
        + (cleans ? '; the operator now runs its cleanup (topics, target objects), then child Jobs and ConfigMaps go with it\n'
          : '; its child Jobs and ConfigMaps go with it\n'));
      if (!f.wait) return;
      const deadline = Date.now() + f.timeout * 1000;
      for (;;) {
        const left = await kube.getRun(namespace, name);
        if (!left) break;
        if (Date.now() >= deadline) {
          const pending = left.metadata.finalizers ?? [];
          throw new RunError(`run "${name}" is still present after ${f.timeout} s`
            + (pending.length > 0 ? ` (finalizers pending: ${pending.join(', ')}; is the operator running?)` : ''));
        }
        await sleep(DELETE_POLL_MS);
      }
      process.stdout.write(`run "${name}" deleted\n`);
    }));

  withClusterOptions(program.command('logs')
    .description('print the logs of a cluster run\'s pods, each line prefixed with its worker (coordinator, ingest-<i>, query-<group>-<i>)')
    .argument('<run>', 'run name')
    .option('--worker <id>', 'only this worker, e.g. coordinator, ingest-2, query-search-0')
    .option('-f, --follow', 'follow one pod\'s log (the --worker, default the coordinator) until it ends')
    .option('--tail <n>', 'only the last n lines of each log', wholeNumber('--tail', 1)))
    .action(async (name: string, f: ClusterFlags & { worker?: string; follow?: boolean; tail?: number }) => cluster(async () => {
      const { kube, namespace } = await connect(f);
      const pods = sortByWorker(await kube.listPods(namespace, `${RUN_LABEL}=${name}`));
      if (pods.length === 0) {
        if (!(await kube.getRun(namespace, name))) throw await notFound(kube, namespace, name);
        process.stderr.write(`run "${name}" in namespace "${namespace}" has no pods (yet)\n`);
        return;
      }
      const ids = pods.map(workerId);
      let chosen = pods;
      const wanted = f.worker ?? (f.follow ? 'coordinator' : undefined);
      if (wanted !== undefined) {
        chosen = pods.filter((p) => workerId(p) === wanted);
        if (chosen.length === 0) {
          throw new UsageError(`run "${name}" has no worker "${wanted}"${didYouMean(wanted, ids)}; its workers: ${ids.join(', ')}`
            + (f.follow && f.worker === undefined ? ' (pick one with --worker)' : ''));
        }
        if (f.follow) chosen = chosen.slice(-1);
      }
      const prefixed = chosen.length > 1 || f.worker === undefined && !f.follow;
      for (const pod of chosen) {
        const id = workerId(pod);
        const out = new LinePrefixer(prefixed ? `[${id}] ` : '', (t) => process.stdout.write(t));
        await kube.readPodLog(namespace, pod.metadata?.name ?? '', { follow: f.follow === true, tailLines: f.tail }, (c) => out.write(c));
        out.flush();
      }
    }));
}
