// Which freshness sentinels are searchable (SPEC §8.6): one statement for all pending ids over every stream that has
// sentinels, each on its own sentinel field (UNION ALL). Must not cap or batch the ids, nor throw: a failed probe finds nothing and says why in the log.

import { probedStreams } from '../sentinel-fields.js';
import type { RunContext, StreamContext } from '../types.js';
import { clickhouseStringLiteral, quoteIdent } from './compile.js';
import type { ClickHouseConfig } from './config.js';
import { qualifiedName, tableFor } from './objects.js';
import { StatementError, type StatementRunner } from './statement.js';

/**
 * The probe statement (without FORMAT): per stream that has sentinels, its table searched on its own sentinel field,
 * joined with UNION ALL; null when no stream has sentinels or no id is asked for.
 */
export function probeSql(cfg: ClickHouseConfig, ids: readonly string[], streams: readonly StreamContext[], idField: string | null)
  : string | null {
  if (ids.length === 0) return null;
  const list = [...new Set(ids)].map(clickhouseStringLiteral).join(', ');
  const parts = probedStreams(streams, idField).map(({ stream, field }) => {
    const col = quoteIdent(field);
    return `SELECT DISTINCT ${col} AS id FROM ${qualifiedName(cfg.database, tableFor(cfg, stream))} WHERE ${col} IN (${list})`;
  });
  return parts.length === 0 ? null : parts.join(' UNION ALL ');
}

/**
 * The ids found. A table that does not exist (yet) finds nothing; so does a failed probe (logged as a warning) — the
 * sentinels stay pending, as in the other adapters.
 */
export async function probeSentinels(sql: StatementRunner, cfg: ClickHouseConfig, ids: readonly string[], ctx: RunContext,
  idField: string | null): Promise<Set<string>> {
  const statement = probeSql(cfg, ids, ctx.streams, idField);
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
