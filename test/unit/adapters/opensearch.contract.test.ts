import { createOpenSearchAdapter } from '../../../src/adapters/opensearch/index.js';
import type { HttpScript } from '../../fixtures/http/http-script.js';
import { describeAdapterContract } from './contract.js';

const URL_ = 'http://opensearch.test:9200';
const INDEX = `${URL_}/ib-app-logs`;

function secrets(env: Record<string, string>) {
  return { env, readFile: (p: string): string => { throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' }); } };
}

describeAdapterContract({
  adapter: 'opensearch',
  validConfig: { url: `${URL_}/`, username: 'bench', password_env: 'OS_PASSWORD', ingest: { consumer_group: 'connect-os-sink' } },
  env: { OS_PASSWORD: 's3cret' },
  invalidConfigs: [
    { title: 'url is missing', config: { ingest: { consumer_group: 'g' } }, keys: ['url'] },
    { title: 'the password variable is not set', config: { url: URL_, username: 'u', password_env: 'NOPE', ingest: { consumer_group: 'g' } }, keys: ['password_env'] },
    { title: 'the password file does not exist', config: { url: URL_, username: 'u', password_file: '/run/secrets/none', ingest: { consumer_group: 'g' } }, keys: ['password_file'] },
    { title: 'external ingestion names no consumer group', config: { url: URL_ }, keys: ['ingest.consumer_group'] },
    { title: 'a key is misspelt and a type is wrong', config: { url: URL_, shard: 2, tls_verify: 'no', ingest: { consumer_group: 'g' } }, keys: ['shard', 'tls_verify'] },
  ],
  create: (config, env, http: HttpScript) => createOpenSearchAdapter(config, { dispatcher: http.agent, secrets: secrets(env) }),
  runPrepare: (adapter, ctx) => adapter.prepare(ctx),
  scriptPrepare(http, state) {
    if (state === 'fresh') {
      http.on('PUT', INDEX, { status: 200, fixture: 'opensearch/create-index.json' });
    } else {
      http.on('PUT', INDEX, { status: 400, fixture: 'opensearch/index-exists.json' });
      http.on('GET', `${INDEX}/_count`, { status: 200, fixture: 'opensearch/count-empty.json' });
    }
  },
  scriptCleanupGone(http) {
    http.on('DELETE', INDEX, { status: 404, fixture: 'opensearch/index-not-found.json' });
  },
  scriptProbe(http, reply) {
    http.on('POST', `${INDEX}/_search`, reply === 'found'
      ? { status: 200, fixture: 'opensearch/probe-hits.json' }
      : { status: 404, fixture: 'opensearch/index-not-found.json' });
  },
  queryEndpoint: URL_,
  scriptExecute(http, reply) {
    http.on('POST', `${INDEX}/_search`, reply);
  },
  okSearch: { reply: { status: 200, fixture: 'opensearch/search.json' }, hits: 1234 },
  unavailable: { status: 503, fixture: 'opensearch/search-unavailable.json' },
});
