// Text for the cluster commands (SPEC §14): an IncidentBenchRun's status, the run table, and the worker id of a
// run's pod. Pure formatting; must not talk to the cluster or print.

import type { V1Pod } from '@kubernetes/client-node';
import {
  COMPONENT_LABEL, GROUP_LABEL, REPORT_KEYS, type Condition, type IncidentBenchRun, type RunStatus,
} from '../control/k8s/run-resource.js';
import { formatCount, formatElapsed, formatInstant, formatMs, formatPlain, formatRate, formatRatio, NO_VALUE } from '../report/display-number.js';
import { SCORECARD_DISPLAY } from '../report/scorecard-display.js';
import { SCORECARD_KEYS, type ScorecardKey } from '../scenario/metric-names.js';

export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

/** kubectl-style age: 45s, 12m, 5h, 3d. */
export function formatAge(created: string | undefined, now: Date): string {
  if (!created) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(created)) / 1000));
  if (!Number.isFinite(s)) return '<unknown>';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Left-aligned columns separated by three spaces, like kubectl. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('   ')).join('\n') + '\n';
}

/** The run table of `incidentbench list` (the CRD's printer columns; NAMESPACE first with --all-namespaces). */
export function formatRunTable(runs: IncidentBenchRun[], allNamespaces: boolean, now: Date): string {
  const header = ['NAME', 'PHASE', 'BENCHMARK-PHASE', 'ELAPSED', 'VALID', 'DEGRADATION', 'AGE'];
  const rows = runs.map((r) => {
    const s = r.status ?? {};
    const degradation = s.results?.scorecard?.p99_degradation_ratio;
    const row = [
      r.metadata.name,
      s.phase ?? 'Pending',
      s.currentBenchmarkPhase ?? '',
      s.progress ? formatElapsed(s.progress.elapsedSeconds) : '',
      s.results ? String(s.results.valid) : '',
      typeof degradation === 'number' ? formatRatio(degradation) : '',
      formatAge(r.metadata.creationTimestamp, now),
    ];
    return allNamespaces ? [r.metadata.namespace ?? '', ...row] : row;
  });
  return formatTable(allNamespaces ? ['NAMESPACE', ...header] : header, rows);
}

function scorecardLine(key: string, value: number | null): string {
  const d = (SCORECARD_KEYS as readonly string[]).includes(key) ? SCORECARD_DISPLAY[key as ScorecardKey] : undefined;
  if (!d) return `${key}: ${formatPlain(value)}`;
  const shown = value === null ? NO_VALUE : `${d.format(value)}${d.unit ? ` ${d.unit}` : ''}`;
  return `${d.label}: ${shown}`;
}

function conditionRows(conditions: Condition[]): string[] {
  const rows = conditions.map((c) => [c.type, c.status, c.reason, c.message.replace(/\s*\n\s*/g, ' ')]);
  return formatTable(['TYPE', 'STATUS', 'REASON', 'MESSAGE'], rows).trimEnd().split('\n').map((l) => `  ${l}`);
}

function progressLines(s: RunStatus): string[] {
  const p = s.progress;
  if (!p) return [];
  const consumed = p.consumedIngestEPS === null ? '' : `, consumed ${formatRate(p.consumedIngestEPS)}`;
  return [
    `elapsed:     ${formatElapsed(p.elapsedSeconds)} / ${formatElapsed(p.totalSeconds)}`,
    `ingest:      ${formatRate(p.achievedIngestEPS)} of ${formatRate(p.targetIngestEPS)} events/s${consumed}`,
    `queries:     ${formatRate(p.achievedQueryQPS)} of ${formatRate(p.targetQueryQPS)} queries/s, p99 ${p.queryP99Ms === null ? NO_VALUE : `${formatMs(p.queryP99Ms)} ms`}`,
    `kafka lag:   ${p.kafkaConsumerLag === null ? NO_VALUE : formatCount(p.kafkaConsumerLag)}`,
    ...(p.updatedAt ? [`updated:     ${formatInstant(p.updatedAt)}`] : []),
  ];
}

/** The command that prints run.json from the report ConfigMap. */
export function reportFetchCommand(configMap: string, namespace: string): string {
  const key = REPORT_KEYS.runJson.replace(/\./g, '\\.');
  return `kubectl get configmap ${configMap} -n ${namespace} -o jsonpath='{.binaryData.${key}}' | base64 -d | gunzip`;
}

