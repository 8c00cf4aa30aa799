import assert from 'node:assert/strict';
import { bindDsl } from '../../../src/adapters/bind.js';
import { compileDsl } from '../../../src/adapters/opensearch/compile.js';
import { readSearchResponse } from '../../../src/adapters/opensearch/read-response.js';
import type { CompiledQuery, StreamContext } from '../../../src/adapters/types.js';
import { TargetError } from '../../../src/core/errors.js';
import { loadScenarioFile } from '../../../src/scenario/load-scenario.js';
import type { ResolvedQuery } from '../../../src/scenario/resolved.js';
import { resolveScenario } from '../../../src/scenario/resolve.js';
import type { FieldDef } from '../../../src/scenario/schema.js';

const scenario = resolveScenario(loadScenarioFile('scenarios/sre-outage.yaml').doc, { baseDir: 'scenarios' });
const sre = scenario.streams[0]!;
const SRE_STREAM: StreamContext = { name: sre.name, index: sre.index, timestampField: sre.timestampField,
  fields: sre.fields, topic: 'events', partitions: 1 };
const EXTRA: FieldDef[] = [
  { name: 'cpu', type: 'float', generator: 'range' }, { name: 'client_ip', type: 'ip', generator: 'ip' },
  { name: 'cached', type: 'boolean', generator: 'enum' },
];
const STREAM: StreamContext = { ...SRE_STREAM, fields: [...sre.fields, ...EXTRA] };

function sreQuery(name: string): ResolvedQuery {
  const q = scenario.queries.find((x) => x.name === name);
  if (!q) assert.fail(`sre-outage.yaml has no query ${name}`);
  return q;
}

function query(over: Partial<ResolvedQuery>): ResolvedQuery {
  return { name: 'q', type: 'search', weight: 1, category: null, template: '*', sort: null, limit: null, timeRange: null,
    timeoutMs: 10000, variables: {}, sql: null, sqlFile: null, dsl: null, index: null, stream: STREAM.name,
    description: '', ...over };
}

function bodyOf(c: CompiledQuery): unknown {
  assert.equal(c.compiled.language, 'dsl');
  return c.compiled.language === 'dsl' ? c.compiled.body : null;
}

const search = (template: string, over: Partial<ResolvedQuery> = {}) => bodyOf(compileDsl(query({ template, ...over }), STREAM));
/** The `query` of a search body. */
const q = (template: string, over: Partial<ResolvedQuery> = {}) => (search(template, over) as { query: unknown }).query;
const aggregation = (template: string, over: Partial<ResolvedQuery> = {}) =>
  bodyOf(compileDsl(query({ type: 'aggregation', template, ...over }), STREAM));

