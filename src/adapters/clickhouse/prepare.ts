// Prepares ClickHouse for a run (SPEC §8.2, §17): checks every stream (columns, no rows unless --reuse-target), then
// creates table, Kafka table and view idempotently. Must not alter or drop, nor create before all streams passed.

import { ConfigError, TargetError, type Problem } from '../../core/errors.js';
import { show } from '../../scenario/problems.js';
import { didYouMean } from '../../scenario/suggest.js';
import type { PrepareContext, PrepareResult, StreamContext } from '../types.js';
import { streamColumns, type StreamColumns } from './columns.js';
import { clickhouseStringLiteral, timestampMsColumn, type ClickHouseDialect } from './compile.js';
import type { ClickHouseConfig } from './config.js';
import { createKafkaTableSql, createTableSql, createViewSql } from './ddl.js';
import { createdName, qualifiedName, streamObjects, tableKeyProblems, type StreamObjects } from './objects.js';
import type { StatementRunner } from './statement.js';

/** Error classes of a refused prepare (TargetError.errorClass). */
export const PREPARE_ERRORS = {
  notEmpty: 'target_not_empty',
  schemaMismatch: 'schema_mismatch',
} as const;

export const V18_OFFSET_WARNING = 'ClickHouse 18.x starts a new consumer group at the latest offset unless the server '
  + 'config has <kafka><auto_offset_reset>smallest</auto_offset_reset></kafka>; without it, events produced before the '
  + 'Kafka table subscribed are never consumed';

/** One stream's objects, columns and sorting key, checked against the config. */
export interface StreamPlan {
  objects: StreamObjects;
  columns: StreamColumns;
  orderBy: string[];
}

/**
 * The objects of every stream, with the config checked against the streams (the `table` key, `order_by` columns,
 * field names that collide with a `_ms` column). Throws a ConfigError listing every problem.
 */
