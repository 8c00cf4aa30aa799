import { createElasticsearchAdapter } from '../../../src/adapters/opensearch/index.js';
import type { HttpScript } from '../../fixtures/http/http-script.js';
import { describeAdapterContract } from './contract.js';

const URL_ = 'https://es.test:9243';
const INDEX = `${URL_}/ib-app-logs`;

function secrets(env: Record<string, string>) {
  return { env, readFile: (p: string): string => { throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' }); } };
}

describeAdapterContract({
  adapter: 'elasticsearch',
  validConfig: { endpoint: URL_, api_key_env: 'ES_API_KEY', ingest: { consumer_group: 'connect-es-sink' } },
  env: { ES_API_KEY: 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==' },
  invalidConfigs: [
    { title: 'pull ingestion is asked of Elasticsearch', config: { url: URL_, ingest: { mode: 'pull' } }, keys: ['ingest.mode'] },
    { title: 'the API key variable is not set', config: { url: URL_, api_key_env: 'MISSING', ingest: { consumer_group: 'g' } }, env: {}, keys: ['api_key_env'] },
    { title: 'both url and endpoint are given', config: { url: URL_, endpoint: URL_, ingest: { consumer_group: 'g' } }, keys: ['endpoint'] },
    { title: 'the url is not http', config: { url: 'ftp://es.test', ingest: { consumer_group: 'g' } }, keys: ['url'] },
  ],
  create: (config, env, http: HttpScript) => createElasticsearchAdapter(config, { dispatcher: http.agent, secrets: secrets(env) }),
  runPrepare: (adapter, ctx) => adapter.prepare(ctx),
  scriptPrepare(http, state) {
    if (state === 'fresh') {
      http.on('PUT', INDEX, { status: 200, fixture: 'elasticsearch/create-index.json' });
    } else {
      http.on('PUT', INDEX, { status: 400, fixture: 'elasticsearch/index-exists.json' });
      http.on('GET', `${INDEX}/_count`, { status: 200, fixture: 'elasticsearch/count-empty.json' });
    }
  },
  scriptCleanupGone(http) {
    http.on('DELETE', INDEX, { status: 404, fixture: 'elasticsearch/index-not-found.json' });
  },
  scriptProbe(http, reply) {
    http.on('POST', `${INDEX}/_search`, reply === 'found'
      ? { status: 200, json: { took: 2, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: { total: { value: 2, relation: 'eq' }, max_score: 1, hits: [
          { _index: 'ib-app-logs', _id: 'a', _score: 1, _source: { trace_id: 'ib-5b7e0c1a-0' } },
          { _index: 'ib-app-logs', _id: 'b', _score: 1, _source: { trace_id: 'ib-5b7e0c1a-2' } }] } } }
      : { status: 404, fixture: 'elasticsearch/index-not-found.json' });
  },
  queryEndpoint: URL_,
  scriptExecute(http, reply) {
    http.on('POST', `${INDEX}/_search`, reply);
  },
  okSearch: { reply: { status: 200, fixture: 'elasticsearch/search.json' }, hits: 1234 },
  unavailable: { status: 503, fixture: 'elasticsearch/search-unavailable.json' },
});
