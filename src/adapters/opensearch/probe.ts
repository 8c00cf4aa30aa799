// Freshness probe of the search family (SPEC §8.3 Probe, §8.6): one terms query for every pending sentinel id,
// answering which ids are searchable. Must not retry, wait, or throw: a failed probe finds nothing.

import type { RunContext } from '../types.js';
import { SearchHttpClient, httpErrorText, isSuccess, jsonBody, transportFailure } from './http-client.js';
import { searchUrl } from './execute.js';

/** The largest `size` a default index accepts (index.max_result_window). */
export const MAX_PROBE_SIZE = 10_000;

/**
 * The field carrying sentinel ids: the plan's freshness id field when given, else the rule of SPEC §20 on the first
 * stream (`trace_id`, else the first keyword field with a hex generator), else null.
 */
export function sentinelIdField(ctx: RunContext, configured: string | null): string | null {
  if (configured !== null && configured !== '') return configured;
  const first = ctx.streams[0];
  if (!first) return null;
  if (first.fields.some((f) => f.name === 'trace_id')) return 'trace_id';
  return first.fields.find((f) => f.type === 'keyword' && f.generator === 'hex')?.name ?? null;
}

/** The indexes to probe: the streams that have the id field (all streams when none declares it). */
export function probedIndexes(ctx: RunContext, idField: string): string[] {
  const withField = ctx.streams.filter((s) => s.fields.some((f) => f.name === idField));
  return (withField.length > 0 ? withField : ctx.streams).map((s) => s.index);
}

export function probeBody(idField: string, ids: readonly string[]): unknown {
  return {
    size: Math.min(ids.length, MAX_PROBE_SIZE),
    _source: [idField],
    query: { terms: { [idField]: [...ids] } },
  };
}

/** The ids of `wanted` found in a search response's hits (flat dotted keys or nested objects in `_source`). */
export function foundIds(json: unknown, idField: string, wanted: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const hits = (json as { hits?: { hits?: unknown } } | undefined)?.hits?.hits;
  if (!Array.isArray(hits)) return out;
  for (const h of hits) {
    const v = sourceValue((h as { _source?: unknown } | null)?._source, idField);
    if (typeof v === 'string' && wanted.has(v)) out.add(v);
  }
  return out;
}

function sourceValue(source: unknown, field: string): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  const flat = (source as Record<string, unknown>)[field];
  if (flat !== undefined) return flat;
  let node: unknown = source;
  for (const part of field.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Probes every stream index of the run at `endpoint` in one request; 404 and failures find nothing. */
export class SentinelProbe {
  private lastProblem = '';

  /** `idField`: the plan's freshness id field, or null for the SPEC §20 default. */
  constructor(private readonly http: SearchHttpClient, private readonly idField: string | null) {}

  async probe(endpoint: string, ids: readonly string[], ctx: RunContext): Promise<Set<string>> {
    const idField = sentinelIdField(ctx, this.idField);
    if (ids.length === 0 || idField === null || ctx.streams.length === 0) {
      if (ids.length > 0) this.report(ctx, 'no sentinel id field or no stream index to probe');
      return new Set();
    }
    const url = searchUrl(endpoint, probedIndexes(ctx, idField).join(','));
    try {
      const res = await this.http.send('POST', url, probeBody(idField, ids));
      if (res.status === 404) return new Set();
      if (!isSuccess(res.status)) {
        this.report(ctx, `probe POST ${url}: ${httpErrorText(res)}`);
        return new Set();
      }
      this.lastProblem = '';
      return foundIds(jsonBody(res), idField, new Set(ids));
    } catch (err) {
      this.report(ctx, `probe POST ${url}: ${transportFailure(err).message}`);
      return new Set();
    }
  }

  /** Logs a probe problem once until it changes (probes run every 250 ms). */
  private report(ctx: RunContext, problem: string): void {
    if (problem === this.lastProblem) return;
    this.lastProblem = problem;
    ctx.logger.warn('sentinel probe found nothing', { problem });
  }
}
