// Integration test of the ClickHouse adapter (SPEC §8.2, §8.6, §16): Debian's ClickHouse 18.16 consumes generated
// SRE-outage events from the test Kafka through the Kafka table and view that prepare made; queries, probe, cleanup.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { streamColumns } from '../../../src/adapters/clickhouse/columns.js';
import { ClickHouseAdapter, createClickHouseAdapter } from '../../../src/adapters/clickhouse/index.js';
import type { CompiledQuery, PrepareContext, PrepareResult, StreamContext } from '../../../src/adapters/types.js';
import { TargetError } from '../../../src/core/errors.js';
import { EventEncoder } from '../../../src/generators/event-encoder.js';
import { sentinelId } from '../../../src/generators/sentinels.js';
import type { KafkaClient } from '../../../src/kafka/client-factory.js';
import { ConsumerLagReader } from '../../../src/kafka/offsets.js';
import { harnessProducerConfig } from '../../../src/kafka/producer-options.js';
import { loadScenarioFile } from '../../../src/scenario/load-scenario.js';
import { resolveScenario } from '../../../src/scenario/resolve.js';
import { findRepoRoot } from '../../support/test-kafka/build.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { startClickHouse, type TestClickHouse } from '../../support/clickhouse/index.js';
import { captureLog, testClient } from '../kafka/support.js';

const EVENTS = 3000;
const PARTITIONS = 4;

