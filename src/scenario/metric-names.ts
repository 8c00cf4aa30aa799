// The catalogue of derived metrics (SPEC §11): dotted names (static and per phase / per group), scorecard
// keys and report.emphasis aliases, each with its kind. Must not compute metrics or read run data.

import { closestName, didYouMean, oneOf } from './suggest.js';

/**
 * How a metric scales in a scaled run (SPEC §11, "Scaled runs"): rates are divided by rate_scale, counts by
 * rate_scale × duration_scale; latencies, ratios (also correlations) and times are not touched.
 */
export type MetricKind = 'rate' | 'count' | 'latency' | 'ratio' | 'time';
export type MetricUnit = 'ms' | 's' | 'events/s' | 'events' | 'queries' | null;

export interface MetricInfo {
  /** The canonical dotted name, e.g. `query.baseline_p99`, `query.phase.overlap.p99`. */
  name: string;
  kind: MetricKind;
  unit: MetricUnit;
  /** The scorecard key showing this metric, or null. */
  scorecardKey: ScorecardKey | null;
}

/** Which phases and query groups exist, for the per-phase and per-group names. */
export interface MetricNameContext {
  phases: readonly string[];
  /** Query group names; empty means the implicit group `default` (SPEC §7.5). */
  groups: readonly string[];
}

/** The primary scorecard, in its order (SPEC §11). */
export const SCORECARD_KEYS = [
  'baseline_p99_ms', 'overlap_p99_ms', 'p99_degradation_ratio', 'query_error_rate_overlap', 'peak_backlog',
  'backlog_drain_time_s', 'recovery_time_s', 'time_to_searchable_p99_ms',
] as const;
export type ScorecardKey = (typeof SCORECARD_KEYS)[number];

/** Scorecard key → the dotted metric it shows. */
export const SCORECARD_METRICS: Readonly<Record<ScorecardKey, string>> = {
  baseline_p99_ms: 'query.baseline_p99',
  overlap_p99_ms: 'query.overlap_p99',
  p99_degradation_ratio: 'query.p99_ratio',
  query_error_rate_overlap: 'query.error_rate_overlap',
  peak_backlog: 'ingest.peak_backlog',
  backlog_drain_time_s: 'ingest.backlog_drain_time_s',
  recovery_time_s: 'recovery.time_to_baseline_s',
  time_to_searchable_p99_ms: 'ingest.time_to_searchable_p99',
};

/** Names the reference scenario files use in `report.emphasis` for scorecard keys (SPEC §3). */
export const EMPHASIS_ALIASES: Readonly<Record<string, ScorecardKey>> = {
  backlog_drain_time: 'backlog_drain_time_s',
  recovery_time: 'recovery_time_s',
};

type Shape = { kind: MetricKind; unit: MetricUnit };
const LATENCY: Shape = { kind: 'latency', unit: 'ms' };
const RATIO: Shape = { kind: 'ratio', unit: null };

const STATIC: ReadonlyMap<string, Shape> = new Map(Object.entries({
  'query.baseline_p50': LATENCY,
  'query.baseline_p99': LATENCY,
  'query.overlap_p50': LATENCY,
  'query.overlap_p99': LATENCY,
  'query.p99_ratio': RATIO,
  'query.error_rate_overlap': RATIO,
  'query.throughput_ratio': RATIO,
  'query.goodput_ratio': RATIO,
  'query.total_executed': { kind: 'count', unit: 'queries' },
  'ingest.baseline_eps': { kind: 'rate', unit: 'events/s' },
  'ingest.baseline_ratio': RATIO,
  'ingest.peak_eps': { kind: 'rate', unit: 'events/s' },
  'ingest.throughput_ratio': RATIO,
  'ingest.peak_backlog': { kind: 'count', unit: 'events' },
  'ingest.backlog_drain_time_s': { kind: 'time', unit: 's' },
  'ingest.time_to_searchable_p50': LATENCY,
  'ingest.time_to_searchable_p99': LATENCY,
  'recovery.time_to_baseline_s': { kind: 'time', unit: 's' },
  'isolation.ingest_impact_on_query': RATIO, // Pearson r: dimensionless
  'isolation.query_impact_on_ingest': RATIO,
  'isolation.ingest_step_ratio': RATIO,
  'isolation.query_step_ratio': RATIO,
  'harness.phase_skew_ms': { kind: 'time', unit: 'ms' },
  'harness.clock_offset_ms_max': { kind: 'time', unit: 'ms' },
} satisfies Record<string, Shape>));

/** Families `<prefix>.<phase or group>.<stat>`. */
interface Family {
  prefix: 'query.phase' | 'query.group' | 'ingest.phase';
  over: 'phase' | 'group';
  stats: Readonly<Record<string, Shape>>;
}

const FAMILIES: readonly Family[] = [
  { prefix: 'query.phase', over: 'phase', stats: { p50: LATENCY, p95: LATENCY, p99: LATENCY, max: LATENCY } },
  { prefix: 'query.group', over: 'group',
    stats: { overlap_p99: LATENCY, baseline_p99: LATENCY, p99_ratio: RATIO, error_rate_overlap: RATIO } },
  { prefix: 'ingest.phase', over: 'phase',
    stats: { consumed_eps: { kind: 'rate', unit: 'events/s' }, time_to_searchable_p99: LATENCY } },
];

