// Request-level tests of the ClickHouse adapter (SPEC §8.1, §8.2, §8.6): the exact statements prepare, cleanup, probe
// and execute send (URL, headers, SQL) in order, against ClickHouse 18.16's recorded answer shapes.

import assert from 'node:assert/strict';
import { createClickHouseAdapter, type ClickHouseAdapter } from '../../../src/adapters/clickhouse/index.js';
import { dialectOfVersion } from '../../../src/adapters/clickhouse/dialect.js';
import { ClickHouseHttp } from '../../../src/adapters/clickhouse/http.js';
import { StatementRunner } from '../../../src/adapters/clickhouse/statement.js';
import { ADAPTER_NAMES } from '../../../src/adapters/languages.js';
import { createAdapter, adapterNames } from '../../../src/adapters/registry.js';
import type { CompiledQuery, PrepareContext, StreamContext } from '../../../src/adapters/types.js';
import { ConfigError, TargetError, UsageError } from '../../../src/core/errors.js';
import { Logger } from '../../../src/core/logger.js';
import type { ResolvedQuery } from '../../../src/scenario/resolved.js';
import { HttpScript, type Reply } from '../../fixtures/http/http-script.js';

const BASE = 'http://clickhouse.test:8123';
const STATEMENT_URL = `${BASE}/?database=default`;
const RUN = 'r-1';

/** A JSONCompact answer laid out as ClickHouse 18.16 writes it. */
function compact(meta: [string, string][], data: unknown[][]): Reply {
  const metaText = meta.map(([name, type]) => `\t\t{\n\t\t\t"name": ${JSON.stringify(name)},\n\t\t\t"type": ${JSON.stringify(type)}\n\t\t}`).join(',\n');
  const dataText = data.map((row) => `\t\t${JSON.stringify(row)}`).join(',\n');
  return { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, text: `{\n\t"meta":\n\t[\n${metaText}\n\t],\n\n\t"data":\n\t[\n${dataText}\n\t],\n\n\t"rows": ${data.length},\n\n`
    + '\t"statistics":\n\t{\n\t\t"elapsed": 0.000303836,\n\t\t"rows_read": 1,\n\t\t"bytes_read": 1\n\t}\n}\n' };
}
const EMPTY: Reply = { status: 200, text: '' };
const exception = (status: number, text: string): Reply => ({ status, text: `${text}, e.what() = DB::Exception\n` });

function appStream(over: Partial<StreamContext> = {}): StreamContext {
  return {
    name: 'app', index: 'ib-app-logs', timestampField: 'ts', topic: `ib.${RUN}.events`, partitions: 4,
    fields: [
      { name: 'ts', type: 'timestamp', generator: 'now' },
      { name: 'level', type: 'keyword', generator: 'enum', config: { values: ['INFO', 'ERROR'] } },
      { name: 'trace_id', type: 'keyword', generator: 'hex', config: { length: 32 } },
      { name: 'status', type: 'int', generator: 'range', config: { min: 200, max: 599 } },
    ],
    ...over,
  };
}
const dbStream = () => appStream({ name: 'db', index: 'ib-db-logs', topic: `ib.${RUN}.events.db` });

const TABLE_SQL = 'CREATE TABLE IF NOT EXISTS `default`.`ib_app_logs` (`ts` DateTime COMMENT \'incidentbench run r-1\', `ts_ms` UInt64, '
  + '`level` String, `trace_id` String, `status` Int32) ENGINE = MergeTree ORDER BY (`ts`)';
const KAFKA_SQL = 'CREATE TABLE IF NOT EXISTS `default`.`ib_app_logs_kafka_r_1` (`ts` String, `level` String, `trace_id` String, '
  + '`status` Int32) ENGINE = Kafka SETTINGS kafka_broker_list = \'kafka-0.kafka:9092,kafka-1.kafka:9092\', '
  + 'kafka_topic_list = \'ib.r-1.events\', kafka_group_name = \'ib-r-1-app\', kafka_format = \'JSONEachRow\'';
