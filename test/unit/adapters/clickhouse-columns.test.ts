// Unit tests of the ClickHouse schema side (SPEC §8.2): field types → column types, Nullable exactly where a
// generator can emit null, the view's SELECT, the exact DDL, run-named objects, and config checks against streams.

import assert from 'node:assert/strict';
import { clickhouseType, nullableFields, streamColumns } from '../../../src/adapters/clickhouse/columns.js';
import { parseClickHouseConfig, type ClickHouseConfig } from '../../../src/adapters/clickhouse/config.js';
import { createKafkaTableSql, createTableSql, createViewSql, dropTableSql } from '../../../src/adapters/clickhouse/ddl.js';
import { consumerGroupName, runSuffix, streamObjects, tableFor } from '../../../src/adapters/clickhouse/objects.js';
import { planStreams } from '../../../src/adapters/clickhouse/prepare.js';
import type { StreamContext } from '../../../src/adapters/types.js';
import { ConfigError } from '../../../src/core/errors.js';
import { readFields } from '../../../src/scenario/check-fields.js';
import type { FieldDef } from '../../../src/scenario/schema.js';

const FIELDS: FieldDef[] = [
  { name: 'ts', type: 'timestamp', generator: 'now' },
  { name: 'level', type: 'keyword', generator: 'enum', config: { values: ['INFO', 'ERROR'] } },
  { name: 'error_code', type: 'keyword', generator: 'conditional', config: { condition: 'level == ERROR', generator: 'enum', values: ['E1', 'E2'] } },
  { name: 'outcome', type: 'keyword', generator: 'conditional', config: { condition: 'level == ERROR', generator: 'enum', values: ['failed'], else: 'ok' } },
  { name: 'status', type: 'int', generator: 'range', config: { min: 200, max: 599 } },
  { name: 'bytes', type: 'long', generator: 'derived', config: { expression: 'status * 1000' } },
  { name: 'ratio', type: 'float', generator: 'derived', config: { expression: 'status / 2' } },
  { name: 'code_copy', type: 'keyword', generator: 'derived', config: { expression: 'error_code' } },
  { name: 'message', type: 'text', generator: 'template', config: { templates: { INFO: ['fine'], ERROR: ['failed with {status}'] } } },
  { name: 'client_ip', type: 'ip', generator: 'ip', config: { cidr: '10.0.0.0/8' } },
  { name: 'retry', type: 'boolean', generator: 'enum', config: { values: [true, false] } },
  { name: 'kubernetes.pod_name', type: 'keyword', generator: 'enum', config: { values: ['api-1'] } },
];

function stream(over: Partial<StreamContext> = {}): StreamContext {
  return { name: 'app', index: 'ib-app.logs', timestampField: 'ts', fields: FIELDS, topic: 'ib.r-1.events', partitions: 4, ...over };
}

function config(raw: Record<string, unknown> = {}): ClickHouseConfig {
  return parseClickHouseConfig({ url: 'http://ch:8123', ...raw }).config;
}

function configProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
  assert.fail('no ConfigError');
}