/** Phase and group names never contain dots (SPEC §3.2, §7.5). */
const SEGMENT = /^[a-z0-9_-]+$/;

const SCORECARD_OF = new Map<string, ScorecardKey>(SCORECARD_KEYS.map((k) => [SCORECARD_METRICS[k], k]));

function info(name: string, shape: Shape): MetricInfo {
  return { name, kind: shape.kind, unit: shape.unit, scorecardKey: SCORECARD_OF.get(name) ?? null };
}

/** Kind and unit of a canonical dotted name (static or of a family, any phase/group segment), or null. */
export function metricInfo(name: string): MetricInfo | null {
  const s = STATIC.get(name);
  if (s) return info(name, s);
  const parts = name.split('.');
  if (parts.length !== 4) return null;
  const family = FAMILIES.find((f) => f.prefix === `${parts[0]}.${parts[1]}`);
  if (!family || !Object.hasOwn(family.stats, parts[3]!) || !SEGMENT.test(parts[2]!)) return null;
  return info(name, family.stats[parts[3]!]!);
}

/** Every metric name a scenario with these phases and groups has, dotted, in catalogue order. */
export function metricCatalogue(ctx: MetricNameContext): MetricInfo[] {
  const out = [...STATIC].map(([name, shape]) => info(name, shape));
  for (const f of FAMILIES) {
    for (const x of namesOf(f, ctx)) {
      for (const [stat, shape] of Object.entries(f.stats)) out.push(info(`${f.prefix}.${x}.${stat}`, shape));
    }
  }
  return out;
}

function namesOf(f: Family, ctx: MetricNameContext): readonly string[] {
  if (f.over === 'phase') return ctx.phases;
  return ctx.groups.length > 0 ? ctx.groups : ['default'];
}

export type MetricResolution = { ok: true; metric: MetricInfo } | { ok: false; message: string };

/**
 * A metric as rules and thresholds write it (SPEC §12.3): a dotted name or a scorecard key, resolved to
 * its canonical dotted name; otherwise a one-line problem with a "did you mean".
 */
export function resolveMetricName(name: string, ctx: MetricNameContext): MetricResolution {
  if (Object.hasOwn(SCORECARD_METRICS, name)) {
    return { ok: true, metric: metricInfo(SCORECARD_METRICS[name as ScorecardKey])! };
  }
  const catalogue = metricCatalogue(ctx);
  const found = catalogue.find((m) => m.name === name);
  if (found) return { ok: true, metric: found };
  return { ok: false, message: familyProblem(name, ctx)
    ?? `unknown metric ${JSON.stringify(name)}${didYouMean(name, [...catalogue.map((m) => m.name), ...SCORECARD_KEYS])}; `
      + 'expected a dotted metric name or a scorecard key of SPEC §11, e.g. "query.baseline_p99" or "p99_degradation_ratio"' };
}

/** A precise problem for `<family>.<x>.<stat>` names whose phase/group or statistic is wrong, or null. */
function familyProblem(name: string, ctx: MetricNameContext): string | null {
  const parts = name.split('.');
  if (parts.length !== 4) return null;
  const f = FAMILIES.find((x) => x.prefix === `${parts[0]}.${parts[1]}`);
  if (!f) return null;
  const [segment, stat] = [parts[2]!, parts[3]!];
  const known = namesOf(f, ctx);
  if (!known.includes(segment)) {
    const what = f.over === 'phase' ? 'phase' : 'query group';
    return `unknown metric ${JSON.stringify(name)}: ${JSON.stringify(segment)} is not a ${what} of this scenario`
      + `${didYouMean(segment, known)}; expected ${known.length > 0 ? oneOf(known) : `a ${what} name`}`;
  }
  const stats = Object.keys(f.stats);
  if (!stats.includes(stat)) {
    return `unknown metric ${JSON.stringify(name)}: ${f.prefix}.<${f.over}> has no ${JSON.stringify(stat)}`
      + `${didYouMean(stat, stats)}; expected ${oneOf(stats)}`;
  }
  return null;
}

/**
 * A `report.emphasis` entry: a scorecard key, an alias of one, or any metric name. Unknown names are
 * warnings (SPEC §3), so the failure message is worded for a warning.
 */
export function resolveEmphasis(name: string, ctx: MetricNameContext): MetricResolution {
  const alias = Object.hasOwn(EMPHASIS_ALIASES, name) ? EMPHASIS_ALIASES[name]! : null;
  const r = resolveMetricName(alias ?? name, ctx);
  if (r.ok) return r;
  const candidates = [...SCORECARD_KEYS, ...Object.keys(EMPHASIS_ALIASES), ...metricCatalogue(ctx).map((m) => m.name)];
  const close = closestName(name, candidates);
  return { ok: false, message: `${JSON.stringify(name)} matches no scorecard metric`
    + `${close === null ? '' : ` (did you mean ${JSON.stringify(close)}?)`}; expected ${oneOf(SCORECARD_KEYS)}` };
}

/**
 * What a metric of this kind is divided by to normalise a scaled run to scale 1 before rules and
 * thresholds are evaluated (SPEC §11): rate_scale for rates, rate_scale × duration_scale for counts, else 1.
 */
export function scaleDivisor(kind: MetricKind, scales: { rateScale: number; durationScale: number }): number {
  if (kind === 'rate') return scales.rateScale;
  if (kind === 'count') return scales.rateScale * scales.durationScale;
  return 1;
}