export function planStreams(cfg: ClickHouseConfig, run: string, streams: readonly StreamContext[], configFile: string): StreamPlan[] {
  const problems: Problem[] = [...tableKeyProblems(cfg, streams, configFile)];
  const plans = streams.map((stream) => {
    const columns = streamColumns(stream);
    const names = columns.table.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      problems.push({ file: 'scenario', line: 0, col: 0, path: '',
        message: `stream ${show(stream.name)}: field ${show(dup)} has the name of a timestamp's millisecond column on ClickHouse; expected another field name` });
    }
    const orderBy = [...(cfg.orderBy ?? [stream.timestampField])];
    orderBy.forEach((name, i) => {
      const col = columns.table.find((c) => c.name === name);
      const path = cfg.orderBy && cfg.orderBy.length > 1 ? `order_by[${i}]` : 'order_by';
      if (col === undefined) {
        problems.push({ file: configFile, line: 0, col: 0, path,
          message: `${show(name)} is no column of stream ${show(stream.name)}${didYouMean(name, names)}; expected a field name (or a timestamp's ${show(timestampMsColumn(stream.timestampField))})` });
      } else if (col.type.startsWith('Nullable(')) {
        problems.push({ file: configFile, line: 0, col: 0, path,
          message: `${show(name)} can be null (its generator may emit null) and a ClickHouse sorting key cannot be Nullable; expected a column that always has a value` });
      }
    });
    return { objects: streamObjects(cfg, run, stream), columns, orderBy };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return plans;
}

interface Found {
  /** Names of existing tables/views of the database among those asked for. */
  tables: Set<string>;
  /** table → column → { type, comment, kind }. */
  columns: Map<string, Map<string, { type: string; comment: string; kind: string }>>;
}

/** Which of `names` exist in `database`, and the columns of those among `dataTables`. */
async function inspect(sql: StatementRunner, database: string, names: string[], dataTables: string[]): Promise<Found> {
  const list = names.map(clickhouseStringLiteral).join(', ');
  const db = clickhouseStringLiteral(database);
  const tables = new Set((await sql.rows(`SELECT name FROM system.tables WHERE database = ${db} AND name IN (${list})`,
    'listing existing tables')).map((r) => String(r[0])));
  const columns: Found['columns'] = new Map();
  const existingData = dataTables.filter((t) => tables.has(t));
  if (existingData.length > 0) {
    const rows = await sql.rows(`SELECT table, name, type, comment, default_kind FROM system.columns WHERE database = ${db} `
      + `AND table IN (${existingData.map(clickhouseStringLiteral).join(', ')})`, 'reading existing columns');
    for (const [table, name, type, comment, kind] of rows) {
      const t = String(table);
      if (!columns.has(t)) columns.set(t, new Map());
      columns.get(t)!.set(String(name), { type: String(type), comment: String(comment ?? ''), kind: String(kind ?? '') });
    }
  }
  return { tables, columns };
}

/** What differs between an existing table and the columns the view writes (the view needs them exactly). */
function columnMismatch(plan: StreamPlan, existing: Map<string, { type: string; kind: string }>): string[] {
  const out: string[] = [];
  for (const c of plan.columns.table) {
    const e = existing.get(c.name);
    if (e === undefined) out.push(`missing ${show(c.name)} ${c.type}`);
    else if (e.type !== c.type) out.push(`${show(c.name)} is ${e.type}, expected ${c.type}`);
  }
  for (const [name, e] of existing) {
    if (e.kind !== 'ALIAS' && !plan.columns.table.some((c) => c.name === name)) out.push(`extra column ${show(name)} ${e.type}`);
  }
  return out;
}

export async function prepareClickHouse(sql: StatementRunner, cfg: ClickHouseConfig, ctx: PrepareContext,
  opts: { configFile: string; dialect: ClickHouseDialect; version: string }): Promise<PrepareResult> {
  const plans = planStreams(cfg, ctx.run, ctx.streams, opts.configFile);
  const brokers = cfg.kafkaBrokerList ?? ctx.kafkaBootstrap;
  if (brokers.length === 0 && plans.length > 0) {
    throw new ConfigError([{ file: opts.configFile, line: 0, col: 0, path: 'kafka_broker_list',
      message: 'no Kafka bootstrap is known for ClickHouse; expected kafka_broker_list, e.g. "kafka:9092"' }]);
  }
  const byDb = new Map<string, StreamPlan[]>();
  for (const p of plans) byDb.set(p.objects.database, [...(byDb.get(p.objects.database) ?? []), p]);

  // 1. Checks — nothing is created until every stream has passed.
  const existing = new Set<string>(); // createdName of every object that exists already
  const existingRows: Record<string, number> = {};
  for (const [database, group] of byDb) {
    const found = await inspect(sql, database, group.flatMap((p) => [p.objects.table, p.objects.kafkaTable, p.objects.view]),
      group.map((p) => p.objects.table));
    for (const name of found.tables) existing.add(createdName(database, name));
    for (const p of group) {
      const o = p.objects;
      if (!found.tables.has(o.table)) continue;
      const cols = found.columns.get(o.table) ?? new Map();
      const mismatch = columnMismatch(p, cols);
      if (mismatch.length > 0) {
        throw new TargetError(PREPARE_ERRORS.schemaMismatch, `table ${createdName(database, o.table)} exists with other columns `
          + `than stream ${show(o.stream.name)} needs (${mismatch.join('; ')}); drop it, or name another table with the target config key "table"`);
      }
      const rows = await sql.number(`SELECT count() FROM ${qualifiedName(database, o.table)}`, `counting rows of ${createdName(database, o.table)}`);
      existingRows[o.stream.name] = rows;
      if (rows > 0 && !ctx.reuseTarget) {
        throw new TargetError(PREPARE_ERRORS.notEmpty, `table ${createdName(database, o.table)} already holds ${rows} rows; `
          + 'empty or drop it, or pass --reuse-target to run on top of them (the report then says so)');
      }
    }
  }

  // 2. Creation of what does not exist yet, in dependency order per stream: table, Kafka table, view (the view starts
  // the consumption). Statements are IF NOT EXISTS all the same; `created` lists what this call made (cleanup finds
  // the run's objects by name and mark whatever it is given).
  const created: string[] = [];
  const create = async (database: string, name: string, statement: string, what: string) => {
    const full = createdName(database, name);
    if (existing.has(full)) return;
    await sql.run(statement, `creating ${what} ${full}`);
    created.push(full);
    ctx.logger.info(`created ${what}`, { name: full });
  };
  for (const p of plans) {
    const o = p.objects;
    await create(o.database, o.table, createTableSql(o, p.columns, p.orderBy, ctx.run), 'table');
    await create(o.database, o.kafkaTable, createKafkaTableSql(o, p.columns, brokers, cfg.kafkaMaxBlockSize), 'Kafka table');
    await create(o.database, o.view, createViewSql(o, p.columns), 'materialized view');
  }

  const warnings = opts.dialect === 'v18' && plans.length > 0 ? [`${V18_OFFSET_WARNING} (server ${opts.version})`] : [];
  for (const w of warnings) ctx.logger.warn(w);
  return {
    consumerGroups: Object.fromEntries(plans.map((p) => [p.objects.stream.name, p.objects.consumerGroup])),
    created,
    queryEndpoints: { default: cfg.url },
    eventEncoding: { timestampFormat: 'iso8601' },
    existingRows: ctx.reuseTarget ? Object.fromEntries(plans.map((p) => [p.objects.stream.name, existingRows[p.objects.stream.name] ?? 0])) : null,
    warnings,
  };
}

/** Human steps of prepare for plan / --dry-run; no network call. */
export function describeClickHousePrepare(cfg: ClickHouseConfig, ctx: PrepareContext, opts: { configFile: string; dialect: ClickHouseDialect | null })
  : string[] {
  const plans = planStreams(cfg, ctx.run, ctx.streams, opts.configFile);
  const brokers = (cfg.kafkaBrokerList ?? ctx.kafkaBootstrap).join(',');
  const who = `${cfg.user ?? 'default'}${cfg.passwordRef ? ` with the password from ${'env' in cfg.passwordRef ? `$${cfg.passwordRef.env}` : cfg.passwordRef.file}` : ''}`;
  const steps = [
    opts.dialect === null
      ? `ClickHouse ${cfg.url} (user ${who}): read SELECT version() to choose the SQL dialect (v18 for 18.x, else current)`
      : `ClickHouse ${cfg.url} (user ${who}): SQL dialect ${opts.dialect} (set by the target config)`,
  ];
  for (const p of plans) {
    const o = p.objects;
    const name = show(o.stream.name);
    steps.push(
      `stream ${name}: table ${createdName(o.database, o.table)} (MergeTree ORDER BY ${p.orderBy.join(', ')}, ${p.columns.table.length} columns): `
        + `create it unless it exists; refuse if it holds rows${ctx.reuseTarget ? ' (--reuse-target: accept them and count them)' : ' (--reuse-target accepts them)'}`,
      `stream ${name}: Kafka table ${createdName(o.database, o.kafkaTable)} reading topic ${o.stream.topic} from ${brokers} as JSONEachRow in consumer group ${o.consumerGroup}`
        + (cfg.kafkaMaxBlockSize === null ? '' : `, blocks of ${cfg.kafkaMaxBlockSize} rows`),
      `stream ${name}: materialized view ${createdName(o.database, o.view)} TO ${createdName(o.database, o.table)} `
        + `(${o.stream.timestampField} parsed with parseDateTimeBestEffort; ${timestampMsColumn(o.stream.timestampField)} = whole seconds × 1000)`,
    );
  }
  return steps;
}
