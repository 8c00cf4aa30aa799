// Reads the body of a 2xx `_search` answer into a QueryResult (SPEC §8.3 "Reading results"), for OpenSearch,
// Elasticsearch and Mach5. Must not do HTTP or classify non-2xx statuses (the adapter does, by status).

import { ERROR_CLASSES, type QueryResult } from '../types.js';

/**
 * - `hits` = `hits.total.value`, or `hits.total` when it is a number (Elasticsearch 6, `rest_total_hits_as_int`);
 *   null when the body has no total (`track_total_hits: false`). A total with `relation: "gte"` is a lower bound.
 * - `timed_out: true` → error class `timeout`; `_shards.failed > 0` → error class `partial`.
 * - A body that is not a search answer (not an object, or without `hits`) → error class `bad_response`.
 */
export function readSearchResponse(json: unknown): QueryResult {
  if (!isObject(json)) {
    return { ok: false, hits: null, errorClass: ERROR_CLASSES.parse, error: `expected a JSON object from _search, got ${describe(json)}` };
  }
  if (json.timed_out === true) {
    return { ok: false, hits: null, errorClass: ERROR_CLASSES.timeout, error: 'the search timed out (timed_out: true)' };
  }
  const shards = json._shards;
  if (isObject(shards) && typeof shards.failed === 'number' && shards.failed > 0) {
    const total = typeof shards.total === 'number' ? ` of ${shards.total}` : '';
    return { ok: false, hits: null, errorClass: ERROR_CLASSES.partial,
      error: `${shards.failed}${total} shards failed${firstReason(shards.failures)}` };
  }
  const hits = json.hits;
  if (!isObject(hits)) {
    return { ok: false, hits: null, errorClass: ERROR_CLASSES.parse, error: 'expected "hits" in the _search answer, found none' };
  }
  const total = hits.total;
  if (typeof total === 'number' && Number.isFinite(total)) return { ok: true, hits: total };
  if (isObject(total) && typeof total.value === 'number' && Number.isFinite(total.value)) return { ok: true, hits: total.value };
  if (total === undefined) return { ok: true, hits: null };
  return { ok: false, hits: null, errorClass: ERROR_CLASSES.parse, error: `expected hits.total to be a number or {"value": n}, got ${describe(total)}` };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function describe(x: unknown): string {
  const text = JSON.stringify(x) ?? String(x);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `: <reason>` of the first shard failure, when the body gives one. */
function firstReason(failures: unknown): string {
  if (!Array.isArray(failures) || failures.length === 0) return '';
  const f: unknown = failures[0];
  const reason = isObject(f) && isObject(f.reason) ? f.reason : null;
  if (reason === null) return '';
  const type = typeof reason.type === 'string' ? reason.type : '';
  const text = typeof reason.reason === 'string' ? reason.reason : '';
  const joined = [type, text].filter((s) => s !== '').join(': ');
  return joined === '' ? '' : `: ${joined.length > 200 ? `${joined.slice(0, 197)}...` : joined}`;
}
