import assert from 'node:assert/strict';
import { createMach5Adapter, type Mach5Adapter } from '../../../src/adapters/mach5/index.js';
import type { ResolvedQuery } from '../../../src/scenario/resolved.js';
import { HttpScript } from '../../fixtures/http/http-script.js';
import { SteppingTimers } from '../../fixtures/http/stepping-timers.js';
import { appStream, compiledSearch, LogLines, runContext, SENTINEL_0, SENTINEL_1 } from './contract.js';

const URL_ = 'http://mach5.test:8888';
const QE = `${URL_}/namespaces/perf/warehouses/incidentbench-wh/query`;

const SQL_QUERY: ResolvedQuery = {
  name: 'errors_by_service', type: 'sql', weight: 1, category: null, template: null, sort: null, limit: null,
  timeRange: null, timeoutMs: 5000, variables: {}, sql: 'SELECT service, count(*) FROM "ib-app-logs" GROUP BY service',
  sqlFile: null, dsl: null, index: 'ib-app-logs', stream: null, description: '',
};

describe('Mach5 adapter: execute and probe (SPEC §8.4)', () => {
  let http: HttpScript;
  let logs: LogLines;
  beforeEach(() => {
    http = new HttpScript();
    logs = new LogLines();
  });
  afterEach(async () => {
    await http.close();
  });

  function mach5(extra: Record<string, unknown> = {}): Mach5Adapter {
    return createMach5Adapter({ url: URL_, namespace: 'perf', token_env: 'T', ...extra },
      { dispatcher: http.agent, timers: new SteppingTimers(), secrets: { env: { T: 'tok' }, readFile: () => '' } });
  }

  it('POSTs the bound DSL body to {queryEndpoint}/{index}/_search with the bearer token', async () => {
    http.on('POST', `${QE}/ib-app-logs/_search`, { status: 200, fixture: 'mach5/search.json' });
    const r = await mach5().execute(compiledSearch(), { svc: 'api' }, QE, new AbortController().signal);
    assert.deepEqual(r, { ok: true, hits: 877 });
    assert.equal(http.calls[0]!.headers.authorization, 'Bearer tok');
    assert.deepEqual(http.calls[0]!.body, {
      query: { bool: { filter: [{ term: { level: 'ERROR' } }, { term: { service: 'api' } }] } }, size: 10, track_total_hits: true,
    });
  });

  it('counts 0 hits when a 2xx answer has no hits.total (the reference\'s rule)', async () => {
    http.on('POST', `${QE}/ib-app-logs/_search`, { status: 200, fixture: 'mach5/search-no-total.json' });
    assert.deepEqual(await mach5().execute(compiledSearch(), { svc: 'api' }, QE, new AbortController().signal), { ok: true, hits: 0 });
  });

  it('compiles type: sql for the PostgreSQL wire protocol (no HTTP request), and needs pg_host for it', async () => {
    assert.throws(() => mach5().compile(SQL_QUERY, null), /pg_host: missing/);
    const q = mach5({ pg_host: 'pg.mach5.test' }).compile(SQL_QUERY, null);
    assert.deepEqual(q.compiled, { language: 'sql', parts: [{ text: SQL_QUERY.sql }] });
    assert.equal(http.calls.length, 0);
  });

  it('probes the first warehouse\'s query endpoint with the §8.3 terms query', async () => {
    http.on('POST', `${QE}/ib-app-logs/_search`, { status: 200, fixture: 'mach5/probe-hits.json' });
    const found = await mach5().probe([SENTINEL_0, SENTINEL_1], runContext(logs, [appStream()]));
    assert.deepEqual([...found], [SENTINEL_0]);
    assert.deepEqual(http.calls[0]!.body, { size: 2, _source: ['trace_id'], query: { terms: { trace_id: [SENTINEL_0, SENTINEL_1] } } });
  });

  it('with a {warehouse_id} endpoint template and no prepare in this process, reads the id once before probing', async () => {
    const qe = 'http://wh-wh-5f0c2b9e-8d41-4c1a-9a3e-71b2d6e0f4c8.mach5.local:9200';
    http.on('GET', `${URL_}/apis/namespaces/perf/warehouses/incidentbench-wh`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    http.on('POST', `${qe}/ib-app-logs/_search`, { status: 200, fixture: 'mach5/probe-hits.json' }, 2);
    const adapter = mach5({ query_endpoint_template: 'http://wh-{warehouse_id}.mach5.local:9200' });
    await adapter.probe([SENTINEL_0], runContext(logs));
    await adapter.probe([SENTINEL_0], runContext(logs));
    assert.deepEqual(http.lines(), [
      `GET ${URL_}/apis/namespaces/perf/warehouses/incidentbench-wh`,
      `POST ${qe}/ib-app-logs/_search`,
      `POST ${qe}/ib-app-logs/_search`,
    ]);
  });
});