describe('Query DSL compiler (SPEC §8.3)', () => {
  describe('the SRE-outage queries', () => {
    const expected: Record<string, unknown> = {
      error_search: {
        query: { bool: { filter: [{ term: { level: 'ERROR' } }, { term: { service: 'payment-service' } }] } },
        track_total_hits: true,
      },
      recent_errors: {
        query: { term: { level: 'ERROR' } }, sort: [{ '@timestamp': { order: 'desc' } }], size: 100, track_total_hits: true,
      },
      error_code_agg: {
        size: 0, track_total_hits: true, query: { term: { level: 'ERROR' } },
        aggs: { 'terms(error_code)': { terms: { field: 'error_code' } } },
      },
      service_error_rate: {
        size: 0, track_total_hits: true, query: { match_all: {} },
        aggs: { 'terms(service)': { terms: { field: 'service' }, aggs: { 'terms(level)': { terms: { field: 'level' } } } } },
      },
      trace_lookup: {
        query: { term: { trace_id: { $ibVar: 'random_trace_id', as: 'string' } } }, track_total_hits: true,
      },
      status_code_timeline: {
        size: 0, track_total_hits: true, query: { term: { service: 'payment-service' } },
        aggs: { 'date_histogram(@timestamp)': {
          date_histogram: { field: '@timestamp', fixed_interval: '1m' },
          aggs: { 'terms(http_status)': { terms: { field: 'http_status' } } },
        } },
      },
      slow_requests: {
        query: { bool: { filter: [{ range: { response_time_ms: { gt: 5000 } } }, { term: { service: 'payment-service' } }] } },
        track_total_hits: true,
      },
      wildcard_message: {
        query: { wildcard: { message: { value: '*NullPointerException*', case_insensitive: true } } }, track_total_hits: true,
      },
    };

    it('covers every query of the scenario file', () => {
      assert.deepEqual(scenario.queries.map((x) => x.name).sort(), Object.keys(expected).sort());
    });

    for (const [name, body] of Object.entries(expected)) {
      it(`compiles ${name}`, () => {
        const c = compileDsl(sreQuery(name), SRE_STREAM);
        assert.deepEqual(bodyOf(c), body);
        assert.equal(c.index, 'incidentbench-sre-outage');
        assert.equal(c.compiled.language === 'dsl' ? c.compiled.index : null, 'incidentbench-sre-outage');
        assert.equal(c.kind, sreQuery(name).type);
        assert.equal(c.timeoutMs, sreQuery(name).timeoutMs);
      });
    }

    it('lists {{random_trace_id}} as the variable of trace_lookup and binds it as a string', () => {
      const c = compileDsl(sreQuery('trace_lookup'), SRE_STREAM);
      assert.deepEqual(c.variables, ['random_trace_id']);
      const hostile = '"}},{"match_all":{}}],"x":"\\';
      assert.deepEqual(bindDsl(bodyOf(c), { random_trace_id: hostile }),
        { query: { term: { trace_id: hostile } }, track_total_hits: true });
    });
  });

  describe('the §8.3 table', () => {
    it('f:v on keyword, number, ip and boolean fields → term with a typed value', () => {
      assert.deepEqual(q('level:ERROR'), { term: { level: 'ERROR' } });
      assert.deepEqual(q('http_status:500'), { term: { http_status: 500 } });
      assert.deepEqual(q('cpu:0.25'), { term: { cpu: 0.25 } });
      assert.deepEqual(q('duration_ns:9007199254740993'), { term: { duration_ns: '9007199254740993' } });
      assert.deepEqual(q('client_ip:10.0.0.0/8'), { term: { client_ip: '10.0.0.0/8' } });
      assert.deepEqual(q('cached:true'), { term: { cached: true } });
      assert.deepEqual(q('service:"payment service"'), { term: { service: 'payment service' } });
    });

    it('f:v on text → match; f:"a b" → match_phrase', () => {
      assert.deepEqual(q('message:timeout'), { match: { message: 'timeout' } });
      assert.deepEqual(q('message:"connection refused"'), { match_phrase: { message: 'connection refused' } });
    });

    it('f:*x* → wildcard with case_insensitive, a literal backslash escaped for Lucene', () => {
      assert.deepEqual(q('message:*x*'), { wildcard: { message: { value: '*x*', case_insensitive: true } } });
      assert.deepEqual(q('service:pay?ent*'), { wildcard: { service: { value: 'pay?ent*', case_insensitive: true } } });
      assert.deepEqual(q('service:a\\b*'), { wildcard: { service: { value: 'a\\\\b*', case_insensitive: true } } });
    });

    it('> >= < <= → range gt/gte/lt/lte', () => {
      assert.deepEqual(q('response_time_ms:>5000'), { range: { response_time_ms: { gt: 5000 } } });
      assert.deepEqual(q('response_time_ms:>=5000'), { range: { response_time_ms: { gte: 5000 } } });
      assert.deepEqual(q('cpu:<0.5'), { range: { cpu: { lt: 0.5 } } });
      assert.deepEqual(q('cpu:<=0.5'), { range: { cpu: { lte: 0.5 } } });
      assert.deepEqual(q('@timestamp:>1704067200000'), { range: { '@timestamp': { gt: 1704067200000 } } });
    });

    it('[a TO b] → range gte/lte, an open end left out, dates as written', () => {
      assert.deepEqual(q('http_status:[400 TO 499]'), { range: { http_status: { gte: 400, lte: 499 } } });
      assert.deepEqual(q('http_status:[400 TO *]'), { range: { http_status: { gte: 400 } } });
      assert.deepEqual(q('@timestamp:[2024-01-01 TO 2024-01-02T00:00:00Z]'),
        { range: { '@timestamp': { gte: '2024-01-01', lte: '2024-01-02T00:00:00Z' } } });
    });

    it('AND → bool.filter, OR → bool.should with minimum_should_match 1, NOT → bool.must_not', () => {
      assert.deepEqual(q('level:ERROR AND service:a'), { bool: { filter: [{ term: { level: 'ERROR' } }, { term: { service: 'a' } }] } });
      assert.deepEqual(q('level:ERROR OR level:WARN'),
        { bool: { should: [{ term: { level: 'ERROR' } }, { term: { level: 'WARN' } }], minimum_should_match: 1 } });
      assert.deepEqual(q('NOT level:INFO'), { bool: { must_not: [{ term: { level: 'INFO' } }] } });
      assert.deepEqual(q('(level:ERROR OR level:WARN) NOT service:a'), { bool: { filter: [
        { bool: { should: [{ term: { level: 'ERROR' } }, { term: { level: 'WARN' } }], minimum_should_match: 1 } },
        { bool: { must_not: [{ term: { service: 'a' } }] } },
      ] } });
    });

    it('* and filter: * → match_all', () => {
      assert.deepEqual(q('*'), { match_all: {} });
      assert.deepEqual((aggregation('filter: *\naggregate: terms(level)') as { query: unknown }).query, { match_all: {} });
      assert.deepEqual((aggregation('aggregate: terms(level)') as { query: unknown }).query, { match_all: {} });
    });

    it('time_range: 15m → an extra range filter on the timestamp field', () => {
      const range = { range: { '@timestamp': { gte: 'now-15m' } } };
      assert.deepEqual(q('*', { timeRange: '15m' }), { bool: { filter: [range] } });
      assert.deepEqual(q('level:ERROR', { timeRange: '15m' }), { bool: { filter: [{ term: { level: 'ERROR' } }, range] } });
      assert.deepEqual(q('level:ERROR AND service:a', { timeRange: '15m' }),
        { bool: { filter: [{ term: { level: 'ERROR' } }, { term: { service: 'a' } }, range] } });
      assert.deepEqual(q('level:ERROR OR service:a', { timeRange: '2h' }), { bool: { filter: [
        { bool: { should: [{ term: { level: 'ERROR' } }, { term: { service: 'a' } }], minimum_should_match: 1 } },
        { range: { '@timestamp': { gte: 'now-2h' } } },
      ] } });
      assert.deepEqual((aggregation('aggregate: terms(level)', { timeRange: '1d' }) as { query: unknown }).query,
        { bool: { filter: [{ range: { '@timestamp': { gte: 'now-1d' } } }] } });
    });

    it('terms(f, size=N) → terms with field and size', () => {
      assert.deepEqual(aggregation('aggregate: terms(service, size=5)'),
        { size: 0, track_total_hits: true, query: { match_all: {} }, aggs: { 'terms(service)': { terms: { field: 'service', size: 5 } } } });
    });

    it('date_histogram(f, interval=…) → date_histogram with fixed_interval', () => {
      assert.deepEqual(aggregation('aggregate: date_histogram(@timestamp, interval=30s)'), { size: 0, track_total_hits: true, query: { match_all: {} },
        aggs: { 'date_histogram(@timestamp)': { date_histogram: { field: '@timestamp', fixed_interval: '30s' } } } });
    });

    it('A > B nests B under A\'s aggs; avg/min/max/sum by name in the innermost bucket', () => {
      for (const fn of ['avg', 'min', 'max', 'sum']) {
        assert.deepEqual(aggregation(`aggregate: terms(service) > date_histogram(@timestamp, interval=1h) > ${fn}(response_time_ms)`), {
          size: 0, track_total_hits: true, query: { match_all: {} },
          aggs: { 'terms(service)': { terms: { field: 'service' }, aggs: { 'date_histogram(@timestamp)': {
            date_histogram: { field: '@timestamp', fixed_interval: '1h' },
            aggs: { [`${fn}(response_time_ms)`]: { [fn]: { field: 'response_time_ms' } } },
          } } } },
        });
      }
    });

    it('percentile(f, p) → percentiles with percents [p]; count() → no metric (doc_count)', () => {
      assert.deepEqual(aggregation('aggregate: terms(level) > percentile(response_time_ms, 99.9)'), {
        size: 0, track_total_hits: true, query: { match_all: {} }, aggs: { 'terms(level)': { terms: { field: 'level' }, aggs: {
          'percentile(response_time_ms, 99.9)': { percentiles: { field: 'response_time_ms', percents: [99.9] } },
        } } },
      });
      assert.deepEqual(aggregation('aggregate: terms(level) > count()'), aggregation('aggregate: terms(level)'));
    });

    it('sort: f:desc → sort with order; limit → size; aggregations → size 0', () => {
      const body = search('level:ERROR', { sort: { field: 'http_status', order: 'asc' }, limit: 25 }) as Record<string, unknown>;
      assert.deepEqual(body.sort, [{ http_status: { order: 'asc' } }]);
      assert.equal(body.size, 25);
      assert.ok(!('size' in (search('level:ERROR') as object)), 'no size without a limit (the default, 10, applies)');
      assert.equal((aggregation('aggregate: terms(level)') as { size: number }).size, 0);
    });

    it('searches and aggregations send track_total_hits true unless turned off', () => {
      assert.equal((search('*') as Record<string, unknown>).track_total_hits, true);
      assert.equal((aggregation('aggregate: terms(level)') as Record<string, unknown>).track_total_hits, true);
      const off = bodyOf(compileDsl(query({ template: '*' }), STREAM, { trackTotalHits: false })) as Record<string, unknown>;
      assert.ok(!('track_total_hits' in off));
    });

    it('dsl: → sent as is', () => {
      const dsl = { query: { bool: { must: [{ query_string: { query: 'a AND b' } }] } }, size: 3, aggs: { x: { terms: { field: 'level' } } } };
      const c = compileDsl(query({ type: 'dsl', template: null, dsl, index: 'logs-*', stream: null }), null);
      assert.deepEqual(bodyOf(c), dsl);
      assert.equal(c.kind, 'native');
      assert.equal(c.index, 'logs-*');
      assert.deepEqual(c.variables, []);
    });
  });

  describe('variables', () => {
    it('become $ibVar markers typed by the field: numbers on numeric fields, strings elsewhere', () => {
      const c = compileDsl(query({ template: 'trace_id:{{t}} OR http_status:{{n}} OR message:{{t}} OR cached:{{b}}' }), STREAM);
      assert.deepEqual((bodyOf(c) as { query: unknown }).query, { bool: { should: [
        { term: { trace_id: { $ibVar: 't', as: 'string' } } },
        { term: { http_status: { $ibVar: 'n', as: 'number' } } },
        { match: { message: { $ibVar: 't', as: 'string' } } },
        { term: { cached: { $ibVar: 'b', as: 'string' } } },
      ], minimum_should_match: 1 } });
      assert.deepEqual(c.variables, ['t', 'n', 'b']);
      assert.deepEqual(bindDsl(bodyOf(c), { t: 'abc', n: 503, b: true }), { query: { bool: { should: [
        { term: { trace_id: 'abc' } }, { term: { http_status: 503 } }, { match: { message: 'abc' } }, { term: { cached: 'true' } },
      ], minimum_should_match: 1 } }, track_total_hits: true });
    });

    it('are bound inside native dsl strings: a whole-string placeholder and one inside other text', () => {
      const dsl = { query: { bool: { filter: [{ term: { trace_id: '{{ id }}' } }, { match: { message: 'user {{user}} failed' } }] } } };
      const c = compileDsl(query({ type: 'dsl', template: null, dsl, index: 'logs' }), null);
      assert.deepEqual(c.variables, ['id', 'user']);
      assert.deepEqual(bodyOf(c), { query: { bool: { filter: [
        { term: { trace_id: { $ibVar: 'id', as: 'string' } } },
        { match: { message: { $ibText: ['user ', { $ibVar: 'user', as: 'string' }, ' failed'] } } },
      ] } } });
      assert.deepEqual(bindDsl(bodyOf(c), { id: 'x"}', user: 42 }),
        { query: { bool: { filter: [{ term: { trace_id: 'x"}' } }, { match: { message: 'user 42 failed' } }] } } });
    });

    it('refuses native dsl that uses a marker key or a placeholder in a key', () => {
      const compileNative = (dsl: Record<string, unknown>) => compileDsl(query({ type: 'dsl', template: null, dsl, index: 'logs' }), null);
      assert.throws(() => compileNative({ query: { term: { x: { $ibVar: 'a', as: 'string' } } } }),
        (e: TargetError) => e.errorClass === 'bad_query' && /reserved/.test(e.message));
      assert.throws(() => compileNative({ query: { term: { '{{f}}': 'x' } } }),
        (e: TargetError) => e.errorClass === 'bad_query' && /in the key/.test(e.message));
    });
  });

  describe('errors', () => {
    it('refuses a native sql query and a query without an index', () => {
      assert.throws(() => compileDsl(query({ type: 'sql', template: null, sql: 'SELECT 1' }), STREAM),
        (e: TargetError) => e.errorClass === 'bad_query' && /native sql/.test(e.message));
      assert.throws(() => compileDsl(query({ type: 'dsl', template: null, dsl: {}, stream: null }), null),
        (e: TargetError) => e.errorClass === 'bad_query' && /names no index/.test(e.message));
    });

    it('refuses a field the schema does not have', () => {
      assert.throws(() => search('nope:1'), (e: TargetError) => /field "nope", which is not in the schema/.test(e.message));
    });

    it('uses the query\'s index over the stream\'s', () => {
      assert.equal(compileDsl(query({ index: 'other-index' }), STREAM).index, 'other-index');
    });
  });
});