const VIEW_SQL = 'CREATE MATERIALIZED VIEW IF NOT EXISTS `default`.`ib_app_logs_mv_r_1` TO `default`.`ib_app_logs` AS SELECT '
  + 'parseDateTimeBestEffort(`ts`) AS `ts`, toUInt64(toUnixTimestamp(parseDateTimeBestEffort(toString(`ts`)))) * 1000 AS `ts_ms`, '
  + '`level`, `trace_id`, `status` FROM `default`.`ib_app_logs_kafka_r_1`';
const TABLES_SQL = "SELECT name FROM system.tables WHERE database = 'default' AND name IN ('ib_app_logs', 'ib_app_logs_kafka_r_1', "
  + "'ib_app_logs_mv_r_1') FORMAT JSONCompact";
const APP_COLUMNS: unknown[][] = [
  ['ib_app_logs', 'ts', 'DateTime', 'incidentbench run r-1', ''], ['ib_app_logs', 'ts_ms', 'UInt64', '', ''],
  ['ib_app_logs', 'level', 'String', '', ''], ['ib_app_logs', 'trace_id', 'String', '', ''], ['ib_app_logs', 'status', 'Int32', '', ''],
];
const COLUMNS_META: [string, string][] = [['table', 'String'], ['name', 'String'], ['type', 'String'], ['comment', 'String'], ['default_kind', 'String']];

