// Human-readable rendering of a RunPlan for `plan` and `run --dry-run` (SPEC §4): phase table,
// totals, topics, workers, scorecard roles and warnings. Must not compute anything the plan lacks.

import { DEFAULTS } from '../scenario/defaults.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { plannedUsers, sessionOf } from '../scenario/session-mode.js';

function fmt(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Number(n.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
    .join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Warnings the plan itself gives (SPEC §4): short phases. */
export function planWarnings(plan: RunPlan): string[] {
  const out: string[] = [];
  const scaled = plan.scaling.durationScale !== 1;
  for (const p of plan.phases) {
    if (p.durationS < DEFAULTS.minPhaseDurationS) {
      out.push(scaled
        ? `phase ${p.name} lasts ${p.durationS} s (< ${DEFAULTS.minPhaseDurationS} s) after --duration-scale `
          + `${plan.scaling.durationScale}: results will not be comparable`
        : `phase ${p.name} lasts ${p.durationS} s (< ${DEFAULTS.minPhaseDurationS} s): the run will be invalid `
          + '(minimum duration)');
    }
  }
  plan.phases.forEach((p, i) => {
    const top = Math.max(0, ...plan.lanes.map((l) => l.eps[i]!));
    if (top > DEFAULTS.laneCapacityEps) {
      out.push(`phase ${p.name}: ${Math.round(top).toLocaleString('en-US')} EPS per lane exceeds the measured lane `
        + `capacity (~${DEFAULTS.laneCapacityEps.toLocaleString('en-US')} EPS); add --threads or --ingest-workers`);
    }
  });
  if (plan.streams.length > 0 && !plan.harness.freshness.enabled) {
    out.push('freshness is off: time to searchable will not be measured');
  } else {
    const without = plan.streams.filter((s) => s.sentinelField === null).map((s) => s.name);
    if (without.length > 0) {
      out.push(`${without.length === 1 ? 'stream' : 'streams'} ${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no field for `
        + 'sentinel ids (trace_id, a keyword field with a hex generator, or freshness.id_field): time to searchable is '
        + `measured for ${plan.streams.filter((s) => s.sentinelField !== null).map((s) => s.name).join(', ')} only`);
    }
  }
  return out;
}

/** `event_id`, or per stream (`app: request_id, audit: user`) when the streams' sentinel fields differ. */
function sentinelFieldsText(plan: RunPlan): string {
  const withField = plan.streams.filter((s) => s.sentinelField !== null);
  const fields = new Set(withField.map((s) => s.sentinelField));
  if (fields.size === 1 && withField.length === plan.streams.length) return [...fields][0]!;
  return withField.map((s) => `${s.name}: ${s.sentinelField}`).join(', ');
}

export function renderPlan(plan: RunPlan, validationWarnings: string[] = []): string {
  const s = plan.scenario;
  const out: string[] = [];
  out.push(`Scenario ${s.name} ${s.version} — ${s.displayName}`);
  out.push(`Run ${plan.run.name} (id ${plan.run.id}), seed ${plan.run.seed}, scale duration × ${plan.scaling.durationScale}, `
    + `rate × ${plan.scaling.rateScale}`);
  out.push('');

  const laneCount = plan.streams.length > 0 ? plan.workers.ingest.count * plan.workers.ingest.threads : 0;
  const rows = plan.phases.map((p, i) => {
    const laneEps = plan.lanes.map((l) => l.eps[i]!);
    const laneRange = laneEps.length === 0 ? '-'
      : `${fmt(Math.min(...laneEps))}–${fmt(Math.max(...laneEps))}`;
    const qpsPerWorker = plan.queryRates.map((r) => r.qps[i]!);
    const arrivals = plan.queryRates.reduce((a, r) => a + r.arrivals[i]!, 0);
    return [p.name, p.role ?? '', `${p.durationS} s`, fmt(p.targetEps), laneRange, fmt(p.events),
      fmt(p.targetQps), qpsPerWorker.length ? fmt(Math.max(...qpsPerWorker)) : '-', fmt(arrivals)];
  });
  out.push(table(['phase', 'role', 'duration', 'EPS', 'EPS/lane', 'events', 'QPS', 'QPS/worker', 'arrivals'], rows));
  out.push('');
  out.push(`Totals: ${fmt(plan.totals.events)} events, ${fmt(plan.totals.queries)} query arrivals over `
    + `${plan.totals.durationS} s`);
  out.push('');

  out.push('Workers:');
  out.push(plan.streams.length > 0
    ? `  ingest: ${plan.workers.ingest.count} × ${plan.workers.ingest.threads} threads = ${laneCount} lanes per stream`
    : '  ingest: none (query-only scenario)');
  for (const q of plan.workers.query) {
    out.push(`  query group ${q.group}: ${q.count} worker(s)${q.endpoint ? `, endpoint ${q.endpoint}` : ''}`);
  }
  if (plan.workers.query.length === 0) out.push('  query: none (no queries)');
  const session = sessionOf(plan);
  if (session) {
    out.push(`  session mode: ${session.categories.map((c) => `${c.name} (${c.iteration === 'sequential' ? 'Sequential' : 'WeightedRandom'}, `
      + `${c.parallelism} at once, ${c.queries.length} ${c.queries.length === 1 ? 'query' : 'queries'})`).join(', ')}; `
      + `think time ${session.thinkTimeMs} ms`);
    out.push(`  users per phase: ${plan.phases.map((p, i) => `${p.name} ${plannedUsers(plan, i)}`).join(', ')} `
      + '(each runs ticks back to back; QPS and arrivals above are informational)');
  }
  out.push('');

  out.push('Kafka:');
  out.push(`  bootstrap: ${plan.kafka.bootstrap.length ? plan.kafka.bootstrap.join(',') : '(not given: --kafka)'}`);
  for (const st of plan.streams) {
    out.push(`  events ${st.name}: ${st.topic} (${st.partitions} partitions, index ${st.index}, seed ${st.seed})`);
  }
  out.push(`  control: ${plan.kafka.topics.control}`);
  out.push(`  metrics: ${plan.kafka.topics.metrics}`);
  out.push(`  live:    ${plan.kafka.topics.live}`);
  out.push(`  acks ${plan.kafka.acks === -1 ? 'all' : plan.kafka.acks}, compression ${plan.kafka.compression}, `
    + `topics ${plan.kafka.manageTopics ? 'created by the harness' : 'must exist (--no-manage-topics)'}`);
  out.push('');

  out.push('Target:');
  out.push(plan.target ? `  ${plan.target.adapter} (config hash ${plan.target.configHash.slice(0, 12)})`
    : '  none given (--target): queries were parsed and checked against the schema, not compiled');
  out.push('');

  const roleOf = (r: string) => plan.phases.find((p) => p.role === r)?.name ?? '(none)';
  out.push(`Scorecard roles: baseline = ${roleOf('baseline')}, overlap = ${roleOf('overlap')}, `
    + `recovery = ${roleOf('recovery')}`
    + (plan.phases.some((p) => p.role === 'warmup')
      ? `, warm-up (excluded) = ${plan.phases.filter((p) => p.role === 'warmup').map((p) => p.name).join(', ')}` : ''));
  out.push(`Harness: ${plan.harness.maxInflightBatches} batches in flight per lane, ${plan.harness.maxInFlight} queries `
    + `in flight per worker, drain timeout ${plan.harness.drainTimeoutS} s, READY timeout ${plan.harness.readyTimeoutS} s, `
    + `freshness ${plan.harness.freshness.enabled ? `every ${plan.harness.freshness.intervalS} s on ${sentinelFieldsText(plan)}` : 'off'}`);
  if (plan.thresholds.length) out.push(`Thresholds: ${plan.thresholds.join('; ')}`);

  const warnings = [...validationWarnings, ...planWarnings(plan)];
  if (warnings.length) {
    out.push('');
    out.push('Warnings:');
    for (const w of warnings) out.push(`  - ${w}`);
  }
  return out.join('\n');
}