describe('ClickHouse adapter on a real ClickHouse fed by the test Kafka (SPEC §8.2, §16)', function () {
  // A fresh run name, so topic, consumer group and objects are this test's alone.
  const run = `it-ch-${randomBytes(3).toString('hex')}`;
  const runId = `${randomBytes(4).toString('hex')}-0000-4000-8000-000000000000`;
  const topic = `ib.${run}.events`;
  const log = captureLog('warn');
  let kafka: TestKafka;
  let ch: TestClickHouse;
  let client: KafkaClient;
  let admin: Admin;
  let adapter: ClickHouseAdapter;
  let stream: StreamContext;
  let encoder: EventEncoder;
  let queries: ReturnType<typeof resolveScenario>['queries'];
  let prepared: PrepareResult;
  const baseMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const sentinel = sentinelId(runId, 0);
  const sentinelG = 1234;

  const ctx = (over: Partial<PrepareContext> = {}): PrepareContext => ({
    run, runId, streams: [stream], logger: log.logger, kafkaBootstrap: [kafka.bootstrap], reuseTarget: false, ...over,
  });
  const table = 'incidentbench_sre_outage';

  /** Rows of a SELECT (FORMAT JSONCompact) straight over HTTP, to check the adapter's work independently. */
  async function select(sql: string): Promise<unknown[][]> {
    const res = await fetch(`${ch.url}/`, { method: 'POST', body: `${sql} FORMAT JSONCompact` });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return (JSON.parse(text) as { data: unknown[][] }).data;
  }
  const objectsOf = async (names: string[]) => (await select(
    `SELECT name FROM system.tables WHERE database = 'default' AND name IN (${names.map((n) => `'${n}'`).join(', ')}) ORDER BY name`,
  )).map((r) => r[0]);
  const sqlQuery = (name: string, kind: CompiledQuery['kind'], parts: CompiledQuery['compiled'] & { language: 'sql' }): CompiledQuery =>
    ({ name, kind, stream: stream.name, index: table, timeoutMs: 10_000, variables: [], compiled: parts });

  before(async function () {
    [kafka, ch] = await Promise.all([startTestKafka(), startClickHouse()]);
    await kafka.createTopic(topic, PARTITIONS);
    client = testClient(kafka.bootstrap, 'test', log.logger);
    admin = await client.connectedAdmin();
    const loaded = loadScenarioFile(join(findRepoRoot(), 'scenarios', 'sre-outage.yaml'));
    const scenario = resolveScenario(loaded.doc, { baseDir: loaded.baseDir });
    const s = scenario.streams[0]!;
    stream = { name: s.name, index: s.index, timestampField: s.timestampField, fields: s.fields, topic, partitions: PARTITIONS };
    queries = scenario.queries;
    encoder = new EventEncoder({ fields: s.fields, seed: s.seed, timestampFormat: 'iso8601', idField: 'trace_id' });
    adapter = createClickHouseAdapter({ url: ch.url }, { idField: 'trace_id', maxInFlight: 8 });
  });

  after(async function () {
    await adapter?.close();
    await admin?.disconnect();
    await ch?.stop();
    await kafka?.stop();
  });

  it('detects the 18.x dialect from SELECT version()', async function () {
    assert.match(ch.version, /^18\./);
    assert.equal(await adapter.detectDialect(), 'v18');
  });

  it('prepares table, Kafka table and view — twice in a row — and reports group, endpoint and encoding', async function () {
    prepared = await adapter.prepare(ctx());
    const again = await adapter.prepare(ctx());
    const names = [table, `${table}_kafka_${run.replace(/-/g, '_')}`, `${table}_mv_${run.replace(/-/g, '_')}`];
    assert.deepEqual(await objectsOf(names), [...names].sort());
    assert.deepEqual(prepared.consumerGroups, { [stream.name]: `ib-${run}-${stream.name}` });
    assert.deepEqual(prepared.created, names.map((n) => `default.${n}`));
    assert.deepEqual(again.created, [], 'the second prepare finds everything in place');
    assert.deepEqual(again.consumerGroups, prepared.consumerGroups);
    assert.deepEqual(prepared.queryEndpoints, { default: ch.url });
    assert.deepEqual(prepared.eventEncoding, { timestampFormat: 'iso8601' });
    assert.equal(prepared.existingRows, null);
    assert.equal(prepared.warnings?.length, 1);
    assert.match(prepared.warnings![0]!, /auto_offset_reset/);
    const types = Object.fromEntries((await select(`SELECT name, type FROM system.columns WHERE database = 'default' AND table = '${table}'`))
      .map((r) => [r[0], r[1]]));
    assert.equal(types['@timestamp'], 'DateTime');
    assert.equal(types['@timestamp_ms'], 'UInt64');
    assert.equal(types.http_status, 'Int32');
    assert.equal(types.duration_ns, 'Int64');
    assert.equal(types.error_code, 'Nullable(String)');
    assert.equal(types['kubernetes.pod_name'], 'String');
  });

  it('ingests every produced event through the Kafka engine: group lag 0 and all rows in the table', async function () {
    const producer = client.producer(harnessProducerConfig());
    await client.connectOrFail(producer);
    try {
      for (let first = 0; first < EVENTS; first += 500) {
        const messages = [];
        for (let g = first; g < Math.min(EVENTS, first + 500); g++) {
          messages.push({ value: encoder.encode(g, baseMs + g * 7, 'incident', g === sentinelG ? sentinel : undefined) });
        }
        await producer.send({ topic, messages });
      }
    } finally {
      await producer.disconnect();
    }
    const reader = new ConsumerLagReader(admin);
    const start = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, offset: 0 }));
    for (;;) {
      const lag = await reader.lag(topic, prepared.consumerGroups![stream.name]!, start);
      const [[rows]] = (await select(`SELECT count() FROM ${table}`)) as [[string]];
      if (lag.end === EVENTS && lag.lag === 0 && Number(rows) === EVENTS) break;
      await sleep(250);
    }
    // Values arrive as generated: timestamps parsed (whole seconds in the _ms column), nulls kept as NULL.
    const expectNull = Array.from({ length: EVENTS }, (_, g) => encoder.values(g, baseMs + g * 7, 'incident').error_code === null)
      .filter(Boolean).length;
    const [[minMs, maxMs, minTs, nulls]] = await select(
      `SELECT min(\`@timestamp_ms\`), max(\`@timestamp_ms\`), toUnixTimestamp(min(\`@timestamp\`)), countIf(error_code IS NULL) FROM ${table}`,
    ) as [[string, string, number, string]];
    assert.equal(Number(minMs), baseMs);
    assert.equal(Number(maxMs), Math.floor((baseMs + (EVENTS - 1) * 7) / 1000) * 1000);
    assert.equal(minTs * 1000, baseMs);
    assert.equal(Number(nulls), expectNull);
    assert.ok(expectNull > 0 && expectNull < EVENTS);
  });

  it('answers hand-written SQL: search hits from rows_before_limit_at_least, aggregation hits from totals, a bound variable', async function () {
    const errors = Array.from({ length: EVENTS }, (_, g) => encoder.values(g, baseMs + g * 7, 'incident')).filter((v) => v.level === 'ERROR').length;
    const search = sqlQuery('errors', 'search', { language: 'sql', parts: [
      { text: `SELECT * FROM ${table} WHERE level = ` }, { variable: 'lvl', as: 'string' },
      { text: ' ORDER BY `@timestamp_ms` DESC LIMIT 5 FORMAT JSON' },
    ] });
    assert.deepEqual(await adapter.execute(search, { lvl: 'ERROR' }, ch.url, AbortSignal.timeout(10_000)), { ok: true, hits: errors });
    assert.deepEqual(await adapter.execute(search, { lvl: "x' OR 1 = 1 OR level = '" }, ch.url, AbortSignal.timeout(10_000)),
      { ok: true, hits: 0 }, 'a hostile value stays inside its literal');
    const agg = sqlQuery('levels', 'aggregation', { language: 'sql', parts: [
      { text: `SELECT level, count() AS doc_count FROM ${table} GROUP BY level WITH TOTALS ORDER BY doc_count DESC FORMAT JSON` },
    ] });
    assert.deepEqual(await adapter.execute(agg, {}, ch.url, AbortSignal.timeout(10_000)), { ok: true, hits: EVENTS });
    const native = sqlQuery('native', 'native', { language: 'sql', parts: [{ text: `SELECT DISTINCT service FROM ${table}` }] });
    assert.deepEqual(await adapter.execute(native, {}, '', AbortSignal.timeout(10_000)), { ok: true, hits: 8 },
      'no FORMAT: default_format=JSON; an empty endpoint means the config url');
  });

  it('never throws for a failed query: syntax error http_400, unknown table http_404, missing variable, timeout, run abort', async function () {
    const q = (text: string) => sqlQuery('bad', 'native', { language: 'sql', parts: [{ text }] });
    const bad = await adapter.execute(q('SELEC 1'), {}, ch.url, AbortSignal.timeout(10_000));
    assert.equal(bad.ok, false);
    assert.equal(bad.errorClass, 'http_400');
    assert.match(bad.error ?? '', /^HTTP 400: Code: 62, e\.displayText\(\) = DB::Exception: Syntax error/);
    const missing = await adapter.execute(q('SELECT * FROM no_such_table'), {}, ch.url, AbortSignal.timeout(10_000));
    assert.equal(missing.errorClass, 'http_404');
    const unbound = await adapter.execute(sqlQuery('v', 'search', { language: 'sql', parts: [{ text: 'SELECT ' }, { variable: 'n', as: 'number' }] }),
      {}, ch.url, AbortSignal.timeout(10_000));
    assert.equal(unbound.errorClass, 'bad_variable');
    const slow = await adapter.execute(q('SELECT sleep(2)'), {}, ch.url, AbortSignal.timeout(100));
    assert.deepEqual({ ok: slow.ok, errorClass: slow.errorClass }, { ok: false, errorClass: 'timeout' });
    const ac = new AbortController();
    ac.abort(new TargetError('aborted', 'the run was aborted'));
    const aborted = await adapter.execute(q('SELECT 1'), {}, ch.url, ac.signal);
    assert.equal(aborted.errorClass, 'aborted', 'an abort whose reason is a TargetError keeps its class');
  });

  it('runs the compiled SRE-outage queries: error_search counts its matches, error_code_agg returns buckets', async function () {
    const byName = new Map(queries.map((q) => [q.name, adapter.compile(q, stream)]));
    const values = Array.from({ length: EVENTS }, (_, g) => encoder.values(g, baseMs + g * 7, 'incident'));
    const errorSearch = await adapter.execute(byName.get('error_search')!, {}, ch.url, AbortSignal.timeout(10_000));
    assert.deepEqual(errorSearch, { ok: true, hits: values.filter((v) => v.level === 'ERROR' && v.service === 'payment-service').length });
    assert.ok((errorSearch.hits ?? 0) > 0);
    const agg = byName.get('error_code_agg')!;
    const aggResult = await adapter.execute(agg, {}, ch.url, AbortSignal.timeout(10_000));
    assert.deepEqual(aggResult, { ok: true, hits: values.filter((v) => v.level === 'ERROR').length });
    const sql = agg.compiled.language === 'sql' ? agg.compiled.parts.map((p) => ('text' in p ? p.text : '')).join('') : '';
    const res = await fetch(`${ch.url}/`, { method: 'POST', body: sql });
    const buckets = (JSON.parse(await res.text()) as { data: { error_code: string }[] }).data;
    assert.ok(buckets.length > 1, 'several error codes');
    assert.ok(buckets.every((b) => typeof b.error_code === 'string'));
    const traceLookup = await adapter.execute(byName.get('trace_lookup')!, { random_trace_id: sentinel }, ch.url, AbortSignal.timeout(10_000));
    assert.deepEqual(traceLookup, { ok: true, hits: 1 });
    for (const [name, q] of byName) {
      const r = await adapter.execute(q, { random_trace_id: 'ffff' }, ch.url, AbortSignal.timeout(10_000));
      assert.equal(r.ok, true, `${name}: ${r.error ?? ''}`);
    }
  });

  it('probes sentinels in one statement: an ingested id is found, an absent one is not', async function () {
    const absent = sentinelId(runId, 99);
    assert.deepEqual(await adapter.probe([sentinel, absent], ctx()), new Set([sentinel]));
    assert.deepEqual(await adapter.probe([], ctx()), new Set());
  });

  it('refuses to prepare over a table that holds rows, naming it and --reuse-target; with reuse it counts them', async function () {
    await assert.rejects(adapter.prepare(ctx()), (err: unknown) => {
      assert.ok(err instanceof TargetError);
      assert.equal(err.errorClass, 'target_not_empty');
      assert.equal(err.message, `table default.${table} already holds ${EVENTS} rows; empty or drop it, or pass --reuse-target `
        + 'to run on top of them (the report then says so)');
      return true;
    });
    const reused = await adapter.prepare(ctx({ reuseTarget: true }));
    assert.deepEqual(reused.existingRows, { [stream.name]: EVENTS });
  });

  it('cleanup drops view, Kafka table and table — found by the run\'s name and mark — and a second cleanup is fine too', async function () {
    const fresh = createClickHouseAdapter({ url: ch.url }); // knows nothing of the prepare calls above
    try {
      await fresh.cleanup({ ...ctx(), prepared: null });
      await fresh.cleanup({ ...ctx(), prepared: null });
    } finally {
      await fresh.close();
    }
    const left = await select(`SELECT name FROM system.tables WHERE database = 'default' AND name LIKE '${table}%'`);
    assert.deepEqual(left, []);
  });

  it('keeps a table it did not create: prepare uses it, cleanup (even without the prepare record) leaves it', async function () {
    const own = 'user_owned_logs';
    const cols = streamColumns(stream).table.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
    const created = await fetch(`${ch.url}/`, { method: 'POST',
      body: `CREATE TABLE ${own} (${cols}) ENGINE = MergeTree ORDER BY \`@timestamp\`` });
    assert.equal(created.status, 200, await created.text());
    const user = createClickHouseAdapter({ url: ch.url, table: own }, { idField: 'trace_id' });
    try {
      const result = await user.prepare(ctx());
      const suffix = run.replace(/-/g, '_');
      assert.deepEqual(result.created, [`default.${own}_kafka_${suffix}`, `default.${own}_mv_${suffix}`]);
      await user.cleanup({ ...ctx(), prepared: null });
      assert.deepEqual(await objectsOf([own, `${own}_kafka_${suffix}`, `${own}_mv_${suffix}`]), [own]);
    } finally {
      await user.close();
    }
  });
});