describe('reading _search answers (SPEC §8.3 "Reading results")', () => {
  it('takes hits from hits.total.value', () => {
    assert.deepEqual(readSearchResponse({ took: 3, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { total: { value: 12345, relation: 'eq' }, max_score: null, hits: [] } }), { ok: true, hits: 12345 });
  });

  it('takes a numeric hits.total as is (Elasticsearch 6, rest_total_hits_as_int)', () => {
    assert.deepEqual(readSearchResponse({ timed_out: false, hits: { total: 7, hits: [] } }), { ok: true, hits: 7 });
  });

  it('reports no hit count when the answer carries no total', () => {
    assert.deepEqual(readSearchResponse({ timed_out: false, hits: { hits: [] } }), { ok: true, hits: null });
  });

  it('treats timed_out: true as a timeout', () => {
    const r = readSearchResponse({ timed_out: true, hits: { total: { value: 3, relation: 'eq' } } });
    assert.equal(r.ok, false);
    assert.equal(r.errorClass, 'timeout');
  });

  it('treats failed shards as error class partial, with the first reason', () => {
    const r = readSearchResponse({ timed_out: false, _shards: { total: 5, successful: 3, failed: 2,
      failures: [{ shard: 1, index: 'x', reason: { type: 'query_shard_exception', reason: 'failed to create query' } }] },
    hits: { total: { value: 9, relation: 'eq' } } });
    assert.deepEqual(r, { ok: false, hits: null, errorClass: 'partial',
      error: '2 of 5 shards failed: query_shard_exception: failed to create query' });
  });

  it('classifies a body that is not a search answer as bad_response', () => {
    for (const body of [null, 'text', [1], { took: 1 }, { hits: { total: 'many' } }]) {
      const r = readSearchResponse(body);
      assert.equal(r.ok, false, JSON.stringify(body));
      assert.equal(r.errorClass, 'bad_response');
    }
  });
});
