// Removes a run's ClickHouse objects, idempotently (SPEC §8.1, §8.2): per stream view, Kafka table, then the data table
// if this run created it. Must not drop a table another run or the user owns, nor fail on "not found".

import { TargetError } from '../../core/errors.js';
import type { CleanupContext } from '../types.js';
import { clickhouseStringLiteral } from './compile.js';
import type { ClickHouseConfig } from './config.js';
import { dropTableSql } from './ddl.js';
import { createdName, ownerComment, streamObjects } from './objects.js';
import { StatementError, type StatementRunner } from './statement.js';

/** Error class of a cleanup that could not drop everything (every failure is named in the message). */
export const CLEANUP_FAILED = 'cleanup_failed';

interface Drop {
  database: string;
  name: string;
}

/** Tables of `database` among `names` that carry this run's mark (see createTableSql). */
async function ownedTables(sql: StatementRunner, database: string, names: string[], run: string): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  try {
    const rows = await sql.rows(`SELECT DISTINCT table FROM system.columns WHERE database = ${clickhouseStringLiteral(database)} `
      + `AND table IN (${names.map(clickhouseStringLiteral).join(', ')}) AND comment = ${clickhouseStringLiteral(ownerComment(run))}`,
    'finding the tables this run created');
    return new Set(rows.map((r) => String(r[0])));
  } catch (err) {
    if (err instanceof StatementError && err.status === 404) return new Set();
    throw err;
  }
}

/**
 * `known`: what prepare reported as created (ctx.prepared plus this adapter's own prepare calls). The data table is
 * dropped when it is in `known` or carries this run's mark; views and Kafka tables of the run always.
 */
export async function cleanupClickHouse(sql: StatementRunner, cfg: ClickHouseConfig, ctx: CleanupContext, known: ReadonlySet<string>)
  : Promise<void> {
  const objects = ctx.streams.map((s) => streamObjects(cfg, ctx.run, s));
  const drops: Drop[] = [];
  const listed = new Set<string>();
  const add = (database: string, name: string) => {
    const key = createdName(database, name);
    if (listed.has(key)) return;
    listed.add(key);
    drops.push({ database, name });
  };
  const byDb = new Map<string, string[]>();
  for (const o of objects) byDb.set(o.database, [...(byDb.get(o.database) ?? []), o.table]);
  const owned = new Set<string>();
  for (const [database, tables] of byDb) {
    for (const t of await ownedTables(sql, database, tables, ctx.run)) owned.add(createdName(database, t));
  }
  for (const o of objects) {
    add(o.database, o.view);
    add(o.database, o.kafkaTable);
    const table = createdName(o.database, o.table);
    if (owned.has(table) || known.has(table)) add(o.database, o.table);
  }
  // Objects a prepare reported that the streams no longer name (e.g. a changed table key): newest first.
  for (const name of [...known].reverse()) {
    const dot = name.indexOf('.');
    if (dot > 0) add(name.slice(0, dot), name.slice(dot + 1));
  }

  const failures: string[] = [];
  for (const d of drops) {
    try {
      await sql.run(dropTableSql(d.database, d.name), `dropping ${createdName(d.database, d.name)}`);
      ctx.logger.info('dropped (if it existed)', { object: createdName(d.database, d.name) });
    } catch (err) {
      if (err instanceof StatementError && err.status === 404) continue; // the database is gone: nothing to drop
      failures.push((err as Error).message);
    }
  }
  if (failures.length > 0) {
    throw new TargetError(CLEANUP_FAILED, failures.join('; '));
  }
}
