// Which freshness sentinels are searchable (SPEC §8.6): one statement for all pending ids over every stream with the id
// field (UNION ALL). Must not cap or batch the ids, nor throw: a failed probe finds nothing and says why in the log.

import type { RunContext, StreamContext } from '../types.js';
import { clickhouseStringLiteral, quoteIdent } from './compile.js';
import type { ClickHouseConfig } from './config.js';
import { qualifiedName, tableFor } from './objects.js';
import { StatementError, type StatementRunner } from './statement.js';

/** SPEC §20's default when the plan names none: `trace_id`, else the first keyword field with a hex generator. */
export function defaultIdField(streams: readonly StreamContext[]): string | null {
  const first = streams[0];
  if (!first) return null;
  if (first.fields.some((f) => f.name === 'trace_id')) return 'trace_id';
  return first.fields.find((f) => f.type === 'keyword' && f.generator === 'hex')?.name ?? null;
}

/** The probe statement (without FORMAT), or null when no stream has the id field or no id is asked for. */
export function probeSql(cfg: ClickHouseConfig, ids: readonly string[], streams: readonly StreamContext[], idField: string): string | null {
  if (ids.length === 0) return null;
  const col = quoteIdent(idField);
  const list = [...new Set(ids)].map(clickhouseStringLiteral).join(', ');
  const parts = streams.filter((s) => s.fields.some((f) => f.name === idField))
    .map((s) => `SELECT DISTINCT ${col} AS id FROM ${qualifiedName(cfg.database, tableFor(cfg, s))} WHERE ${col} IN (${list})`);
  return parts.length === 0 ? null : parts.join(' UNION ALL ');
}

/**
 * The ids found. A table that does not exist (yet) finds nothing; so does a failed probe (logged as a warning) — the
 * sentinels stay pending, as in the other adapters.
 */
export async function probeSentinels(sql: StatementRunner, cfg: ClickHouseConfig, ids: readonly string[], ctx: RunContext,
  idField: string | null): Promise<Set<string>> {
  const field = idField ?? defaultIdField(ctx.streams);
  if (field === null) return new Set();
  const statement = probeSql(cfg, ids, ctx.streams, field);
  if (statement === null) return new Set();
  try {
    const rows = await sql.rows(statement, `probing ${ids.length} sentinel id(s)`);
    return new Set(rows.map((r) => r[0]).filter((v): v is string => typeof v === 'string'));
  } catch (err) {
    if (!(err instanceof StatementError && err.status === 404)) {
      ctx.logger.warn('freshness probe failed', { error: (err as Error).message });
    }
    return new Set();
  }
}
