// Turns a validated scenario document into the ResolvedScenario of the plan: defaults filled in,
// streams normalised (SPEC §3.4), scaling applied (§3.3). Must not validate — input is already valid.

import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { roundHalfUp } from '../core/numbers.js';
import { DEFAULTS } from './defaults.js';
import type { ResolvedPhase, ResolvedQuery, ResolvedScenario, ResolvedStream } from './resolved.js';
import type { DataProfile, QueryDef, ScenarioDoc } from './schema.js';
import { parseSortSpec } from './query-template/index.js';
import { sentinelFieldOf } from './sentinel-field.js';
import { streamViews } from './stream-forms.js';

export interface ResolveOptions {
  /** Folder of the scenario file; `sql_file` paths are relative to it. */
  baseDir: string;
  durationScale?: number;
  rateScale?: number;
  /** `--seed S`: a single stream gets S, stream i of several S + i. */
  seed?: number | null;
}

export function scaleDuration(seconds: number, durationScale: number): number {
  return Math.max(1, roundHalfUp(seconds * durationScale));
}

export function resolveScenario(doc: ScenarioDoc, opts: ResolveOptions): ResolvedScenario {
  const ds = opts.durationScale ?? 1;
  const rs = opts.rateScale ?? 1;
  const views = streamViews(doc);
  const phasesDoc = doc.timeline.phases;

  const streams: ResolvedStream[] = views.map((v, i) => ({
    name: v.name,
    index: v.schema.index_name,
    timestampField: v.schema.timestamp_field,
    partitionKey: v.schema.partition_key ?? null,
    fields: v.schema.fields,
    seed: opts.seed !== undefined && opts.seed !== null ? opts.seed + i : v.seed,
    kafkaPartitions: v.kafkaPartitions,
    ingestReplicas: v.ingestReplicas,
    phases: phasesDoc.map((_, p) => {
      const ing = v.ingestOf(p);
      return { targetEps: (ing?.target_eps ?? 0) * rs, batchSize: ing?.batch_size ?? DEFAULTS.batchSize };
    }),
    sentinelField: sentinelFieldOf(v.schema.fields, doc.freshness?.id_field ?? null),
  }));

  const defaultTimeoutMs = doc.default_timeout_ms ?? DEFAULTS.defaultTimeoutMs;
  const mix = doc.query_mix?.queries ?? [];
  const anyWeight = mix.some((q) => q.weight !== undefined);
  const queries = mix.map((q) => resolveQuery(q, anyWeight ? (q.weight ?? 0) : 1 / mix.length,
    streams, defaultTimeoutMs, opts.baseDir));

  const phases: ResolvedPhase[] = phasesDoc.map((p) => ({
    name: p.name,
    displayName: p.display_name ?? p.name,
    durationS: scaleDuration(p.duration_seconds, ds),
    profile: p.data_profile ?? defaultProfile(p.name),
    role: p.role ?? null,
    targetQps: (p.query?.target_qps ?? 0) * rs,
    mixOverride: p.query?.mix_override ?? null,
    users: p.query?.users ?? null,
    description: p.description?.trim() ?? '',
  }));

  const session = doc.query_session
    ? {
      thinkTimeMs: doc.query_session.think_time_ms ?? 0,
      categories: doc.query_session.categories.map((c) => {
        const weighted = c.queries.some((q) => q.weight !== undefined);
        return {
          name: c.name,
          iteration: (/^weighted/i.test(c.iteration ?? '') ? 'weighted_random' : 'sequential') as
            'sequential' | 'weighted_random',
          parallelism: c.parallelism ?? 1,
          queries: c.queries.map((q) => ({
            ...resolveQuery(q, weighted ? (q.weight ?? 0) : 1 / c.queries.length, streams, defaultTimeoutMs,
              opts.baseDir),
            category: c.name,
          })),
        };
      }),
    }
    : null;

  const ingesting = streams.length > 0;
  return {
    name: doc.scenario.name,
    version: doc.scenario.version,
    displayName: doc.scenario.display_name ?? doc.scenario.name,
    description: doc.scenario.description?.trim() ?? '',
    domain: doc.scenario.domain ?? '',
    streams,
    queries,
    arrivals: doc.query_mix?.arrivals ?? 'constant',
    queryGroups: (doc.query_groups ?? []).map((g) => ({
      name: g.name, weight: g.weight, mixOverride: g.mix_override ?? null, endpoint: g.endpoint ?? null,
    })),
    session,
    defaultTimeoutMs,
    phases,
    rules: (doc.valid_run_criteria?.rules ?? []).map((r) => ({ name: r.name, condition: r.condition,
      message: r.message ?? '' })),
    thresholds: doc.thresholds ?? [],
    freshness: {
      enabled: ingesting && (doc.freshness?.enabled ?? true) && streams.some((s) => s.sentinelField !== null),
      intervalS: doc.freshness?.interval_s ?? DEFAULTS.freshnessIntervalS,
      idField: ingesting ? freshnessIdField(doc, streams) : null,
    },
    report: { title: doc.report?.title ?? null, emphasis: doc.report?.emphasis ?? [] },
  };
}

function defaultProfile(phase: string): DataProfile {
  return phase === 'baseline' || phase === 'post_incident' || phase === 'warmup' ? 'baseline' : 'incident';
}

/**
 * The scenario's id field as one name (plan output, the CRD's override): `freshness.id_field`, else the sentinel field
 * of the first stream that has one (each stream uses its own, sentinel-field.ts), else none.
 */
export function freshnessIdField(doc: ScenarioDoc, streams: ResolvedStream[]): string | null {
  if (doc.freshness?.id_field) return doc.freshness.id_field;
  return streams.find((s) => s.sentinelField !== null)?.sentinelField ?? null;
}

function resolveQuery(q: QueryDef, weight: number, streams: ResolvedStream[], defaultTimeoutMs: number,
  baseDir: string): ResolvedQuery {
  const native = q.type === 'sql' || q.type === 'dsl';
  const index = q.index ? q.index : null;
  const stream = index !== null
    ? (streams.find((s) => s.index === index) ?? null)
    : (!native && streams.length === 1 ? streams[0]! : null);
  const parsedSort = q.sort ? parseSortSpec(q.sort) : null;
  const sort = parsedSort?.ok ? parsedSort.sort : null;
  let sql = q.sql ?? null;
  if (sql === null && q.sql_file) sql = readFileSync(resolvePath(baseDir, q.sql_file), 'utf8');
  return {
    name: q.name,
    type: q.type,
    weight,
    category: q.category ?? null,
    template: native ? null : (q.template ?? ''),
    sort,
    limit: q.limit ?? null,
    timeRange: q.time_range ?? null,
    timeoutMs: q.timeout_ms && q.timeout_ms > 0 ? q.timeout_ms : defaultTimeoutMs,
    variables: q.variables ?? {},
    sql,
    sqlFile: q.sql_file ?? null,
    dsl: (q.dsl as Record<string, unknown> | undefined) ?? null,
    index: index ?? stream?.index ?? null,
    stream: stream?.name ?? null,
    description: q.description?.trim() ?? '',
  };
}
