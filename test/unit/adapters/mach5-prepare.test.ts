import assert from 'node:assert/strict';
import { TargetError } from '../../../src/core/errors.js';
import { createMach5Adapter, type Mach5Adapter } from '../../../src/adapters/mach5/index.js';
import { HttpScript, type Reply } from '../../fixtures/http/http-script.js';
import { SteppingTimers } from '../../fixtures/http/stepping-timers.js';
import { appStream, cleanupContext, LogLines, prepareContext } from './contract.js';

const URL_ = 'http://mach5.test:8888';
const NS = `${URL_}/apis/namespaces/perf`;
const WH1 = 'incidentbench-wh';
const WH2 = 'spare-wh';
const QE1 = `${URL_}/namespaces/perf/warehouses/${WH1}/query`;
const QE2 = `${URL_}/namespaces/perf/warehouses/${WH2}/query`;
const CREATED: Reply = { status: 200, fixture: 'mach5/created.json' };
const HEADERS = { accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer tok-123' };

const DEFAULT_RESOURCE = {
  num_mediators: 1, num_os: 2, num_replica: 0,
  os: { memory: '2147483648' }, md: { memory: '2147483648' }, mdx: { memory: '2147483648' },
  ir: { memory: '1073741824' }, osd: { memory: '1073741824' }, osd_enabled: true,
  immutable: false, segment_cache_capacity: 1073741824, local_parallelism: 4,
  cache_warming_enabled: false, cache_warming_query_history: 100, os_processors: 2,
  index_access_memory_limit: 536870912, read_cache_size_limit: 268435456,
  inactive_mode: { type: 'Manual', idle_timeout_seconds: 300 },
};

const EXPECTED_PROPERTIES = {
  ts: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
  level: { type: 'keyword' },
  service: { type: 'keyword' },
  message: { type: 'text' },
  trace_id: { type: 'keyword' },
  kubernetes: { properties: { pod_name: { type: 'keyword' }, namespace: { type: 'keyword' } } },
  status: { type: 'integer' },
  bytes: { type: 'long' },
  latency_ms: { type: 'float' },
  client_ip: { type: 'ip' },
  retry: { type: 'boolean' },
};

describe('Mach5 adapter: prepare sequence (SPEC §8.4)', () => {
  let http: HttpScript;
  let logs: LogLines;
  let timers: SteppingTimers;
  beforeEach(() => {
    timers = new SteppingTimers();
    http = new HttpScript().stampWith(timers.clock);
    logs = new LogLines();
  });
  afterEach(async () => {
    await http.close();
  });

  function mach5(extra: Record<string, unknown> = {}): Mach5Adapter {
    return createMach5Adapter({ url: `${URL_}/`, namespace: 'perf', token_env: 'MACH5_TOKEN', ...extra }, {
      dispatcher: http.agent, timers, secrets: { env: { MACH5_TOKEN: 'tok-123' }, readFile: () => '' },
    });
  }

  const TWO_WAREHOUSES = {
    warehouses: [
      { name: WH1 },
      { name: WH2, numMediators: 2, numOs: 4, resource: { os: { memory: '4294967296' }, local_parallelism: 8 } },
      { name: WH1, num_os: 9 },
    ],
  };

  function scriptCreates(reply: Reply = CREATED): void {
    http.on('PUT', NS, reply);
    http.on('PUT', `${NS}/connections/ib-r1-kafka`, reply);
    http.on('PUT', `${NS}/indexes/ib-app-logs`, reply);
    http.on('PUT', `${NS}/ingest_pipelines/ib-r1-app`, reply);
  }

  it('runs steps 1–7 strictly in order, warehouses in parallel, readiness one warehouse at a time every 5 s', async () => {
    scriptCreates();
    http.on('PUT', `${NS}/warehouses/${WH1}`, CREATED);
    http.on('PUT', `${NS}/warehouses/${WH2}`, CREATED);
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-pending.json' });
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 503, fixture: 'mach5/upstream-unavailable.txt' });
    http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    http.on('GET', `${NS}/warehouses/${WH2}`, { status: 200, fixture: 'mach5/warehouse-ready-2.json' });
    http.on('POST', `${QE2}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });

    const result = await timers.drive(mach5(TWO_WAREHOUSES).prepare(prepareContext(logs)), 5000);
    http.assertAllUsed();

    assert.deepEqual(http.calls.map((c) => [c.atMs, `${c.method} ${c.url}`]), [
      [0, `PUT ${NS}`],
      [0, `PUT ${NS}/connections/ib-r1-kafka`],
      [0, `PUT ${NS}/indexes/ib-app-logs`],
      [0, `PUT ${NS}/ingest_pipelines/ib-r1-app`],
      [0, `PUT ${NS}/warehouses/${WH1}`],
      [0, `PUT ${NS}/warehouses/${WH2}`],
      [5000, `GET ${NS}/warehouses/${WH1}`],
      [10000, `GET ${NS}/warehouses/${WH1}`],
      [10000, `POST ${QE1}/ib-app-logs/_search?size=0`],
      [15000, `POST ${QE1}/ib-app-logs/_search?size=0`],
      [20000, `GET ${NS}/warehouses/${WH2}`],
      [20000, `POST ${QE2}/ib-app-logs/_search?size=0`],
    ]);
    // Only the calls of one step were in flight together.
    assert.deepEqual(http.batches.map((b) => b.length), [1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual([...http.batches[4]!].sort(), [`PUT ${NS}/warehouses/${WH1}`, `PUT ${NS}/warehouses/${WH2}`]);
    assert.deepEqual(timers.delays, [5000, 5000, 5000, 5000]);

    const body = (i: number) => http.calls[i]!.body;
    assert.deepEqual(body(0), {});
    assert.deepEqual(body(1), { kafka: { bootstrap_servers: 'kafka-0.kafka:9092,kafka-1.kafka:9092' } });
    assert.deepEqual(body(2), {
      settings: { index: { number_of_shards: 1, number_of_replicas: 0 } },
      mappings: { properties: EXPECTED_PROPERTIES },
      aliases: {},
    });
    assert.deepEqual(body(3), {
      index: 'ib-app-logs',
      source_config: {
        connection: { namespace: 'perf', name: 'ib-r1-kafka' },
        config: { type: 'kafka', topic: 'ib.r1.events', group_id: 'ib-r1-app', data_format: 'json' },
      },
      op_mode: 'appendorupsert', enabled: true, poll_frequency_secs: 5, max_ingest_workflows_limit: 4,
    });
    const warehouseBodies = Object.fromEntries(http.calls.slice(4, 6).map((c) => [c.url, c.body]));
    assert.deepEqual(warehouseBodies[`${NS}/warehouses/${WH1}`], { resource: DEFAULT_RESOURCE, enabled: true, memory_policy: 'budgeted' });
    assert.deepEqual(warehouseBodies[`${NS}/warehouses/${WH2}`], {
      resource: { ...DEFAULT_RESOURCE, num_mediators: 2, num_os: 4, os: { memory: '4294967296' }, local_parallelism: 8 },
      enabled: true, memory_policy: 'budgeted',
    });
    for (const c of http.calls.slice(0, 6)) assert.deepEqual(c.headers, HEADERS);
    for (const c of http.calls.slice(6)) assert.equal(c.body, undefined);

    assert.deepEqual(result, {
      consumerGroups: { app: 'ib-r1-app' },
      created: ['namespace:perf', 'connection:ib-r1-kafka', 'index:ib-app-logs', 'pipeline:ib-r1-app',
        `warehouse:${WH1}`, `warehouse:${WH2}`],
      queryEndpoints: { [WH1]: QE1, [WH2]: QE2 },
      eventEncoding: { timestampFormat: 'iso8601' },
    });
  });

  it('gives up on a warehouse without an id after 600 s, having polled every 5 s', async () => {
    scriptCreates();
    http.on('PUT', `${NS}/warehouses/${WH1}`, CREATED);
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-pending.json' }, 500);
    await assert.rejects(timers.drive(mach5().prepare(prepareContext(logs)), 5000), (err: unknown) => {
      assert.ok(err instanceof TargetError);
      assert.equal(err.errorClass, 'not_ready');
      assert.match(err.message, /^warehouse "incidentbench-wh" not ready after 600 s \(limit 600 s\); last: GET .*: no id yet \(HTTP 200\)$/);
      return true;
    });
    const polls = http.calls.filter((c) => c.method === 'GET');
    assert.equal(polls.length, 120);
    assert.equal(polls[0]!.atMs, 5000);
    assert.equal(polls[119]!.atMs, 600_000);
    assert.equal(timers.clock.nowMs(), 600_000);
  });

  it('gives up after 600 s when the warehouse has an id but its searches never answer 2xx', async () => {
    scriptCreates();
    http.on('PUT', `${NS}/warehouses/${WH1}`, CREATED);
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 502, text: 'Bad Gateway' }, 500);
    await assert.rejects(timers.drive(mach5().prepare(prepareContext(logs)), 5000),
      /not ready after 600 s \(limit 600 s\); last: POST .*_search\?size=0: HTTP 502: Bad Gateway$/);
    assert.equal(http.calls.filter((c) => c.method === 'GET').length, 1);
    assert.equal(http.calls.filter((c) => c.method === 'POST').length, 120);
  });

  it('retries readiness through unparsable bodies, error statuses and refused connections', async () => {
    scriptCreates();
    http.on('PUT', `${NS}/warehouses/${WH1}`, CREATED);
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 502, fixture: 'mach5/upstream-unavailable.txt' });
    http.on('GET', `${NS}/warehouses/${WH1}`, { error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, json: { id: '', enabled: true } });
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    await timers.drive(mach5().prepare(prepareContext(logs)), 5000);
    assert.equal(timers.clock.nowMs(), 20_000);
    http.assertAllUsed();
  });

  it('treats 409 and "already exists" bodies as success and records nothing as created', async () => {
    http.on('PUT', NS, { status: 409, fixture: 'mach5/already-exists.json' });
    http.on('PUT', `${NS}/connections/ib-r1-kafka`, { status: 400, text: 'connection ib-r1-kafka already exists' });
    http.on('PUT', `${NS}/indexes/ib-app-logs`, { status: 200, text: '{"message":"index AlreadyExists"}' });
    http.on('PUT', `${NS}/ingest_pipelines/ib-r1-app`, { status: 409, text: '' });
    http.on('PUT', `${NS}/warehouses/${WH1}`, { status: 409, fixture: 'mach5/already-exists.json' });
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    const result = await timers.drive(mach5().prepare(prepareContext(logs)), 5000);
    assert.deepEqual(result.created, []);
    // The index existed: its documents are counted (SPEC §17) with a counting search after readiness.
    assert.deepEqual(http.calls.at(-1)!.body, { track_total_hits: true });
    http.assertAllUsed();
  });

  it('refuses an existing index that holds documents unless --reuse-target, which reports the count', async () => {
    const script = () => {
      http.on('PUT', NS, { status: 409, fixture: 'mach5/already-exists.json' });
      http.on('PUT', `${NS}/connections/ib-r1-kafka`, { status: 409, fixture: 'mach5/already-exists.json' });
      http.on('PUT', `${NS}/indexes/ib-app-logs`, { status: 409, fixture: 'mach5/already-exists.json' });
      http.on('PUT', `${NS}/ingest_pipelines/ib-r1-app`, { status: 409, fixture: 'mach5/already-exists.json' });
      http.on('PUT', `${NS}/warehouses/${WH1}`, { status: 409, fixture: 'mach5/already-exists.json' });
      http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
      http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search.json' }, 2);
    };
    script();
    await assert.rejects(timers.drive(mach5().prepare(prepareContext(logs)), 5000), (err: unknown) => {
      assert.ok(err instanceof TargetError);
      assert.equal(err.errorClass, 'target_not_empty');
      assert.match(err.message, /index "ib-app-logs" in namespace "perf" already holds 877 documents.*--reuse-target/);
      return true;
    });
    script();
    const result = await timers.drive(mach5().prepare(prepareContext(logs, [appStream()], true)), 5000);
    assert.deepEqual(result.existingRows, { app: 877 });
  });

  it('aborts at the first failing step, and cleanup then removes exactly what was created before it', async () => {
    http.on('PUT', NS, CREATED);
    http.on('PUT', `${NS}/connections/ib-r1-kafka`, CREATED);
    http.on('PUT', `${NS}/indexes/ib-app-logs`, { status: 500, fixture: 'mach5/server-error.json' });
    const adapter = mach5();
    await assert.rejects(timers.drive(adapter.prepare(prepareContext(logs)), 5000), (err: unknown) => {
      assert.ok(err instanceof TargetError);
      assert.equal(err.errorClass, 'http_500');
      assert.match(err.message, /^PUT http:\/\/mach5\.test:8888\/apis\/namespaces\/perf\/indexes\/ib-app-logs: HTTP 500: /);
      return true;
    });
    assert.equal(http.calls.length, 3);
    http.on('DELETE', `${NS}/ingest_pipelines/ib-r1-app`, { status: 404, fixture: 'mach5/not-found.json' });
    http.on('DELETE', `${NS}/connections/ib-r1-kafka`, CREATED);
    http.on('DELETE', NS, CREATED);
    await adapter.cleanup(cleanupContext(logs, null));
    assert.deepEqual(http.lines().slice(3), [
      `DELETE ${NS}/ingest_pipelines/ib-r1-app`,
      `DELETE ${NS}/connections/ib-r1-kafka`,
      `DELETE ${NS}`,
    ]);
  });

  it('a query-only run skips connection, index and pipeline, and checks readiness by id alone', async () => {
    http.on('PUT', NS, CREATED);
    http.on('PUT', `${NS}/warehouses/${WH1}`, CREATED);
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    const result = await timers.drive(mach5().prepare(prepareContext(logs, [])), 5000);
    assert.deepEqual(http.lines(), [`PUT ${NS}`, `PUT ${NS}/warehouses/${WH1}`, `GET ${NS}/warehouses/${WH1}`]);
    assert.deepEqual(result.consumerGroups, {});
    assert.deepEqual(result.queryEndpoints, { [WH1]: QE1 });
  });

  it('with manage_namespace and manage_warehouses off, creates neither but still waits for the warehouse', async () => {
    http.on('PUT', `${NS}/connections/ib-r1-kafka`, CREATED);
    http.on('PUT', `${NS}/indexes/ib-app-logs`, CREATED);
    http.on('PUT', `${NS}/ingest_pipelines/ib-r1-app`, CREATED);
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    http.on('POST', `${QE1}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    const result = await timers.drive(mach5({ manage_namespace: false, manage_warehouses: false }).prepare(prepareContext(logs)), 5000);
    http.assertAllUsed();
    assert.deepEqual(result.created, ['connection:ib-r1-kafka', 'index:ib-app-logs', 'pipeline:ib-r1-app']);
  });

  it('builds query endpoints from query_endpoint_template, with the warehouse id read during readiness', async () => {
    scriptCreates();
    http.on('PUT', `${NS}/warehouses/${WH1}`, CREATED);
    http.on('GET', `${NS}/warehouses/${WH1}`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    const qe = 'http://warehouse-os-wh-5f0c2b9e-8d41-4c1a-9a3e-71b2d6e0f4c8.mach5.svc.cluster.local:9200';
    http.on('POST', `${qe}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    const adapter = mach5({ query_endpoint_template: 'http://warehouse-os-{warehouse_id}.mach5.svc.cluster.local:9200' });
    const result = await timers.drive(adapter.prepare(prepareContext(logs)), 5000);
    assert.deepEqual(result.queryEndpoints, { [WH1]: qe });
    http.assertAllUsed();
  });

  it('describes the steps for plan and dry-run without secrets', () => {
    const steps = mach5(TWO_WAREHOUSES).describePrepare(prepareContext(logs));
    assert.deepEqual(steps, [
      `PUT ${NS}: create namespace perf (kept if it exists)`,
      `PUT ${NS}/connections/ib-r1-kafka: Kafka connection to kafka-0.kafka:9092,kafka-1.kafka:9092`,
      `PUT ${NS}/indexes/ib-app-logs: index with 12 fields mapped`,
      `PUT ${NS}/ingest_pipelines/ib-r1-app: pipeline from topic ib.r1.events into ib-app-logs, consumer group ib-r1-app`,
      `PUT ${NS}/warehouses/${WH1}: warehouse with 1 mediators, 2 OS nodes`,
      `PUT ${NS}/warehouses/${WH2}: warehouse with 2 mediators, 4 OS nodes`,
      'wait for each warehouse to get an id and answer a search (every 5 s, at most 600 s each)',
      `query endpoint ${WH1}: ${QE1}`,
      `query endpoint ${WH2}: ${QE2}`,
    ]);
    assert.doesNotMatch(steps.join('\n'), /tok-123/);
  });
});
