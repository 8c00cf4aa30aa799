import assert from 'node:assert/strict';
import { ConfigError, TargetError } from '../../../src/core/errors.js';
import { createElasticsearchAdapter, createOpenSearchAdapter, type SearchFamilyAdapter }
  from '../../../src/adapters/opensearch/index.js';
import { HttpScript } from '../../fixtures/http/http-script.js';
import {
  appStream, cleanupContext, compiledSearch, LogLines, prepareContext, runContext, SENTINEL_0, SENTINEL_1, SENTINEL_2,
} from './contract.js';

const URL_ = 'http://opensearch.test:9200';
const BASIC = `Basic ${Buffer.from('bench:s3cret').toString('base64')}`;
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json', authorization: BASIC };
const NO_BODY_HEADERS = { accept: 'application/json', authorization: BASIC };

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

function secrets(env: Record<string, string> = { OS_PASSWORD: 's3cret' }) {
  return { env, readFile: (): string => { throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); } };
}

describe('OpenSearch adapter: exact requests (SPEC §8.3)', () => {
  let http: HttpScript;
  let logs: LogLines;
  beforeEach(() => {
    http = new HttpScript();
    logs = new LogLines();
  });
  afterEach(async () => {
    await http.close();
  });

  function external(extra: Record<string, unknown> = {}): SearchFamilyAdapter {
    return createOpenSearchAdapter({
      url: `${URL_}/`, username: 'bench', password_env: 'OS_PASSWORD', ingest: { consumer_group: 'connect-os-sink' }, ...extra,
    }, { dispatcher: http.agent, secrets: secrets() });
  }

  function pull(ingest: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): SearchFamilyAdapter {
    return createOpenSearchAdapter({
      url: URL_, username: 'bench', password_env: 'OS_PASSWORD', ingest: { mode: 'pull', ...ingest }, ...extra,
    }, { dispatcher: http.agent, secrets: secrets() });
  }

  describe('prepare', () => {
    it('sends one PUT /{index} with settings and mappings exactly, and returns the consumer group', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 200, fixture: 'opensearch/create-index.json' });
      const result = await external().prepare(prepareContext(logs));
      assert.deepEqual(http.calls, [{
        method: 'PUT',
        url: `${URL_}/ib-app-logs`,
        headers: JSON_HEADERS,
        body: {
          settings: { 'index.number_of_shards': 1, 'index.number_of_replicas': 0, 'index.refresh_interval': '1s' },
          mappings: { dynamic: false, properties: EXPECTED_PROPERTIES },
        },
      }]);
      assert.deepEqual(result, {
        consumerGroups: { app: 'connect-os-sink' },
        created: ['index:ib-app-logs'],
        queryEndpoints: { default: URL_ },
        eventEncoding: { timestampFormat: 'iso8601' },
      });
    });

    it('sends configured shards, replicas and refresh_interval', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 200, fixture: 'opensearch/create-index.json' });
      await external({ shards: 3, replicas: 1, refresh_interval: '500ms' }).prepare(prepareContext(logs));
      assert.deepEqual((http.calls[0]!.body as { settings: unknown }).settings,
        { 'index.number_of_shards': 3, 'index.number_of_replicas': 1, 'index.refresh_interval': '500ms' });
    });

    it('merges the pull-ingestion settings, with shards = partitions, and returns no consumer group', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 200, fixture: 'opensearch/create-index.json' });
      const adapter = pull({ pull: { kafka_params: { 'max.poll.records': 500, 'client.id': 'ib-r1' }, poll_timeout: 1000 } });
      const result = await adapter.prepare(prepareContext(logs));
      assert.deepEqual(http.calls[0]!.body, {
        settings: {
          'index.number_of_shards': 4,
          'index.number_of_replicas': 0,
          'index.refresh_interval': '1s',
          ingestion_source: {
            type: 'kafka',
            'pointer.init.reset': 'earliest',
            error_strategy: 'DROP',
            mapper_type: 'raw_payload',
            'poll.timeout': 1000,
            param: {
              topic: 'ib.r1.events',
              bootstrap_servers: 'kafka-0.kafka:9092,kafka-1.kafka:9092',
              'max.poll.records': 500,
              'client.id': 'ib-r1',
            },
          },
          'index.replication.type': 'SEGMENT',
        },
        mappings: { dynamic: false, properties: EXPECTED_PROPERTIES },
      });
      assert.equal(result.consumerGroups, null);
      assert.equal(typeof adapter.consumedOffsets, 'function');
      assert.equal(result.warnings?.length, 1);
    });

    it('sends pull options under their OpenSearch names, and a configured bootstrap instead of the run\'s', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 200, fixture: 'opensearch/create-index.json' });
      await pull({ pull: { pointer_init_reset: 'reset_by_offset', pointer_init_reset_value: 1200, error_strategy: 'BLOCK',
        bootstrap_servers: ['b1:9092', 'b2:9092'], poll_max_batch_size: 500, num_processor_threads: 2,
        internal_queue_size: 200, all_active: true, pointer_based_lag_update_interval: '5s' } }, { shards: 6 })
        .prepare(prepareContext(logs));
      const settings = (http.calls[0]!.body as { settings: Record<string, unknown> }).settings;
      assert.equal(settings['index.number_of_shards'], 6);
      assert.deepEqual(settings.ingestion_source, {
        type: 'kafka', 'pointer.init.reset': 'reset_by_offset', 'pointer.init.reset.value': '1200', error_strategy: 'BLOCK',
        mapper_type: 'raw_payload', 'poll.max_batch_size': 500, num_processor_threads: 2, internal_queue_size: 200,
        all_active: true, pointer_based_lag_update_interval: '5s',
        param: { topic: 'ib.r1.events', bootstrap_servers: 'b1:9092,b2:9092' },
      });
    });

    it('treats resource_already_exists_exception as success, counts the documents and creates nothing', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 400, fixture: 'opensearch/index-exists.json' });
      http.on('GET', `${URL_}/ib-app-logs/_count`, { status: 200, fixture: 'opensearch/count-empty.json' });
      const result = await external().prepare(prepareContext(logs));
      assert.deepEqual(http.lines(), [`PUT ${URL_}/ib-app-logs`, `GET ${URL_}/ib-app-logs/_count`]);
      assert.deepEqual(http.calls[1]!.headers, NO_BODY_HEADERS);
      assert.equal(http.calls[1]!.body, undefined);
      assert.deepEqual(result.created, []);
      assert.ok(logs.messages('info').some((m) => /already exists/.test(m)));
    });

    it('refuses an existing index that holds documents, naming it and --reuse-target', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 400, fixture: 'opensearch/index-exists.json' });
      http.on('GET', `${URL_}/ib-app-logs/_count`, { status: 200, fixture: 'opensearch/count-nonempty.json' });
      await assert.rejects(external().prepare(prepareContext(logs)), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'target_not_empty');
        assert.match(err.message, /index "ib-app-logs" already holds 48213 documents.*--reuse-target/);
        return true;
      });
    });

    it('with --reuse-target accepts a non-empty index and reports its document count', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 400, fixture: 'opensearch/index-exists.json' });
      http.on('GET', `${URL_}/ib-app-logs/_count`, { status: 200, fixture: 'opensearch/count-nonempty.json' });
      const result = await external().prepare(prepareContext(logs, [appStream()], true));
      assert.deepEqual(result.existingRows, { app: 48213 });
    });

    it('fails on any other non-2xx, naming the request and the server\'s reason', async () => {
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 400, fixture: 'opensearch/unknown-setting.json' });
      await assert.rejects(pull().prepare(prepareContext(logs)), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'http_400');
        assert.match(err.message, /^PUT http:\/\/opensearch\.test:9200\/ib-app-logs: HTTP 400: .*unknown setting \[index\.ingestion_source\.type\]/);
        return true;
      });
    });

    it('prepares several streams in order, each with its consumer group from ingest.consumer_groups', async () => {
      const api = appStream({ name: 'api', index: 'ib-api-logs', topic: 'ib.r1.events.api' });
      const app = appStream({ topic: 'ib.r1.events.app' });
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 200, fixture: 'opensearch/create-index.json' });
      http.on('PUT', `${URL_}/ib-api-logs`, { status: 200, fixture: 'opensearch/create-index.json' });
      const adapter = external({ ingest: { consumer_group: 'connect-default', consumer_groups: { api: 'connect-api' } } });
      const result = await adapter.prepare(prepareContext(logs, [app, api]));
      assert.deepEqual(http.lines(), [`PUT ${URL_}/ib-app-logs`, `PUT ${URL_}/ib-api-logs`]);
      assert.deepEqual(result.consumerGroups, { app: 'connect-default', api: 'connect-api' });
      assert.deepEqual(result.created, ['index:ib-app-logs', 'index:ib-api-logs']);
    });

    it('refuses, before any request, shards below the partition count and consumer groups of unknown streams', async () => {
      await assert.rejects(pull({}, { shards: 2 }).prepare(prepareContext(logs)), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map((p) => p.path), ['shards']);
        assert.match(err.problems[0]!.message, /2 shards cannot read the 4 partitions of topic "ib\.r1\.events"/);
        return true;
      });
      await assert.rejects(external({ ingest: { consumer_groups: { ap: 'g' } } }).prepare(prepareContext(logs)),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.deepEqual(err.problems.map((p) => p.path), ['ingest.consumer_groups.ap', 'ingest.consumer_groups']);
          assert.match(err.problems[0]!.message, /"ap" is not a stream of the scenario \(did you mean "app"\?\)/);
          return true;
        });
      assert.equal(http.calls.length, 0);
    });
  });

  describe('execute', () => {
    it('POSTs the bound body to {endpoint}/{index}/_search with the auth header', async () => {
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, fixture: 'opensearch/search.json' });
      const r = await external().execute(compiledSearch(), { svc: 'check"out' }, `${URL_}/`, new AbortController().signal);
      assert.deepEqual(r, { ok: true, hits: 1234 });
      assert.deepEqual(http.calls, [{
        method: 'POST',
        url: `${URL_}/ib-app-logs/_search`,
        headers: JSON_HEADERS,
        body: {
          query: { bool: { filter: [{ term: { level: 'ERROR' } }, { term: { service: 'check"out' } }] } },
          size: 10,
          track_total_hits: true,
        },
      }]);
    });

    it('executes what its own compile() produced: a template search with a variable, bound at execution', async () => {
      const adapter = external();
      const q = adapter.compile({
        name: 'service_errors', type: 'search', weight: 1, category: null, template: 'level:ERROR AND service:{{svc}}',
        sort: null, limit: 20, timeRange: null, timeoutMs: 5000, variables: {}, sql: null, sqlFile: null, dsl: null,
        index: 'ib-app-logs', stream: 'app', description: '',
      }, appStream());
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, fixture: 'opensearch/search.json' });
      const r = await adapter.execute(q, { svc: 'checkout' }, URL_, new AbortController().signal);
      assert.deepEqual(r, { ok: true, hits: 1234 });
      const body = JSON.stringify(http.calls[0]!.body);
      assert.match(body, /"checkout"/);
      assert.doesNotMatch(body, /\$ibVar/);
      assert.equal((http.calls[0]!.body as { track_total_hits?: unknown }).track_total_hits, true);
    });

    it('classifies failed shards as partial, timed_out as timeout and a non-JSON 2xx as bad_response', async () => {
      const adapter = external();
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, fixture: 'opensearch/search-partial.json' });
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, json: { took: 5000, timed_out: true, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { total: { value: 3, relation: 'eq' }, hits: [] } } });
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, text: '<html>gateway</html>' });
      const run = () => adapter.execute(compiledSearch(), { svc: 'x' }, URL_, new AbortController().signal);
      assert.equal((await run()).errorClass, 'partial');
      assert.equal((await run()).errorClass, 'timeout');
      assert.equal((await run()).errorClass, 'bad_response');
    });

    it('classifies a 429 by its status and keeps the start of the body in the error', async () => {
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 429, json: { error: { type: 'es_rejected_execution_exception', reason: 'rejected execution' }, status: 429 } });
      const r = await external().execute(compiledSearch(), { svc: 'x' }, URL_, new AbortController().signal);
      assert.deepEqual(r, { ok: false, hits: null, errorClass: 'http_429',
        error: 'HTTP 429: {"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}' });
    });

    it('sends an Elasticsearch API key as "Authorization: ApiKey <key>"', async () => {
      const es = createElasticsearchAdapter({ url: URL_, api_key_env: 'ES_KEY', ingest: { consumer_group: 'g' } },
        { dispatcher: http.agent, secrets: secrets({ ES_KEY: 'a2V5OnNlY3JldA==' }) });
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, fixture: 'elasticsearch/search.json' });
      await es.execute(compiledSearch(), { svc: 'x' }, URL_, new AbortController().signal);
      assert.equal(http.calls[0]!.headers.authorization, 'ApiKey a2V5OnNlY3JldA==');
      assert.equal(es.name, 'elasticsearch');
    });

    it('sends no Authorization header without credentials', async () => {
      const open = createOpenSearchAdapter({ url: URL_, ingest: { consumer_group: 'g' } }, { dispatcher: http.agent, secrets: secrets({}) });
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, fixture: 'opensearch/search.json' });
      await open.execute(compiledSearch(), { svc: 'x' }, URL_, new AbortController().signal);
      assert.deepEqual(http.calls[0]!.headers, { accept: 'application/json', 'content-type': 'application/json' });
    });
  });

  describe('probe', () => {
    it('sends one terms query for all pending ids and returns those in the hits', async () => {
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, fixture: 'opensearch/probe-hits.json' });
      const found = await external().probe([SENTINEL_0, SENTINEL_1, SENTINEL_2], runContext(logs));
      assert.deepEqual([...found].sort(), [SENTINEL_0, SENTINEL_2]);
      assert.deepEqual(http.calls, [{
        method: 'POST',
        url: `${URL_}/ib-app-logs/_search`,
        headers: JSON_HEADERS,
        body: { size: 3, _source: ['trace_id'], query: { terms: { trace_id: [SENTINEL_0, SENTINEL_1, SENTINEL_2] } } },
      }]);
    });

    it('probes, in the same request, every stream index that has the id field', async () => {
      const streams = [appStream(), appStream({ name: 'api', index: 'ib-api-logs' }),
        appStream({ name: 'metrics', index: 'ib-metrics', fields: [{ name: 'ts', type: 'timestamp', generator: 'now' }] })];
      http.on('POST', `${URL_}/ib-app-logs,ib-api-logs/_search`, { status: 200, fixture: 'opensearch/probe-hits.json' });
      const found = await external().probe([SENTINEL_0, SENTINEL_2], runContext(logs, streams));
      assert.deepEqual([...found].sort(), [SENTINEL_0, SENTINEL_2]);
      http.assertAllUsed();
    });

    it('looks in each stream\'s own sentinel field when they differ: one request, a bool of terms, ids read from either', async () => {
      const audit = appStream({ name: 'audit', index: 'ib-audit', sentinelField: 'event_id',
        fields: [{ name: 'ts', type: 'timestamp', generator: 'now' }, { name: 'event_id', type: 'keyword', generator: 'hex' }] });
      const web = appStream({ name: 'web', index: 'ib-web', sentinelField: null });
      http.on('POST', `${URL_}/ib-app-logs,ib-audit/_search`, { status: 200, json: { hits: { total: { value: 2, relation: 'eq' },
        hits: [{ _source: { trace_id: SENTINEL_0 } }, { _source: { event_id: SENTINEL_1 } }] } } });
      const found = await external().probe([SENTINEL_0, SENTINEL_1], runContext(logs, [appStream({ sentinelField: 'trace_id' }), audit, web]));
      assert.deepEqual([...found].sort(), [SENTINEL_0, SENTINEL_1]);
      assert.deepEqual(http.calls[0]!.body, { size: 2, _source: ['trace_id', 'event_id'], query: { bool: { should: [
        { terms: { trace_id: [SENTINEL_0, SENTINEL_1] } }, { terms: { event_id: [SENTINEL_0, SENTINEL_1] } }], minimum_should_match: 1 } } });
    });

    it('uses the plan\'s id field, dotted names found flat or nested in _source', async () => {
      const adapter = createOpenSearchAdapter({ url: URL_, ingest: { consumer_group: 'g' } },
        { dispatcher: http.agent, secrets: secrets({}), idField: 'trace.id' });
      const stream = appStream({ fields: [{ name: 'ts', type: 'timestamp', generator: 'now' },
        { name: 'trace.id', type: 'keyword', generator: 'hex' }] });
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 200, json: { hits: { total: { value: 2, relation: 'eq' },
        hits: [{ _source: { 'trace.id': SENTINEL_0 } }, { _source: { trace: { id: SENTINEL_1 } } }] } } });
      const found = await adapter.probe([SENTINEL_0, SENTINEL_1], runContext(logs, [stream]));
      assert.deepEqual([...found].sort(), [SENTINEL_0, SENTINEL_1]);
      assert.deepEqual(http.calls[0]!.body, { size: 2, _source: ['trace.id'], query: { terms: { 'trace.id': [SENTINEL_0, SENTINEL_1] } } });
    });

    it('finds nothing on a 500 or a refused connection, logging the problem once', async () => {
      const adapter = external();
      http.on('POST', `${URL_}/ib-app-logs/_search`, { status: 500, json: { error: 'boom' } }, 2);
      assert.equal((await adapter.probe([SENTINEL_0], runContext(logs))).size, 0);
      assert.equal((await adapter.probe([SENTINEL_0], runContext(logs))).size, 0);
      assert.equal(logs.messages('warn').length, 1);
      http.on('POST', `${URL_}/ib-app-logs/_search`, { error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      assert.equal((await adapter.probe([SENTINEL_0], runContext(logs))).size, 0);
      assert.equal(logs.messages('warn').length, 2);
    });
  });

  describe('cleanup', () => {
    it('deletes only the indexes prepare created; an index that existed before is kept', async () => {
      const api = appStream({ name: 'api', index: 'ib-api-logs' });
      http.on('DELETE', `${URL_}/ib-api-logs`, { status: 200, fixture: 'opensearch/delete-index.json' });
      await external().cleanup(cleanupContext(logs, {
        consumerGroups: null, created: ['index:ib-api-logs'], queryEndpoints: { default: URL_ },
      }, [appStream(), api]));
      assert.deepEqual(http.calls, [{ method: 'DELETE', url: `${URL_}/ib-api-logs`, headers: NO_BODY_HEADERS, body: undefined }]);
    });

    it('deletes what this instance prepared when the context does not carry prepare\'s result', async () => {
      const adapter = external();
      http.on('PUT', `${URL_}/ib-app-logs`, { status: 200, fixture: 'opensearch/create-index.json' });
      await adapter.prepare(prepareContext(logs));
      http.on('DELETE', `${URL_}/ib-app-logs`, { status: 200, fixture: 'opensearch/delete-index.json' });
      await adapter.cleanup(cleanupContext(logs, null));
      assert.deepEqual(http.lines(), [`PUT ${URL_}/ib-app-logs`, `DELETE ${URL_}/ib-app-logs`]);
    });

    it('tries every index and then fails naming those a server error kept', async () => {
      const api = appStream({ name: 'api', index: 'ib-api-logs' });
      http.on('DELETE', `${URL_}/ib-app-logs`, { status: 500, json: { error: { type: 'process_cluster_event_timeout_exception' }, status: 500 } });
      http.on('DELETE', `${URL_}/ib-api-logs`, { status: 200, fixture: 'opensearch/delete-index.json' });
      await assert.rejects(external().cleanup(cleanupContext(logs, null, [appStream(), api])), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.errorClass, 'http_500');
        assert.match(err.message, /^DELETE http:\/\/opensearch\.test:9200\/ib-app-logs: HTTP 500: /);
        return true;
      });
      assert.equal(http.calls.length, 2);
    });
  });

  describe('consumedOffsets (pull)', () => {
    it('pages through ingestion/_state and keeps primaries of healthy shards, offset = last integer of the pointer', async () => {
      http.on('GET', `${URL_}/ib-app-logs/ingestion/_state?size=100`, { status: 200, fixture: 'opensearch/ingestion-state-page1.json' });
      http.on('GET', `${URL_}/ib-app-logs/ingestion/_state?size=100&next_token=c2hhcmRfaWQ9MQ%3D%3D`,
        { status: 200, fixture: 'opensearch/ingestion-state-page2.json' });
      const offsets = await pull().consumedOffsets!(runContext(logs));
      assert.deepEqual(offsets, { 'ib.r1.events': { 0: 2, 1: 1507, 3: 96 } });
      assert.deepEqual(http.lines(), [
        `GET ${URL_}/ib-app-logs/ingestion/_state?size=100`,
        `GET ${URL_}/ib-app-logs/ingestion/_state?size=100&next_token=c2hhcmRfaWQ9MQ%3D%3D`,
      ]);
    });

    it('answers null when a call fails', async () => {
      http.on('GET', `${URL_}/ib-app-logs/ingestion/_state?size=100`, { status: 200, fixture: 'opensearch/ingestion-state-page1.json' });
      http.on('GET', `${URL_}/ib-app-logs/ingestion/_state?size=100&next_token=c2hhcmRfaWQ9MQ%3D%3D`,
        { status: 503, fixture: 'opensearch/search-unavailable.json' });
      assert.equal(await pull().consumedOffsets!(runContext(logs)), null);
    });

    it('is absent with external ingestion, where lag comes from the consumer group', () => {
      assert.equal(external().consumedOffsets, undefined);
    });
  });

  describe('describePrepare', () => {
    it('names the index, its settings and where lag comes from, and no secret', () => {
      const steps = external().describePrepare(prepareContext(logs));
      assert.deepEqual(steps, [
        `PUT ${URL_}/ib-app-logs: create index (1 shard, 0 replicas, refresh 1s, 12 fields mapped); an existing empty index is kept`,
        'stream app: lag from consumer group connect-os-sink (run your sink connector from topic ib.r1.events into the index)',
      ]);
      assert.doesNotMatch(steps.join('\n'), /s3cret/);
    });
  });
});
