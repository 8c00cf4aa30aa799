// The statements prepare and cleanup send (SPEC §8.2): MergeTree table, Kafka-engine table, materialized view TO the
// table, drops — every one idempotent, using only what 18.16 accepts. Must not send anything (prepare.ts does).

import { clickhouseStringLiteral, quoteIdent } from './compile.js';
import type { StreamColumns } from './columns.js';
import { ownerComment, qualifiedName, type StreamObjects } from './objects.js';

/** The Kafka-table settings 18.16 accepts are exactly these (it rejects any other, SPEC §8.2). */
export const KAFKA_SETTINGS_18 = [
  'kafka_broker_list', 'kafka_topic_list', 'kafka_group_name', 'kafka_format', 'kafka_num_consumers',
  'kafka_max_block_size', 'kafka_row_delimiter', 'kafka_schema',
] as const;

/**
 * `CREATE TABLE IF NOT EXISTS` of the data table: MergeTree sorted by `orderBy` (quoted column names), the first
 * column commented with the run that created it (cleanup drops a table only when it carries its own run's mark).
 */
export function createTableSql(o: StreamObjects, cols: StreamColumns, orderBy: readonly string[], run: string): string {
  const defs = cols.table.map((c, i) => `${quoteIdent(c.name)} ${c.type}${i === 0 ? ` COMMENT ${clickhouseStringLiteral(ownerComment(run))}` : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(o.database, o.table)} (${defs.join(', ')}) `
    + `ENGINE = MergeTree ORDER BY (${orderBy.map(quoteIdent).join(', ')})`;
}

/**
 * `CREATE TABLE IF NOT EXISTS` of the Kafka table reading the stream's topic as JSONEachRow in the run's group;
 * `maxBlockSize` (when given) sets `kafka_max_block_size`.
 */
export function createKafkaTableSql(o: StreamObjects, cols: StreamColumns, brokers: readonly string[], maxBlockSize: number | null = null)
  : string {
  const defs = cols.kafka.map((c) => `${quoteIdent(c.name)} ${c.type}`);
  const settings: [(typeof KAFKA_SETTINGS_18)[number], string][] = [
    ['kafka_broker_list', brokers.join(',')],
    ['kafka_topic_list', o.stream.topic],
    ['kafka_group_name', o.consumerGroup],
    ['kafka_format', 'JSONEachRow'],
  ];
  const numeric: [(typeof KAFKA_SETTINGS_18)[number], number][] = maxBlockSize === null ? [] : [['kafka_max_block_size', maxBlockSize]];
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(o.database, o.kafkaTable)} (${defs.join(', ')}) ENGINE = Kafka `
    + `SETTINGS ${[...settings.map(([k, v]) => `${k} = ${clickhouseStringLiteral(v)}`), ...numeric.map(([k, n]) => `${k} = ${n}`)].join(', ')}`;
}

/** `CREATE MATERIALIZED VIEW IF NOT EXISTS … TO <table>`: every Kafka row, timestamps parsed, into the data table. */
export function createViewSql(o: StreamObjects, cols: StreamColumns): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualifiedName(o.database, o.view)} TO ${qualifiedName(o.database, o.table)} `
    + `AS SELECT ${cols.select.join(', ')} FROM ${qualifiedName(o.database, o.kafkaTable)}`;
}

export function dropTableSql(database: string, name: string): string {
  return `DROP TABLE IF EXISTS ${qualifiedName(database, name)}`;
}
