// `incidentbench render <scenario> [run flags]`: the Kubernetes objects of a run (plan ConfigMap, coordinator Job,
// worker Indexed Jobs) as YAML for `kubectl apply`, or as a kustomize base (SPEC §14, §15.3). Must not contact a cluster.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import { formatProblem, UsageError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import { DEFAULT_IMAGE, runObjects, type RunObjects } from '../../control/k8s/run-objects.js';
import type { RunPlan } from '../../scenario/plan-types.js';
import type { ClusterFlags } from '../k8s-run-resource.js';
import { addRunFlags, planFromFlags, type RunFlags } from '../run-flags.js';

/** Pods and their hostnames append suffixes to `<run>-query-<group>`; 40 characters leave room. */
export interface RenderFlags extends RunFlags, ClusterFlags {
  outDir?: string;
  runId?: string;
}

/** The objects in apply order, each with the file name it gets in a kustomize base. */
export function renderedFiles(objects: RunObjects): { file: string; object: object }[] {
  return [
    { file: 'plan-configmap.yaml', object: objects.planConfigMap },
    { file: 'coordinator-job.yaml', object: objects.coordinatorJob },
    ...(objects.ingestJob ? [{ file: 'ingest-job.yaml', object: objects.ingestJob }] : []),
    ...objects.queryJobs.map((job) => ({
      file: `query-${job.metadata?.labels?.['incidentbench.io/query-group'] ?? job.metadata?.name ?? 'default'}-job.yaml`,
      object: job,
    })),
  ];
}

function header(plan: RunPlan, scenarioFile: string, namespace: string | undefined, how: string): string {
  const run = plan.run.name;
  const ns = namespace ? ` -n ${namespace}` : '';
  return [
    `# IncidentBench run "${run}" of scenario ${plan.scenario.name} (${scenarioFile}), rendered by incidentbench ${VERSION}.`,
    `# Apply:  ${how}`,
    `# Watch:  incidentbench metrics ${run} --kafka ${plan.kafka.bootstrap.join(',')}`,
    `# Pods:   kubectl get pods${ns} -l incidentbench.io/run=${run}`,
    `# Delete: kubectl delete jobs,configmaps${ns} -l incidentbench.io/run=${run}`,
  ].join('\n');
}

function yamlOf(object: object): string {
  return stringify(object, { lineWidth: 0 });
}

function kustomization(plan: RunPlan, files: string[], namespace: string | undefined): object {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(namespace ? { namespace } : {}),
    labels: [{ pairs: { 'app.kubernetes.io/part-of': 'incidentbench', 'incidentbench.io/run': plan.run.name }, includeSelectors: false }],
    resources: files,
  };
}

/** What `render` produces: the objects, the stdout document and the kustomize base's files (name → text). */
export interface RenderedRun {
  plan: RunPlan;
  warnings: string[];
  objects: { file: string; object: object }[];
  /** The multi-document YAML printed without --out-dir. */
  stream: string;
  /** The kustomize base written with --out-dir D (kustomization.yaml + one file per object), header naming D. */
  base: (dir: string) => Map<string, string>;
}

export function renderRun(file: string, flags: RenderFlags, now: Date = new Date()): RenderedRun {
  if (!flags.kafka) {
    throw new UsageError('render needs --kafka <bootstrap>: the pods connect to Kafka at the address in the plan '
      + '(an address reachable from inside the cluster, e.g. --kafka kafka.kafka.svc:9092)');
  }
  const planned = planFromFlags(file, { ...flags, k8s: true }, now);
  const plan: RunPlan = flags.runId ? { ...planned.plan, run: { ...planned.plan.run, id: flags.runId } } : planned.plan;
  const objects = renderedFiles(runObjects(plan, {
    namespace: flags.namespace ?? '',
    image: flags.image ?? DEFAULT_IMAGE,
    ...(flags.credentialsSecret ? { credentialsSecret: flags.credentialsSecret } : {}),
    ...(flags.kafkaSecret ? { kafkaSaslSecret: flags.kafkaSecret } : {}),
  }));
  const how = `kubectl apply${flags.namespace ? '' : ' -n <namespace>'} -f <this file>`;
  return {
    plan,
    warnings: planned.loaded.warnings.map(formatProblem),
    objects,
    stream: `${header(plan, file, flags.namespace, how)}\n${objects.map((f) => `---\n${yamlOf(f.object)}`).join('')}`,
    base: (dir) => {
      const files = new Map<string, string>();
      files.set('kustomization.yaml', `${header(plan, file, flags.namespace, `kubectl apply -k ${dir}`)}\n`
        + yamlOf(kustomization(plan, objects.map((f) => f.file), flags.namespace)));
      for (const f of objects) files.set(f.file, yamlOf(f.object));
      return files;
    },
  };
}

export function registerRender(program: Command): void {
  addRunFlags(
    program
      .command('render')
      .description('Kubernetes manifests of a run (plan ConfigMap, coordinator Job, worker Indexed Jobs) for kubectl apply')
      .argument('<scenario>', 'scenario YAML file')
      .option('--namespace <ns>', 'namespace of the objects (default: kubectl\'s current namespace)')
      .option('--image <image>', `container image (default ${DEFAULT_IMAGE})`)
      .option('--credentials-secret <name>', 'Secret whose keys become env vars of the coordinator and query pods (target credentials)')
      .option('--kafka-secret <name>', 'Secret with IB_KAFKA_SASL_MECHANISM, IB_KAFKA_USERNAME, IB_KAFKA_PASSWORD (every pod)')
      .option('--out-dir <dir>', 'write a kustomize base (kustomization.yaml + one file per object) instead of printing')
      .addOption(new Option('--run-id <id>', 'fixed run id (reproducible output)').hideHelp()),
  ).action((file: string, flags: RenderFlags) => {
    const r = renderRun(file, flags);
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    if (!flags.outDir) {
      process.stdout.write(r.stream);
      return;
    }
    const dir = flags.outDir;
    mkdirSync(dir, { recursive: true });
    const files = r.base(dir);
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    process.stderr.write(`wrote ${files.size} files to ${dir}; apply with: kubectl apply -k ${dir}\n`);
  });
}
