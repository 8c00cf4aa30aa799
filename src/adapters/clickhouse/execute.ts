// Runs one benchmark query on ClickHouse (SPEC §7.4, §8.2): binds variables, POSTs the SQL under the abort signal, reads
// the hit count, classifies failures. Must never throw: every outcome is a QueryResult.
//
// Hits (the contract with compile.ts): search → `rows_before_limit_at_least`; aggregation → `totals.doc_count` (the
// rows matching filter and time range); native → `rows_before_limit_at_least` when present, else `rows`.

import { TargetError } from '../../core/errors.js';
import { bindSql } from '../bind.js';
import { ERROR_CLASSES, type CompiledQuery, type QueryResult, type Vars } from '../types.js';
import { clickhouseStringLiteral } from './compile.js';
import { exceptionText, httpFailure, transportFailure } from './failure.js';
import type { ClickHouseHttp, UrlSettings } from './http.js';

/** Error class of a query this adapter cannot send (a DSL body). */
export const UNSUPPORTED = 'unsupported';

/**
 * URL settings of a benchmark query: JSON unless the SQL names a format, and a server-side limit one second past the
 * query's timeout so a query the client gave up on does not keep running (18.16 does not cancel on disconnect).
 */
export function querySettings(timeoutMs: number): UrlSettings {
  const settings: Record<string, string | number> = { default_format: 'JSON' };
  if (timeoutMs > 0) settings.max_execution_time = Math.ceil(timeoutMs / 1000) + 1;
  return settings;
}

export async function executeClickHouse(http: ClickHouseHttp, q: CompiledQuery, vars: Vars, endpoint: string,
  signal: AbortSignal): Promise<QueryResult> {
  if (q.compiled.language !== 'sql') {
    return { ok: false, hits: null, errorClass: UNSUPPORTED, error: `query ${JSON.stringify(q.name)} is a DSL body; ClickHouse runs SQL` };
  }
  let sql: string;
  try {
    sql = bindSql(q.compiled.parts, vars, clickhouseStringLiteral);
  } catch (err) {
    const errorClass = err instanceof TargetError ? err.errorClass : 'bad_variable';
    return { ok: false, hits: null, errorClass, error: (err as Error).message };
  }
  let answer;
  try {
    answer = await http.post(endpoint, sql, querySettings(q.timeoutMs), signal);
  } catch (err) {
    const f = transportFailure(err, signal);
    return { ok: false, hits: null, errorClass: f.errorClass, error: f.message };
  }
  if (answer.status < 200 || answer.status > 299) {
    const f = httpFailure(answer.status, answer.text);
    return { ok: false, hits: null, errorClass: f.errorClass, error: f.message };
  }
  return readAnswer(q.kind, answer.text);
}

/** The QueryResult of a 2xx answer body. */
export function readAnswer(kind: CompiledQuery['kind'], text: string): QueryResult {
  if (text.trim() === '') return { ok: true, hits: null }; // a statement without a result set
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // An error after the answer had started (e.g. a limit hit while streaming) is appended to the partial body.
    const embedded = /Code: \d+, e\.displayText\(\).*$/m.exec(text)?.[0];
    return { ok: false, hits: null, errorClass: ERROR_CLASSES.parse,
      error: embedded ? exceptionText(embedded) : `the answer is not JSON (a FORMAT other than JSON?): ${JSON.stringify(text.slice(0, 120))}` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, hits: null, errorClass: ERROR_CLASSES.parse, error: 'the answer is JSON but not a FORMAT JSON object' };
  }
  const body = json as { rows?: unknown; rows_before_limit_at_least?: unknown; totals?: unknown };
  const hits = kind === 'aggregation' ? docCount(body.totals) ?? count(body.rows)
    : count(body.rows_before_limit_at_least) ?? count(body.rows);
  if (hits === null) {
    return { ok: false, hits: null, errorClass: ERROR_CLASSES.parse, error: 'the answer has no "rows" count; expected FORMAT JSON' };
  }
  return { ok: true, hits };
}

/** A count from JSON: a number, or a string of digits (UInt64 is quoted in ClickHouse's JSON). */
function count(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return null;
}

/** `totals.doc_count` (compile.ts may have renamed the alias to doc_count_ when a field is called doc_count). */
function docCount(totals: unknown): number | null {
  if (totals === null || typeof totals !== 'object' || Array.isArray(totals)) return null;
  const entries = Object.entries(totals as Record<string, unknown>).filter(([k]) => /^doc_count_*$/.test(k));
  entries.sort((a, b) => b[0].length - a[0].length); // the renamed alias is the longest: a field named doc_count is shorter
  return entries.length > 0 ? count(entries[0]![1]) : null;
}