/** The human status of `incidentbench status <run>`. */
export function formatRunStatus(run: IncidentBenchRun, now: Date): string {
  const s = run.status ?? {};
  const ns = run.metadata.namespace ?? 'default';
  const lines: string[] = [
    `run:         ${run.metadata.name} (namespace ${ns}, created ${formatInstant(run.metadata.creationTimestamp ?? null)}, age ${formatAge(run.metadata.creationTimestamp, now)})`,
    `phase:       ${s.phase ?? 'Pending'}${run.metadata.deletionTimestamp ? ' (being deleted)' : ''}`,
  ];
  if (s.runId) lines.push(`run id:      ${s.runId}`);
  if (s.currentBenchmarkPhase !== undefined) {
    const idx = s.currentBenchmarkPhaseIndex === undefined ? '' : ` (phase index ${s.currentBenchmarkPhaseIndex})`;
    lines.push(`benchmark:   ${s.currentBenchmarkPhase}${idx}`);
  }
  if (s.startTime) lines.push(`started:     ${formatInstant(s.startTime)}`);
  if (s.completionTime) lines.push(`completed:   ${formatInstant(s.completionTime)}`);
  if (s.workers) {
    const w = s.workers;
    lines.push(`workers:     ingest ${w.ingest.ready}/${w.ingest.desired} ready, query ${w.query.ready}/${w.query.desired} ready`);
  }
  lines.push(...progressLines(s));
  if (s.conditions && s.conditions.length > 0) lines.push('conditions:', ...conditionRows(s.conditions));
  if (s.planSummary) lines.push('plan:', ...s.planSummary.trimEnd().split('\n').map((l) => `  ${l}`));
  const r = s.results;
  if (r) {
    lines.push(`results:     ${r.valid ? 'valid' : 'INVALID'}${r.harnessSaturated ? ' (harness saturated)' : ''}${r.exitCode !== undefined ? `, exit code ${r.exitCode}` : ''}`);
    for (const v of r.validityViolations) lines.push(`  violation: ${v}`);
    for (const w of r.warnings) lines.push(`  warning:   ${w}`);
    const keys = Object.keys(r.scorecard ?? {});
    if (keys.length > 0) {
      lines.push('scorecard:');
      const ordered = [...SCORECARD_KEYS.filter((k) => keys.includes(k)), ...keys.filter((k) => !(SCORECARD_KEYS as readonly string[]).includes(k)).sort()];
      for (const k of ordered) lines.push(`  ${scorecardLine(k, r.scorecard[k] ?? null)}`);
    }
    if (r.reportConfigMap) {
      lines.push(`report:      ConfigMap ${r.reportConfigMap}; run.json with:`);
      lines.push(`  ${reportFetchCommand(r.reportConfigMap, ns)}`);
    }
    if (r.reportNote) lines.push(`  note: ${r.reportNote}`);
    lines.push(`  or rebuild it from Kafka: incidentbench report ${run.metadata.name} --from-kafka --kafka ${run.spec.kafka.bootstrapServers}`);
  }
  return lines.join('\n') + '\n';
}

/** The worker id of a run's pod: coordinator, ingest-<i>, query-<group>-<i>, cleanup (else the pod name). */
export function workerId(pod: V1Pod): string {
  const labels = pod.metadata?.labels ?? {};
  const index = labels[COMPLETION_INDEX_KEY] ?? pod.metadata?.annotations?.[COMPLETION_INDEX_KEY];
  switch (labels[COMPONENT_LABEL]) {
    case 'coordinator': return 'coordinator';
    case 'cleanup': return 'cleanup';
    case 'ingest': return index === undefined ? pod.metadata?.name ?? 'ingest' : `ingest-${index}`;
    case 'query': {
      const group = labels[GROUP_LABEL];
      if (index === undefined) return pod.metadata?.name ?? 'query';
      return group ? `query-${group}-${index}` : `query-${index}`;
    }
    default: return pod.metadata?.name ?? '?';
  }
}

/** Pods in worker order: coordinator, ingest by index, query by group and index, cleanup, others. */
export function sortByWorker(pods: V1Pod[]): V1Pod[] {
  const rank = (p: V1Pod): number => ({ coordinator: 0, ingest: 1, query: 2, cleanup: 3 } as Record<string, number>)[p.metadata?.labels?.[COMPONENT_LABEL] ?? ''] ?? 4;
  const index = (p: V1Pod): number => Number(p.metadata?.labels?.[COMPLETION_INDEX_KEY] ?? p.metadata?.annotations?.[COMPLETION_INDEX_KEY] ?? 0);
  return [...pods].sort((a, b) => rank(a) - rank(b)
    || (a.metadata?.labels?.[GROUP_LABEL] ?? '').localeCompare(b.metadata?.labels?.[GROUP_LABEL] ?? '')
    || index(a) - index(b)
    || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** Prefixes every complete line with `[worker] `, holding a partial last line until more text or `flush()`. */
export class LinePrefixer {
  private pending = '';
  constructor(private readonly prefix: string, private readonly out: (text: string) => void) {}

  write(chunk: string): void {
    const text = this.pending + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.pending = text;
      return;
    }
    this.pending = text.slice(cut + 1);
    this.out(text.slice(0, cut + 1).split('\n').slice(0, -1).map((l) => `${this.prefix}${l}\n`).join(''));
  }

  flush(): void {
    if (this.pending !== '') this.out(`${this.prefix}${this.pending}\n`);
    this.pending = '';
  }
}
