// The plan summary a dry-run IncidentBenchRun shows in status.planSummary (SPEC §15.2): phases with durations and
// target rates, totals and workers, as one readable block. Must not compute anything the plan lacks.

import type { RunPlan } from '../../scenario/plan-types.js';

function num(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : Number(n.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function planSummary(plan: RunPlan): string {
  const rows = plan.phases.map((p) => [p.name, `${num(p.durationS)} s`, num(p.targetEps), num(p.targetQps), num(p.events)]);
  const header = ['phase', 'duration', 'target EPS', 'target QPS', 'events'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const query = plan.workers.query.map((q) => `${q.group} ${q.count}`).join(', ');
  return [
    `dry run of ${plan.run.name} (run id ${plan.run.id}, seed ${plan.run.seed}): nothing was started`,
    line(header),
    ...rows.map(line),
    `totals: ${num(plan.totals.durationS)} s, ${num(plan.totals.events)} events, ${num(plan.totals.queries)} queries`,
    `workers: ingest ${plan.workers.ingest.count} × ${plan.workers.ingest.threads} threads; query ${query === '' ? 'none' : query}`,
    `target: ${plan.target === null ? 'none' : plan.target.adapter}; Kafka ${plan.kafka.bootstrap.join(',')}`,
  ].join('\n');
}
