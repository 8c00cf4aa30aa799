// Executes a compiled Mach5 query: DSL over HTTP to a warehouse query endpoint (§8.3 reading, with Mach5's
// "missing total counts 0"), `type: sql` over the PostgreSQL wire protocol (sql.ts). Must never throw from execute.

import { TargetError } from '../../core/errors.js';
import type { ResolvedQuery } from '../../scenario/resolved.js';
import type { CompiledQuery, QueryResult, Vars } from '../types.js';
import { POSTGRES_NATIVE_SQL, nativeSqlParts, sqlVariables } from '../native-sql.js';
import { executeSearch } from '../opensearch/execute.js';
import type { SearchHttpClient } from '../opensearch/http-client.js';
import { UNKNOWN_WAREHOUSE, type Mach5SqlClient } from './sql.js';

/** The error class of a query that cannot be compiled (as the other adapters). */
export const BAD_QUERY = 'bad_query';

/**
 * A `type: sql` query for the PostgreSQL wire protocol: the text as written, each `{{var}}` a string slot bound as a
 * PostgreSQL literal (native-sql.ts rules). Throws a TargetError (bad_query) for a placeholder no literal can replace.
 */
export function compileMach5Sql(q: ResolvedQuery): CompiledQuery {
  const fail = (what: string): never => {
    throw new TargetError(BAD_QUERY, `query ${JSON.stringify(q.name)} ${what}`);
  };
  if (q.sql === null) fail('is type: sql but has no SQL text');
  const parts = nativeSqlParts(q.sql!, POSTGRES_NATIVE_SQL, fail);
  return {
    name: q.name,
    kind: 'native',
    stream: q.stream,
    index: q.index,
    timeoutMs: q.timeoutMs,
    variables: sqlVariables(parts),
    compiled: { language: 'sql', parts },
  };
}

export interface Mach5Executors {
  http: SearchHttpClient;
  sql: Mach5SqlClient;
  /** The warehouse whose pgwire session serves a query endpoint (sql.ts warehouseForEndpoint), or null. */
  warehouseOf(endpoint: string): string | null;
}

export function executeMach5(x: Mach5Executors, q: CompiledQuery, vars: Vars, endpoint: string,
  signal: AbortSignal): Promise<QueryResult> {
  if (q.compiled.language === 'sql') {
    const warehouse = x.warehouseOf(endpoint);
    if (warehouse === null) {
      return Promise.resolve({ ok: false, hits: null, errorClass: UNKNOWN_WAREHOUSE,
        error: `query endpoint ${JSON.stringify(endpoint)} belongs to no configured warehouse; expected the query `
          + 'endpoint of one of the target config\'s warehouses' });
    }
    return x.sql.execute(q, vars, warehouse, signal);
  }
  return executeSearch(x.http, q, vars, endpoint, signal, { missingTotalIsZero: true });
}
