// Freshness probe of the search family (SPEC §8.3 Probe, §8.6): one terms query for every pending sentinel id over
// every stream index with sentinels (each stream's own sentinel field), answering which ids are searchable. Must not
// retry, wait, or throw: a failed probe finds nothing.

import { probedStreams } from '../sentinel-fields.js';
import type { RunContext } from '../types.js';
import { SearchHttpClient, httpErrorText, isSuccess, jsonBody, transportFailure } from './http-client.js';
import { searchUrl } from './execute.js';

/** The largest `size` a default index accepts (index.max_result_window). */
export const MAX_PROBE_SIZE = 10_000;

/** The indexes to probe and the fields to look in: every stream that has sentinels, each with its own field. */
export function probeTargets(ctx: RunContext, configured: string | null): { indexes: string[]; fields: string[] } {
  const found = probedStreams(ctx.streams, configured);
  return { indexes: found.map((x) => x.stream.index), fields: [...new Set(found.map((x) => x.field))] };
}

/** One terms query for every id: on the one field, or on any of several (streams with different sentinel fields). */
export function probeBody(fields: readonly string[], ids: readonly string[]): unknown {
  const terms = fields.map((f) => ({ terms: { [f]: [...ids] } }));
  return {
    size: Math.min(ids.length, MAX_PROBE_SIZE),
    _source: [...fields],
    query: terms.length === 1 ? terms[0] : { bool: { should: terms, minimum_should_match: 1 } },
  };
}

/** The ids of `wanted` found in a search response's hits (flat dotted keys or nested objects in `_source`). */
export function foundIds(json: unknown, fields: readonly string[], wanted: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const hits = (json as { hits?: { hits?: unknown } } | undefined)?.hits?.hits;
  if (!Array.isArray(hits)) return out;
  for (const h of hits) {
    for (const f of fields) {
      const v = sourceValue((h as { _source?: unknown } | null)?._source, f);
      if (typeof v === 'string' && wanted.has(v)) out.add(v);
    }
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
    const { indexes, fields } = probeTargets(ctx, this.idField);
    if (ids.length === 0 || indexes.length === 0) {
      if (ids.length > 0) this.report(ctx, 'no stream with a sentinel id field to probe');
      return new Set();
    }
    const url = searchUrl(endpoint, indexes.join(','));
    try {
      const res = await this.http.send('POST', url, probeBody(fields, ids));
      if (res.status === 404) return new Set();
      if (!isSuccess(res.status)) {
        this.report(ctx, `probe POST ${url}: ${httpErrorText(res)}`);
        return new Set();
      }
      this.lastProblem = '';
      return foundIds(jsonBody(res), fields, new Set(ids));
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
