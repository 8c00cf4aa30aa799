// `incidentbench run --k8s`: submits the IncidentBenchRun built from the flags to the current kubeconfig's cluster
// and follows it to the end (phase changes, progress, results), or returns at once with --detach. Must not plan
// (run-flags does) nor reconcile (the operator does).

import { formatProblem, UsageError } from '../core/errors.js';
import { systemTimers } from '../core/timers.js';
import { followRun } from '../control/k8s/follow-run.js';
import { KubeClient } from '../control/k8s/kube-client.js';
import { childNames, type IncidentBenchRun } from '../control/k8s/run-resource.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { EXIT } from '../stream-agg/verdict-types.js';
import { watchInterrupts } from './interrupts.js';
import { runResourceFromFlags, type ClusterFlags } from './k8s-run-resource.js';
import type { RunFlags } from './run-flags.js';

export interface ClusterRunFlags extends RunFlags, ClusterFlags {
  kubeconfig?: string;
  context?: string;
  detach?: boolean;
}

/** One line of the run's state: phase, benchmark phase, elapsed, rates, p99, lag. */
export function clusterProgressLine(run: IncidentBenchRun): string {
  const s = run.status ?? {};
  const parts: string[] = [s.phase ?? 'Pending'];
  if (s.currentBenchmarkPhase) parts.push(`${s.currentBenchmarkPhase} (${(s.currentBenchmarkPhaseIndex ?? 0) + 1})`);
  const p = s.progress;
  if (p) {
    parts.push(`${p.elapsedSeconds}/${p.totalSeconds} s`);
    parts.push(`EPS ${Math.round(p.achievedIngestEPS)}/${Math.round(p.targetIngestEPS)}`
      + (p.consumedIngestEPS === null ? '' : ` consumed ${Math.round(p.consumedIngestEPS)}`));
    parts.push(`QPS ${p.achievedQueryQPS.toFixed(1)}/${p.targetQueryQPS.toFixed(1)}`);
    if (p.queryP99Ms !== null) parts.push(`p99 ${Math.round(p.queryP99Ms)} ms`);
    if (p.kafkaConsumerLag !== null) parts.push(`lag ${p.kafkaConsumerLag}`);
  } else if (s.workers) {
    parts.push(`workers ready ${s.workers.ingest.ready + s.workers.query.ready}/${s.workers.ingest.desired + s.workers.query.desired}`);
  }
  return parts.join(' · ');
}

/** The closing lines of a finished run and its exit code (SPEC §14 codes; Failed = 1). */
export function clusterResultLines(run: IncidentBenchRun): { lines: string[]; exitCode: number } {
  const s = run.status ?? {};
  const name = run.metadata.name;
  const ns = run.metadata.namespace ?? 'default';
  const lines: string[] = [];
  if (s.phase === 'Failed') {
    const why = (s.conditions ?? []).filter((c) => c.status === 'False').map((c) => `${c.type} ${c.reason}: ${c.message}`);
    lines.push(`run ${name} failed: ${why.join('; ') || 'no condition says why'}`);
    lines.push(`pods are kept for debugging: incidentbench logs ${name} --namespace ${ns}`);
    return { lines, exitCode: s.results?.exitCode ?? EXIT.failed };
  }
  const r = s.results;
  if (!r) {
    lines.push(`run ${name} completed (dry run or no results)`);
    if (s.planSummary) lines.push(s.planSummary);
    return { lines, exitCode: EXIT.ok };
  }
  lines.push(`run ${name} finished: ${r.valid ? 'valid' : 'INVALID'}`);
  for (const v of r.validityViolations) lines.push(`  violation: ${v}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  for (const [k, v] of Object.entries(r.scorecard)) lines.push(`  ${k}: ${v === null ? '—' : String(v)}`);
  if (r.reportConfigMap) {
    lines.push(`report: kubectl get configmap ${r.reportConfigMap} -n ${ns} -o jsonpath='{.binaryData.report\\.html\\.gz}' | base64 -d | gunzip > report.html`);
  } else if (r.reportNote) {
    lines.push(`report: ${r.reportNote}`);
  }
  return { lines, exitCode: r.exitCode ?? (r.valid ? EXIT.ok : EXIT.invalid) };
}

export async function runInCluster(loaded: LoadedScenario, plan: RunPlan, f: ClusterRunFlags): Promise<number> {
  for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  const resource = runResourceFromFlags(loaded, plan, f);
  const api = KubeClient.fromKubeconfig({ ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
    ...(f.context ? { context: f.context } : {}), ...(f.namespace ? { namespace: f.namespace } : {}) });
  const namespace = f.namespace ?? api.defaultNamespace;
  resource.metadata.namespace = namespace;
  if (await api.getRun(namespace, resource.metadata.name)) {
    throw new UsageError(`--run-name: a run ${JSON.stringify(resource.metadata.name)} already exists in namespace ${namespace}; `
      + `pick another name or delete it with incidentbench delete ${resource.metadata.name}`);
  }
  await api.createRun(resource);
  process.stdout.write(`submitted IncidentBenchRun ${namespace}/${resource.metadata.name} `
    + `(${plan.workers.ingest.count} ingest × ${plan.workers.ingest.threads} threads, `
    + `${plan.workers.query.map((g) => `${g.count} ${g.group}`).join(', ') || 'no'} query workers, ${plan.totals.durationS} s)\n`);
  if (f.detach) {
    process.stdout.write(`follow it with: incidentbench status ${resource.metadata.name} -n ${namespace}  `
      + `(or kubectl get ibrun ${resource.metadata.name} -n ${namespace} -w)\n`);
    return EXIT.ok;
  }
  const ctrlC = watchInterrupts();
  let lastLine = '';
  try {
    const end = await followRun({ api, namespace, name: resource.metadata.name, timers: systemTimers, signal: ctrlC.signal,
      onChange: (run) => {
        const line = clusterProgressLine(run);
        if (line !== lastLine) process.stderr.write(`${line}\n`);
        lastLine = line;
      } });
    if (end.kind === 'gone') {
      process.stderr.write(`error: run ${namespace}/${resource.metadata.name} was deleted while running\n`);
      return EXIT.failed;
    }
    if (end.kind === 'stopped') {
      process.stderr.write(`stopped following; the run goes on in the cluster (delete it with incidentbench delete `
        + `${resource.metadata.name} -n ${namespace})\n`);
      return EXIT.interrupted;
    }
    const { lines, exitCode } = clusterResultLines(end.run);
    for (const l of lines) process.stdout.write(`${l}\n`);
    process.stdout.write(`plan ConfigMap: ${childNames.planConfigMap(resource.metadata.name)}\n`);
    return exitCode;
  } finally {
    ctrlC.dispose();
  }
}