describe('ClickHouse columns and DDL (SPEC §8.2)', () => {
  it('maps field types: keyword/text/ip → String, int → Int32, long → Int64, float → Float64, boolean → UInt8, timestamp → DateTime', () => {
    assert.deepEqual(
      (['keyword', 'text', 'ip', 'int', 'long', 'float', 'boolean', 'timestamp'] as const).map((t) => clickhouseType(t, false)),
      ['String', 'String', 'String', 'Int32', 'Int64', 'Float64', 'UInt8', 'DateTime'],
    );
    assert.equal(clickhouseType('int', true), 'Nullable(Int32)');
  });

  it('makes Nullable exactly the fields that can be null: else-null conditionals, divisions, copies of nullable fields', () => {
    const unreadable: string[] = [];
    readFields(FIELDS, ['fields'], { error: (_p, m) => unreadable.push(m), warn: () => {} });
    assert.deepEqual(unreadable, [], 'the fixture fields read cleanly (an unreadable field would count as nullable)');
    assert.deepEqual([...nullableFields(FIELDS)].sort(), ['code_copy', 'error_code', 'ratio']);
  });

  it('gives a timestamp a DateTime and a UInt64 _ms column; the Kafka table reads it as text; the view parses it', () => {
    const cols = streamColumns(stream());
    assert.deepEqual(cols.table.map((c) => `${c.name} ${c.type}`), [
      'ts DateTime', 'ts_ms UInt64', 'level String', 'error_code Nullable(String)', 'outcome String', 'status Int32',
      'bytes Int64', 'ratio Nullable(Float64)', 'code_copy Nullable(String)', 'message String', 'client_ip String',
      'retry UInt8', 'kubernetes.pod_name String',
    ]);
    assert.deepEqual(cols.kafka.map((c) => `${c.name} ${c.type}`), [
      'ts String', 'level String', 'error_code Nullable(String)', 'outcome String', 'status Int32', 'bytes Int64',
      'ratio Nullable(Float64)', 'code_copy Nullable(String)', 'message String', 'client_ip String', 'retry UInt8',
      'kubernetes.pod_name String',
    ]);
    assert.deepEqual(cols.select.slice(0, 3), [
      'parseDateTimeBestEffort(`ts`) AS `ts`',
      'toUInt64(toUnixTimestamp(parseDateTimeBestEffort(toString(`ts`)))) * 1000 AS `ts_ms`',
      '`level`',
    ]);
    assert.equal(cols.select.length, cols.table.length);
  });

  it('names the run\'s objects: table from the index, Kafka table and view with the run, group ib-<run>-<stream>', () => {
    const o = streamObjects(config(), 'local-20260101-120000', stream());
    assert.deepEqual({ table: o.table, kafkaTable: o.kafkaTable, view: o.view, group: o.consumerGroup, database: o.database }, {
      table: 'ib_app_logs',
      kafkaTable: 'ib_app_logs_kafka_local_20260101_120000',
      view: 'ib_app_logs_mv_local_20260101_120000',
      group: 'ib-local-20260101-120000-app',
      database: 'default',
    });
    assert.equal(runSuffix('a-b.c'), 'a_b_c');
    assert.equal(consumerGroupName('r1', 'db'), 'ib-r1-db');
    assert.equal(tableFor(config({ table: 'logs' }), stream()), 'logs');
    assert.equal(tableFor(config({ table: { 'ib-app.logs': 'app_logs' } }), stream()), 'app_logs');
    assert.equal(tableFor(config({ table: { app: 'by_stream_name' } }), stream()), 'by_stream_name');
    assert.equal(tableFor(config({ table: { other: 'x' } }), stream()), 'ib_app_logs');
  });

  it('writes the exact DDL: MergeTree with the run mark, Kafka table with the 18.16 settings only, view TO the table', () => {
    const s = stream({ fields: FIELDS.filter((f) => ['ts', 'error_code', 'level', 'kubernetes.pod_name'].includes(f.name)) });
    const o = streamObjects(config({ database: 'logs' }), 'r-1', s);
    const cols = streamColumns(s);
    assert.equal(createTableSql(o, cols, ['ts'], 'r-1'),
      'CREATE TABLE IF NOT EXISTS `logs`.`ib_app_logs` (`ts` DateTime COMMENT \'incidentbench run r-1\', `ts_ms` UInt64, '
        + '`level` String, `error_code` Nullable(String), `kubernetes.pod_name` String) ENGINE = MergeTree ORDER BY (`ts`)');
    assert.equal(createKafkaTableSql(o, cols, ['kafka-0:9092', 'kafka-1:9092']),
      'CREATE TABLE IF NOT EXISTS `logs`.`ib_app_logs_kafka_r_1` (`ts` String, `level` String, `error_code` Nullable(String), '
        + '`kubernetes.pod_name` String) ENGINE = Kafka SETTINGS kafka_broker_list = \'kafka-0:9092,kafka-1:9092\', '
        + 'kafka_topic_list = \'ib.r-1.events\', kafka_group_name = \'ib-r-1-app\', kafka_format = \'JSONEachRow\'');
    assert.match(createKafkaTableSql(o, cols, ['k:9092'], 500), / kafka_format = 'JSONEachRow', kafka_max_block_size = 500$/,
      'kafka_max_block_size, a number, when the target config sets it');
    assert.equal(createViewSql(o, cols),
      'CREATE MATERIALIZED VIEW IF NOT EXISTS `logs`.`ib_app_logs_mv_r_1` TO `logs`.`ib_app_logs` AS SELECT '
        + 'parseDateTimeBestEffort(`ts`) AS `ts`, toUInt64(toUnixTimestamp(parseDateTimeBestEffort(toString(`ts`)))) * 1000 AS `ts_ms`, '
        + '`level`, `error_code`, `kubernetes.pod_name` FROM `logs`.`ib_app_logs_kafka_r_1`');
    assert.equal(dropTableSql('logs', 'ib_app_logs_mv_r_1'), 'DROP TABLE IF EXISTS `logs`.`ib_app_logs_mv_r_1`');
  });

  it('escapes hostile names and values in DDL: a backtick in a field name, a quote in a topic', () => {
    const s = stream({ topic: "ib.x'; DROP TABLE t; --", fields: [{ name: 'ts', type: 'timestamp', generator: 'now' }, { name: 'a`b', type: 'keyword', generator: 'hex', config: { length: 4 } }] });
    const o = streamObjects(config(), 'r1', s);
    const kafka = createKafkaTableSql(o, streamColumns(s), ['k:9092']);
    assert.ok(kafka.includes('`a\\`b` String'), kafka);
    assert.ok(kafka.includes("kafka_topic_list = 'ib.x\\'; DROP TABLE t; --'"), kafka);
  });

  it('sorts by the timestamp by default, by order_by when given; refuses unknown and Nullable sorting columns', () => {
    assert.deepEqual(planStreams(config(), 'r1', [stream()], 'ch.yaml')[0]!.orderBy, ['ts']);
    assert.deepEqual(planStreams(config({ order_by: ['level', 'ts_ms'] }), 'r1', [stream()], 'ch.yaml')[0]!.orderBy, ['level', 'ts_ms']);
    assert.deepEqual(configProblems(() => planStreams(config({ order_by: ['levle', 'error_code'] }), 'r1', [stream()], 'ch.yaml')), [
      'ch.yaml: order_by[0]: "levle" is no column of stream "app" (did you mean "level"?); expected a field name (or a timestamp\'s "ts_ms")',
      'ch.yaml: order_by[1]: "error_code" can be null (its generator may emit null) and a ClickHouse sorting key cannot be Nullable; '
        + 'expected a column that always has a value',
    ]);
  });

  it('refuses one table name for several streams, and a table mapping key that names no stream', () => {
    const db = stream({ name: 'db', index: 'ib-db-logs', topic: 'ib.r1.events.db' });
    assert.deepEqual(configProblems(() => planStreams(config({ table: 'logs' }), 'r1', [stream(), db], 'ch.yaml')), [
      'ch.yaml: table: one table name ("logs") cannot serve 2 streams ("ib-app.logs", "ib-db-logs"); expected a mapping of index_name to table name',
    ]);
    assert.deepEqual(configProblems(() => planStreams(config({ table: { 'ib-db-lgos': 'db' } }), 'r1', [stream(), db], 'ch.yaml')), [
      'ch.yaml: table.ib-db-lgos: "ib-db-lgos" names no stream (did you mean "ib-db-logs"?); expected one of "ib-app.logs", "ib-db-logs"',
    ]);
  });
});
