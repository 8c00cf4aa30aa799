import { createMach5Adapter } from '../../../src/adapters/mach5/index.js';
import type { HttpScript } from '../../fixtures/http/http-script.js';
import { SteppingTimers } from '../../fixtures/http/stepping-timers.js';
import { describeAdapterContract, RUN } from './contract.js';

const URL_ = 'http://mach5.test:8888';
const NS = `${URL_}/apis/namespaces/perf`;
const QE = `${URL_}/namespaces/perf/warehouses/incidentbench-wh/query`;

let timers = new SteppingTimers();

function secrets(env: Record<string, string>) {
  return { env, readFile: (p: string): string => { throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' }); } };
}

describeAdapterContract({
  adapter: 'mach5',
  validConfig: { url: URL_, namespace: 'perf', token_env: 'MACH5_TOKEN' },
  env: { MACH5_TOKEN: 'tok-123' },
  invalidConfigs: [
    { title: 'namespace is missing', config: { url: URL_ }, keys: ['namespace'] },
    { title: 'the token variable is not set', config: { url: URL_, namespace: 'perf', token_env: 'MISSING' }, env: {}, keys: ['token_env'] },
    { title: 'a warehouse size is not a whole number', config: { url: URL_, namespace: 'perf', warehouses: [{ name: 'w', num_os: 1.5 }] }, keys: ['warehouses[0].num_os'] },
    { title: 'the reference\'s plain pg_password is given', config: { url: URL_, namespace: 'perf', pg_password: 'x' }, keys: ['pg_password'] },
  ],
  create: (config, env, http: HttpScript) => {
    timers = new SteppingTimers();
    return createMach5Adapter(config, { dispatcher: http.agent, secrets: secrets(env), timers });
  },
  runPrepare: (adapter, ctx) => timers.drive(adapter.prepare(ctx), 5000),
  scriptPrepare(http, state) {
    const reply = state === 'fresh' ? { status: 200, fixture: 'mach5/created.json' } : { status: 409, fixture: 'mach5/already-exists.json' };
    http.on('PUT', NS, reply);
    http.on('PUT', `${NS}/connections/ib-${RUN}-kafka`, reply);
    http.on('PUT', `${NS}/indexes/ib-app-logs`, reply);
    http.on('PUT', `${NS}/ingest_pipelines/ib-${RUN}-app`, reply);
    http.on('PUT', `${NS}/warehouses/incidentbench-wh`, reply);
    http.on('GET', `${NS}/warehouses/incidentbench-wh`, { status: 200, fixture: 'mach5/warehouse-ready.json' });
    http.on('POST', `${QE}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    if (state === 'existing') {
      http.on('POST', `${QE}/ib-app-logs/_search?size=0`, { status: 200, fixture: 'mach5/search-empty.json' });
    }
  },
  scriptCleanupGone(http) {
    http.on('DELETE', `${NS}/ingest_pipelines/ib-${RUN}-app`, { status: 404, fixture: 'mach5/not-found.json' });
    http.on('DELETE', `${NS}/connections/ib-${RUN}-kafka`, { status: 404, fixture: 'mach5/not-found.json' });
  },
  scriptProbe(http, reply) {
    http.on('POST', `${QE}/ib-app-logs/_search`, reply === 'found'
      ? { status: 200, json: { took: 5, timed_out: false, _shards: { total: 2, successful: 2, skipped: 0, failed: 0 },
        hits: { total: { value: 2, relation: 'eq' }, max_score: 1, hits: [
          { _index: 'ib-app-logs', _id: '7', _score: 1, _source: { trace_id: 'ib-5b7e0c1a-0' } },
          { _index: 'ib-app-logs', _id: '9', _score: 1, _source: { trace_id: 'ib-5b7e0c1a-2' } }] } } }
      : { status: 404, fixture: 'mach5/not-found.json' });
  },
  queryEndpoint: QE,
  scriptExecute(http, reply) {
    http.on('POST', `${QE}/ib-app-logs/_search`, reply);
  },
  okSearch: { reply: { status: 200, fixture: 'mach5/search.json' }, hits: 877 },
  unavailable: { status: 503, fixture: 'mach5/upstream-unavailable.txt' },
});
