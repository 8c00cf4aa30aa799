// Executes a compiled Mach5 query: DSL over HTTP to a warehouse query endpoint (§8.3 reading, with Mach5's
// "missing total counts 0"); `type: sql` over pgwire is unsupported (no client dependency). Must never throw.

import type { ResolvedQuery } from '../../scenario/resolved.js';
import type { CompiledQuery, QueryResult, Vars } from '../types.js';
import { executeSearch } from '../opensearch/execute.js';
import type { SearchHttpClient } from '../opensearch/http-client.js';

export const SQL_UNSUPPORTED = 'unsupported';

/** A `type: sql` query kept as text: it compiles (plans stay valid) but executes as an 'unsupported' failure. */
export function compileMach5Sql(q: ResolvedQuery): CompiledQuery {
  return {
    name: q.name,
    kind: 'native',
    stream: q.stream,
    index: q.index,
    timeoutMs: q.timeoutMs,
    variables: [],
    compiled: { language: 'sql', parts: [{ text: q.sql ?? '' }] },
  };
}

export function executeMach5(http: SearchHttpClient, q: CompiledQuery, vars: Vars, endpoint: string,
  signal: AbortSignal): Promise<QueryResult> {
  if (q.compiled.language === 'sql') {
    return Promise.resolve({
      ok: false, hits: null, errorClass: SQL_UNSUPPORTED,
      error: `query ${JSON.stringify(q.name)}: Mach5 SQL over the PostgreSQL wire protocol is not supported by this `
        + 'harness (no PostgreSQL client dependency); use type: dsl or a template query',
    });
  }
  return executeSearch(http, q, vars, endpoint, signal, { missingTotalIsZero: true });
}
