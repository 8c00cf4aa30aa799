// Executes one compiled DSL query (OpenSearch, Elasticsearch, Mach5): binds variables, POSTs {endpoint}/{index}/_search
// under the query's abort signal, reads the result. Must never throw: every failure becomes a classified QueryResult.

import { TargetError } from '../../core/errors.js';
import { bindDsl } from '../bind.js';
import type { CompiledQuery, QueryResult, Vars } from '../types.js';
import { ERROR_CLASSES, httpErrorClass } from '../types.js';
import { SearchHttpClient, httpErrorText, indexSegment, isSuccess, transportFailure } from './http-client.js';
import { readSearchResponse } from './read-response.js';

export interface ExecuteOptions {
  /** Mach5 (SPEC §8.4): a 2xx body without a usable `hits.total` counts 0 hits instead of null. */
  missingTotalIsZero?: boolean;
}

export function searchUrl(endpoint: string, index: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${indexSegment(index)}/_search`;
}

export async function executeSearch(http: SearchHttpClient, q: CompiledQuery, vars: Vars, endpoint: string,
  signal: AbortSignal, opts: ExecuteOptions = {}): Promise<QueryResult> {
  const compiled = q.compiled;
  if (compiled.language !== 'dsl') {
    return failed('unsupported', `query ${JSON.stringify(q.name)} is ${compiled.language}; this adapter sends DSL only`);
  }
  let body: unknown;
  try {
    body = bindDsl(compiled.body, vars);
  } catch (err) {
    if (err instanceof TargetError) return failed(err.errorClass, err.message);
    return failed('bad_variable', err instanceof Error ? err.message : String(err));
  }
  let text: string;
  try {
    const res = await http.send('POST', searchUrl(endpoint, compiled.index), body, signal);
    if (!isSuccess(res.status)) return failed(httpErrorClass(res.status), httpErrorText(res));
    text = res.text;
  } catch (err) {
    const f = transportFailure(err, signal);
    return failed(f.errorClass, f.message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return failed(ERROR_CLASSES.parse, `response is not JSON: ${text.slice(0, 200)}`);
  }
  const result = readSearchResponse(json);
  if (opts.missingTotalIsZero && result.ok && result.hits === null) return { ...result, hits: 0 };
  return result;
}

function failed(errorClass: string, error: string): QueryResult {
  return { ok: false, hits: null, errorClass, error };
}