function ctx(streams: StreamContext[] = [appStream()], reuseTarget = false): PrepareContext {
  return { run: RUN, runId: '5b7e0c1a-93f2-4d6e-8a51-0c2f7d9e4b18', streams, logger: new Logger({ level: 'error', sink: { write: () => true } }),
    kafkaBootstrap: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'], reuseTarget };
}

function sqlOf(http: HttpScript): string[] {
  return http.calls.map((c) => String(c.body));
}

describe('ClickHouse adapter requests (SPEC §8.2)', () => {
  let http: HttpScript;
  let adapter: ClickHouseAdapter;
  beforeEach(() => {
    http = new HttpScript();
    adapter = createClickHouseAdapter({ url: `${BASE}/`, user: 'bench', password_env: 'CH_PASSWORD' },
      { dispatcher: http.agent, secrets: { env: { CH_PASSWORD: 's3cret' }, readFile: () => '' }, idField: 'trace_id' });
  });
  afterEach(async () => {
    await http.close();
  });

  const version = (v = '18.16.1') => http.on('POST', STATEMENT_URL, compact([['version()', 'String']], [[v]]));

  describe('prepare', () => {
    it('on a fresh server: version, existing objects, then table, Kafka table and view — with user and password headers', async () => {
      version();
      http.on('POST', STATEMENT_URL, compact([['name', 'String']], []));
      http.on('POST', STATEMENT_URL, EMPTY, 3);
      const result = await adapter.prepare(ctx());
      http.assertAllUsed();
      assert.deepEqual(sqlOf(http), ['SELECT version() FORMAT JSONCompact', TABLES_SQL, TABLE_SQL, KAFKA_SQL, VIEW_SQL]);
      for (const c of http.calls) {
        assert.equal(c.headers['x-clickhouse-user'], 'bench');
        assert.equal(c.headers['x-clickhouse-key'], 's3cret');
        assert.equal(c.url, STATEMENT_URL);
      }
      assert.deepEqual(result, {
        consumerGroups: { app: 'ib-r-1-app' },
        created: ['default.ib_app_logs', 'default.ib_app_logs_kafka_r_1', 'default.ib_app_logs_mv_r_1'],
        queryEndpoints: { default: BASE },
        eventEncoding: { timestampFormat: 'iso8601' },
        existingRows: null,
        warnings: ['ClickHouse 18.x starts a new consumer group at the latest offset unless the server config has '
          + '<kafka><auto_offset_reset>smallest</auto_offset_reset></kafka>; without it, events produced before the Kafka '
          + 'table subscribed are never consumed (server 18.16.1)'],
      });
    });

    it('when everything exists and the table is empty: checks columns and rows, creates nothing; a current server gets no warning', async () => {
      version('23.8.2.7');
      http.on('POST', STATEMENT_URL, compact([['name', 'String']], [['ib_app_logs'], ['ib_app_logs_kafka_r_1'], ['ib_app_logs_mv_r_1']]));
      http.on('POST', STATEMENT_URL, compact(COLUMNS_META, APP_COLUMNS));
      http.on('POST', STATEMENT_URL, compact([['count()', 'UInt64']], [['0']]));
      const result = await adapter.prepare(ctx());
      http.assertAllUsed();
      assert.deepEqual(sqlOf(http).slice(2), [
        "SELECT table, name, type, comment, default_kind FROM system.columns WHERE database = 'default' AND table IN ('ib_app_logs') FORMAT JSONCompact",
        'SELECT count() FROM `default`.`ib_app_logs` FORMAT JSONCompact',
      ]);
      assert.deepEqual(result.created, []);
      assert.deepEqual(result.warnings, []);
    });

    it('refuses a table that holds rows before creating anything for any stream, naming it and --reuse-target', async () => {
      version();
      http.on('POST', STATEMENT_URL, compact([['name', 'String']], [['ib_db_logs']]));
      http.on('POST', STATEMENT_URL, compact(COLUMNS_META, APP_COLUMNS.map((r) => ['ib_db_logs', ...r.slice(1)])));
      http.on('POST', STATEMENT_URL, compact([['count()', 'UInt64']], [['1500']]));
      await assert.rejects(adapter.prepare(ctx([appStream(), dbStream()])), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'target_not_empty');
        assert.equal(err.message, 'table default.ib_db_logs already holds 1500 rows; empty or drop it, or pass --reuse-target '
          + 'to run on top of them (the report then says so)');
        return true;
      });
      http.assertAllUsed();
      assert.ok(sqlOf(http).every((s) => !s.startsWith('CREATE')), 'nothing was created');
    });

    it('with --reuse-target accepts the rows and reports them per stream', async () => {
      version();
      http.on('POST', STATEMENT_URL, compact([['name', 'String']], [['ib_app_logs']]));
      http.on('POST', STATEMENT_URL, compact(COLUMNS_META, APP_COLUMNS));
      http.on('POST', STATEMENT_URL, compact([['count()', 'UInt64']], [['1500']]));
      http.on('POST', STATEMENT_URL, EMPTY, 2);
      const result = await adapter.prepare(ctx([appStream()], true));
      http.assertAllUsed();
      assert.deepEqual(sqlOf(http).slice(-2), [KAFKA_SQL, VIEW_SQL]);
      assert.deepEqual(result.existingRows, { app: 1500 });
      assert.deepEqual(result.created, ['default.ib_app_logs_kafka_r_1', 'default.ib_app_logs_mv_r_1']);
    });

    it('refuses an existing table whose columns differ from what the view writes, saying what differs', async () => {
      version();
      http.on('POST', STATEMENT_URL, compact([['name', 'String']], [['ib_app_logs']]));
      http.on('POST', STATEMENT_URL, compact(COLUMNS_META, [
        ['ib_app_logs', 'ts', 'DateTime', '', ''], ['ib_app_logs', 'level', 'LowCardinality(String)', '', ''],
        ['ib_app_logs', 'trace_id', 'String', '', ''], ['ib_app_logs', 'status', 'Int32', '', ''],
        ['ib_app_logs', 'host', 'String', '', ''], ['ib_app_logs', 'day', 'Date', '', 'ALIAS'],
      ]));
      await assert.rejects(adapter.prepare(ctx()), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'schema_mismatch');
        assert.equal(err.message, 'table default.ib_app_logs exists with other columns than stream "app" needs (missing "ts_ms" UInt64; '
          + '"level" is LowCardinality(String), expected String; extra column "host" String); drop it, or name another table with '
          + 'the target config key "table"');
        return true;
      });
    });

    it('names the step, the server and ClickHouse\'s words when a statement fails', async () => {
      version();
      http.on('POST', STATEMENT_URL, compact([['name', 'String']], []));
      http.on('POST', STATEMENT_URL, exception(500, 'Code: 115, e.displayText() = DB::Exception: Unknown setting kafka_skip_broken_messages'));
      await assert.rejects(adapter.prepare(ctx()), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'http_500');
        assert.equal(err.message, `ClickHouse at ${BASE}: creating table default.ib_app_logs failed: HTTP 500: Code: 115, `
          + 'e.displayText() = DB::Exception: Unknown setting kafka_skip_broken_messages');
        return true;
      });
    });

    it('describes its steps for plan and --dry-run without any request', () => {
      assert.deepEqual(adapter.describePrepare(ctx()), [
        `ClickHouse ${BASE} (user bench with the password from $CH_PASSWORD): read SELECT version() to choose the SQL dialect (v18 for 18.x, else current)`,
        'stream "app": table default.ib_app_logs (MergeTree ORDER BY ts, 5 columns): create it unless it exists; refuse if it holds rows (--reuse-target accepts them)',
        'stream "app": Kafka table default.ib_app_logs_kafka_r_1 reading topic ib.r-1.events from kafka-0.kafka:9092,kafka-1.kafka:9092 as JSONEachRow in consumer group ib-r-1-app',
        'stream "app": materialized view default.ib_app_logs_mv_r_1 TO default.ib_app_logs (ts parsed with parseDateTimeBestEffort; ts_ms = whole seconds × 1000)',
      ]);
      assert.equal(http.calls.length, 0);
    });
  });

  describe('cleanup', () => {
    const OWNED_SQL = "SELECT DISTINCT table FROM system.columns WHERE database = 'default' AND table IN ('ib_app_logs') AND comment = "
      + "'incidentbench run r-1' FORMAT JSONCompact";
    const drops = ['DROP TABLE IF EXISTS `default`.`ib_app_logs_mv_r_1`', 'DROP TABLE IF EXISTS `default`.`ib_app_logs_kafka_r_1`'];

    it('drops view, Kafka table, then the table carrying this run\'s mark — without a prepare record', async () => {
      http.on('POST', STATEMENT_URL, compact([['table', 'String']], [['ib_app_logs']]));
      http.on('POST', STATEMENT_URL, EMPTY, 3);
      await adapter.cleanup({ ...ctx(), prepared: null });
      http.assertAllUsed();
      assert.deepEqual(sqlOf(http), [OWNED_SQL, ...drops, 'DROP TABLE IF EXISTS `default`.`ib_app_logs`']);
    });

    it('leaves a table it did not create (no mark, not in the prepare record)', async () => {
      http.on('POST', STATEMENT_URL, compact([['table', 'String']], []));
      http.on('POST', STATEMENT_URL, EMPTY, 2);
      await adapter.cleanup({ ...ctx(), prepared: { consumerGroups: null, queryEndpoints: {}, created: ['default.ib_app_logs_kafka_r_1'] } });
      http.assertAllUsed();
      assert.deepEqual(sqlOf(http), [OWNED_SQL, ...drops]);
    });

    it('treats a missing database as nothing to drop, and runs twice', async () => {
      for (let i = 0; i < 2; i++) {
        http.on('POST', STATEMENT_URL, exception(404, "Code: 81, e.displayText() = DB::Exception: Database default doesn't exist"), 3);
        await adapter.cleanup({ ...ctx(), prepared: null });
      }
      http.assertAllUsed();
      assert.equal(http.calls.length, 6);
    });

    it('tries every drop and reports every failure in one error', async () => {
      http.on('POST', STATEMENT_URL, compact([['table', 'String']], []));
      http.on('POST', STATEMENT_URL, exception(500, 'Code: 999, e.displayText() = DB::Exception: Kafka consumer did not stop'));
      http.on('POST', STATEMENT_URL, EMPTY);
      await assert.rejects(adapter.cleanup({ ...ctx(), prepared: null }), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'cleanup_failed');
        assert.equal(err.message, `ClickHouse at ${BASE}: dropping default.ib_app_logs_mv_r_1 failed: HTTP 500: Code: 999, `
          + 'e.displayText() = DB::Exception: Kafka consumer did not stop');
        return true;
      });
      assert.equal(http.calls.length, 3);
    });
  });

  describe('probe', () => {
    it('asks once for all ids over every stream with the id field and answers the found ones', async () => {
      http.on('POST', STATEMENT_URL, compact([['id', 'String']], [['ib-5b7e0c1a-0'], ['ib-5b7e0c1a-2']]));
      const noId = appStream({ name: 'metrics', index: 'ib-metrics', fields: [{ name: 'ts', type: 'timestamp', generator: 'now' }] });
      const found = await adapter.probe(['ib-5b7e0c1a-0', 'ib-5b7e0c1a-1', 'ib-5b7e0c1a-2'], ctx([appStream(), dbStream(), noId]));
      assert.deepEqual(found, new Set(['ib-5b7e0c1a-0', 'ib-5b7e0c1a-2']));
      const list = "('ib-5b7e0c1a-0', 'ib-5b7e0c1a-1', 'ib-5b7e0c1a-2')";
      assert.deepEqual(sqlOf(http), [
        `SELECT DISTINCT \`trace_id\` AS id FROM \`default\`.\`ib_app_logs\` WHERE \`trace_id\` IN ${list} UNION ALL `
          + `SELECT DISTINCT \`trace_id\` AS id FROM \`default\`.\`ib_db_logs\` WHERE \`trace_id\` IN ${list} FORMAT JSONCompact`,
      ]);
    });

    it('searches each stream on its own sentinel field, as the plan gives it, and skips a stream without one', async () => {
      http.on('POST', STATEMENT_URL, compact([['id', 'String']], [['ib-5b7e0c1a-audit-0']]));
      const audit = appStream({ name: 'audit', index: 'ib-audit', sentinelField: 'status_id',
        fields: [{ name: 'when', type: 'timestamp', generator: 'now' }, { name: 'status_id', type: 'keyword', generator: 'hex' }] });
      const web = appStream({ name: 'web', index: 'ib-web', sentinelField: null });
      const found = await adapter.probe(['ib-5b7e0c1a-app-0', 'ib-5b7e0c1a-audit-0'], ctx([appStream({ sentinelField: 'trace_id' }), audit, web]));
      assert.deepEqual(found, new Set(['ib-5b7e0c1a-audit-0']));
      const list = "('ib-5b7e0c1a-app-0', 'ib-5b7e0c1a-audit-0')";
      assert.deepEqual(sqlOf(http), [
        `SELECT DISTINCT \`trace_id\` AS id FROM \`default\`.\`ib_app_logs\` WHERE \`trace_id\` IN ${list} UNION ALL `
          + `SELECT DISTINCT \`status_id\` AS id FROM \`default\`.\`ib_audit\` WHERE \`status_id\` IN ${list} FORMAT JSONCompact`,
      ]);
    });

    it('finds nothing in a table that does not exist yet, and sends nothing for no ids', async () => {
      http.on('POST', STATEMENT_URL, exception(404, "Code: 60, e.displayText() = DB::Exception: Table default.ib_app_logs doesn't exist."));
      assert.deepEqual(await adapter.probe(['ib-5b7e0c1a-0'], ctx()), new Set());
      assert.deepEqual(await adapter.probe([], ctx()), new Set());
      assert.equal(http.calls.length, 1);
    });

    it('finds nothing when the server fails otherwise, and logs why', async () => {
      http.on('POST', STATEMENT_URL, exception(500, 'Code: 241, e.displayText() = DB::Exception: Memory limit exceeded'));
      const lines: string[] = [];
      const logger = new Logger({ json: true, level: 'warn', sink: { write: (l: string) => lines.push(l) } });
      assert.deepEqual(await adapter.probe(['ib-5b7e0c1a-0'], { ...ctx(), logger }), new Set());
      assert.equal(lines.length, 1);
      const line = JSON.parse(lines[0]!) as { msg: string; error: string };
      assert.equal(line.msg, 'freshness probe failed');
      assert.match(line.error, /HTTP 500: Code: 241/);
    });
  });

  describe('execute', () => {
    const QUERY_URL = `${BASE}/?database=default&default_format=JSON&max_execution_time=6`;
    const search = (over: Partial<CompiledQuery> = {}): CompiledQuery => ({
      name: 'error_search', kind: 'search', stream: 'app', index: 'ib_app_logs', timeoutMs: 5000, variables: ['svc'],
      compiled: { language: 'sql', parts: [
        { text: 'SELECT * FROM `ib_app_logs` WHERE `level` = \'ERROR\' AND `service` = ' }, { variable: 'svc', as: 'string' },
        { text: ' ORDER BY `ts_ms` DESC LIMIT 10 FORMAT JSON' },
      ] },
      ...over,
    });
    const searchAnswer: Reply = { status: 200, text: '{\n\t"meta":\n\t[\n\t\t{\n\t\t\t"name": "level",\n\t\t\t"type": "String"\n\t\t}\n\t],\n\n'
      + '\t"data":\n\t[\n\t\t{\n\t\t\t"level": "ERROR"\n\t\t}\n\t],\n\n\t"rows": 1,\n\n\t"rows_before_limit_at_least": 1234,\n\n'
      + '\t"statistics":\n\t{\n\t\t"elapsed": 0.0038,\n\t\t"rows_read": 3000,\n\t\t"bytes_read": 96000\n\t}\n}\n' };
    const signal = () => new AbortController().signal;

    it('POSTs the bound SQL with default_format and a server-side time limit, and reads rows_before_limit_at_least', async () => {
      http.on('POST', QUERY_URL, searchAnswer);
      const r = await adapter.execute(search(), { svc: "o'brien\\" }, BASE, signal());
      assert.deepEqual(r, { ok: true, hits: 1234 });
      assert.equal(http.calls[0]!.body, 'SELECT * FROM `ib_app_logs` WHERE `level` = \'ERROR\' AND `service` = \'o\\\'brien\\\\\' '
        + 'ORDER BY `ts_ms` DESC LIMIT 10 FORMAT JSON');
      assert.equal(http.calls[0]!.headers['x-clickhouse-key'], 's3cret');
    });

    it('reads aggregation hits from totals.doc_count and native hits from rows; an empty endpoint means the config url', async () => {
      http.on('POST', QUERY_URL, { status: 200, text: '{"meta":[],"data":[{"error_code":"TIMEOUT","doc_count":"12"}],'
        + '"totals":{"error_code":"","doc_count":"5678"},"rows":1,"rows_before_limit_at_least":3}' });
      http.on('POST', QUERY_URL, { status: 200, text: '{"meta":[],"data":[{"x":1},{"x":2}],"rows":2}' });
      assert.deepEqual(await adapter.execute(search({ kind: 'aggregation' }), { svc: 'a' }, BASE, signal()), { ok: true, hits: 5678 });
      assert.deepEqual(await adapter.execute(search({ kind: 'native' }), { svc: 'a' }, '', signal()), { ok: true, hits: 2 });
    });

    it('classifies failures without throwing: http_503, connect, timeout on abort, bad_response, bad_variable, unsupported', async () => {
      http.on('POST', QUERY_URL, { status: 503, text: 'upstream connect error or disconnect/reset before headers' });
      const unavailable = await adapter.execute(search(), { svc: 'a' }, BASE, signal());
      assert.deepEqual(unavailable, { ok: false, hits: null, errorClass: 'http_503', error: 'HTTP 503: upstream connect error or disconnect/reset before headers' });

      http.on('POST', QUERY_URL, { error: Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:8123'), { code: 'ECONNREFUSED' }) });
      const refused = await adapter.execute(search(), { svc: 'a' }, BASE, signal());
      assert.equal(refused.errorClass, 'connect');
      assert.match(refused.error ?? '', /ECONNREFUSED/);

      http.on('POST', QUERY_URL, { hang: true });
      const ac = new AbortController();
      const pending = adapter.execute(search(), { svc: 'a' }, BASE, ac.signal);
      await http.waitForCalls(2); // a replyWithError request is not recorded
      ac.abort();
      assert.deepEqual(await pending, { ok: false, hits: null, errorClass: 'timeout', error: 'aborted by the query timeout' });

      http.on('POST', QUERY_URL, { status: 200, text: '{"meta":[],"data":[{"level":"ERROR"},\nCode: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded, e.what() = DB::Exception\n' });
      const partial = await adapter.execute(search(), { svc: 'a' }, BASE, signal());
      assert.deepEqual(partial, { ok: false, hits: null, errorClass: 'bad_response',
        error: 'Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded' });

      const before = http.calls.length;
      const unbound = await adapter.execute(search(), {}, BASE, signal());
      assert.equal(unbound.errorClass, 'bad_variable');
      const dsl = await adapter.execute(search({ compiled: { language: 'dsl', index: 'x', body: {} } }), {}, BASE, signal());
      assert.equal(dsl.errorClass, 'unsupported');
      assert.equal(http.calls.length, before, 'nothing was sent for either');
    });

    it('keeps the class of a run abort whose reason is a TargetError', async () => {
      const ac = new AbortController();
      ac.abort(new TargetError('aborted', 'the run was aborted'));
      const r = await adapter.execute(search(), { svc: 'a' }, BASE, ac.signal);
      assert.equal(r.errorClass, 'aborted');
    });
  });

  describe('own statements', () => {
    it('give up after their time limit with class timeout, naming the step', async () => {
      http.on('POST', STATEMENT_URL, { hang: true });
      const runner = new StatementRunner(new ClickHouseHttp({ dispatcher: http.agent, maxInFlight: 1, tlsVerify: true, user: null,
        password: null, database: 'default' }), BASE, 10);
      await assert.rejects(runner.run('DROP TABLE IF EXISTS `default`.`t_kafka_r1`', 'dropping default.t_kafka_r1'), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'timeout');
        assert.equal(err.message, `ClickHouse at ${BASE}: dropping default.t_kafka_r1 failed: no answer within 0.01 s`);
        return true;
      });
    });
  });

  describe('dialect', () => {
    it('is v18 for 18.x and older, current for later releases', () => {
      assert.deepEqual(['18.16.1', '18.14.19', '1.1.54394', '19.17.4.11', '23.8.2.7', 'garbage'].map(dialectOfVersion),
        ['v18', 'v18', 'v18', 'current', 'current', 'current']);
    });

    it('compiles with v18 until the server is known, then with the detected dialect; a configured dialect wins', async () => {
      const q: ResolvedQuery = { name: 'errors', type: 'search', weight: 1, category: null, template: 'level:ERROR', sort: null,
        limit: null, timeRange: null, timeoutMs: 5000, variables: {}, sql: null, sqlFile: null, dsl: null, index: null, stream: 'app', description: '' };
      const text = (c: CompiledQuery) => (c.compiled.language === 'sql' ? c.compiled.parts.map((p) => ('text' in p ? p.text : '')).join('') : '');
      assert.equal(adapter.dialect, 'v18');
      assert.doesNotMatch(text(adapter.compile(q, appStream())), /exact_rows_before_limit/);
      assert.match(text(adapter.compile(q, appStream())), /FROM `ib_app_logs`/);
      version('23.8.2.7');
      assert.equal(await adapter.detectDialect(), 'current');
      assert.match(text(adapter.compile(q, appStream())), /SETTINGS exact_rows_before_limit = 1/);
      const pinned = createClickHouseAdapter({ url: BASE, dialect: 'v18', table: 'logs' }, { dispatcher: http.agent });
      assert.equal(pinned.dialect, 'v18');
      assert.match(text(pinned.compile(q, appStream())), /FROM `logs`/);
    });
  });

  describe('registry', () => {
    it('registers every adapter the plan-time language table names', () => {
      assert.deepEqual([...adapterNames()].sort(), [...ADAPTER_NAMES].sort());
    });

    it('creates the clickhouse adapter from its name; an unknown name lists the known ones', () => {
      const a = createAdapter('clickhouse', { url: BASE }, { dispatcher: http.agent });
      assert.equal(a.name, 'clickhouse');
      assert.throws(() => createAdapter('clickhuose', { url: BASE }), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /^unknown target adapter "clickhuose" \(did you mean "clickhouse"\?\); expected /);
        assert.ok(err.message.includes('"clickhouse"'));
        return true;
      });
      assert.throws(() => createAdapter('clickhouse', { uri: BASE }), ConfigError);
      assert.equal(http.calls.length, 0);
    });
  });
});
