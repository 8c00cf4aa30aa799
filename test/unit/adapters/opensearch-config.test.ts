import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/core/errors.js';
import { createOpenSearchAdapter, createElasticsearchAdapter } from '../../../src/adapters/opensearch/index.js';
import { parseSearchConfig, type SearchVariant } from '../../../src/adapters/opensearch/config.js';
import { ConfigProblems } from '../../../src/adapters/opensearch/config-reader.js';
import { leafPrefixConflicts, mappingProperties } from '../../../src/adapters/opensearch/mapping.js';
import { TargetError } from '../../../src/core/errors.js';

function sources(env: Record<string, string> = {}, files: Record<string, string> = {}) {
  return {
    env,
    readFile: (p: string): string => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      return text;
    },
  };
}

/** `path: message` of every problem, in order. */
function problemsOf(raw: unknown, variant: SearchVariant = 'opensearch', env: Record<string, string> = {},
  files: Record<string, string> = {}): string[] {
  const sink = new ConfigProblems('target.yaml');
  parseSearchConfig(raw, variant, sink, sources(env, files));
  return sink.errors.map((p) => `${p.path}: ${p.message}`);
}

describe('OpenSearch / Elasticsearch target config (SPEC §8.3 table)', () => {
  it('applies the defaults: tls_verify true, 0 replicas, refresh 1s, external ingestion, no auth', () => {
    const sink = new ConfigProblems('target.yaml');
    const parsed = parseSearchConfig({ endpoint: 'https://os.example:9200/base/', ingest: { consumer_group: 'connect-sink' } },
      'opensearch', sink, sources());
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(parsed, {
      config: {
        variant: 'opensearch', url: 'https://os.example:9200/base', tlsVerify: true, shards: null, replicas: 0,
        refreshInterval: '1s', auth: 'none',
        ingest: { mode: 'external', consumerGroup: 'connect-sink', consumerGroups: {} },
      },
      authorization: null,
    });
  });

  it('reads the password from a file, dropping one trailing newline', () => {
    const sink = new ConfigProblems('target.yaml');
    const parsed = parseSearchConfig({ url: 'http://os:9200', username: 'bench', password_file: '/run/secrets/os',
      ingest: { consumer_group: 'g' } }, 'opensearch', sink, sources({}, { '/run/secrets/os': 'pa:ss\n' }));
    assert.equal(parsed?.authorization, `Basic ${Buffer.from('bench:pa:ss').toString('base64')}`);
    assert.equal(parsed?.config.auth, 'basic');
    assert.doesNotMatch(JSON.stringify(parsed?.config), /pa:ss/);
  });

  it('reports every problem with its key, what is wrong and what is expected', () => {
    assert.deepEqual(problemsOf({
      url: 'localhost:9200', usename: 'bench', password_env: 'OS_PW', tls_verify: 'yes', shards: 0,
      refresh_interval: '1 second', ingest: { mode: 'pul' },
    }), [
      'usename: unknown key "usename" (did you mean "username"?)',
      'url: "localhost:9200" is not an http(s) URL; expected the base URL, e.g. http://localhost:9200',
      'password_env: a password is given without username; expected username too',
      'tls_verify: expected true or false, got "yes"',
      'shards: expected the number of primary shards (a whole number ≥ 1), got 0',
      'refresh_interval: expected a time value such as "1s" or "500ms" (or "-1"), got "1 second"',
      'ingest.mode: expected one of "external", "pull", got "pul" (did you mean "pull"?)',
    ]);
  });

  it('names the environment variable or the file a secret was expected in', () => {
    assert.deepEqual(problemsOf({ url: 'http://os:9200', username: 'u', password_env: 'OS_PASSWORD', ingest: { consumer_group: 'g' } }), [
      'password_env: environment variable "OS_PASSWORD" is not set; expected it to hold the password',
    ]);
    assert.deepEqual(problemsOf({ url: 'http://os:9200', username: 'u', password_file: '/nope', ingest: { consumer_group: 'g' } }), [
      'password_file: cannot read "/nope": no such file; expected a file holding the password',
    ]);
    assert.deepEqual(problemsOf({ url: 'http://os:9200', username: 'u', ingest: { consumer_group: 'g' } }), [
      'username: username is given without a password; expected password_env (an environment variable) or password_file (a file) naming it',
    ]);
    assert.deepEqual(problemsOf({ url: 'http://os:9200', username: 'u', password_env: 'A', password_file: '/b', ingest: { consumer_group: 'g' } }, 'opensearch', { A: 'x' }), [
      'password_file: both password_env and password_file are given; expected only one source of the password',
    ]);
  });

  it('requires the sink\'s consumer group for external ingestion', () => {
    assert.deepEqual(problemsOf({ url: 'http://os:9200' }), [
      'ingest.consumer_group: missing: ingest.mode external needs the consumer group of the sink you run (a Kafka Connect sink\'s is connect-<connector name>), or ingest.consumer_groups per stream',
    ]);
  });

  it('keeps pull-only and external-only keys apart', () => {
    assert.deepEqual(problemsOf({ url: 'http://os:9200', ingest: { consumer_group: 'g', pull: { error_strategy: 'DROP' } } }), [
      'ingest.pull: ingest.pull is only for ingest.mode pull; expected no ingest.pull with ingest.mode external',
    ]);
    assert.deepEqual(problemsOf({ url: 'http://os:9200', ingest: { mode: 'pull', consumer_group: 'g' } }), [
      'ingest.consumer_group: consumer groups are for ingest.mode external; pull-based ingestion has no Kafka consumer group (remove this key)',
    ]);
  });

  it('checks pull options: names, reset values, Kafka params', () => {
    assert.deepEqual(problemsOf({ url: 'http://os:9200', ingest: { mode: 'pull', pull: {
      pointer_init_reset: 'reset_by_timestamp', error_strategy: 'drop-it', kafka_params: { topic: 'x', 'fetch.min.bytes': [1] },
      poll_timout: 5,
    } } }), [
      'ingest.pull.poll_timout: unknown key "poll_timout" (did you mean "poll_timeout"?)',
      'ingest.pull.pointer_init_reset: "reset_by_timestamp" needs pointer_init_reset_value (the offset or timestamp to start from)',
      'ingest.pull.error_strategy: expected one of "DROP", "BLOCK", got "drop-it"',
      'ingest.pull.kafka_params.topic: the topic is the run\'s events topic; expected no "topic" here',
      'ingest.pull.kafka_params["fetch.min.bytes"]: expected a string, number or boolean, got a list [1]',
    ]);
  });

  it('keeps API keys to Elasticsearch and pull ingestion to OpenSearch', () => {
    assert.deepEqual(problemsOf({ url: 'http://os:9200', api_key_env: 'K', ingest: { consumer_group: 'g' } }, 'opensearch', { K: 'k' }), [
      'api_key_env: API keys are for Elasticsearch only; expected username with password_env or password_file for OpenSearch',
    ]);
    assert.deepEqual(problemsOf({ url: 'http://es:9200', ingest: { mode: 'pull' } }, 'elasticsearch'), [
      'ingest.mode: "pull" is OpenSearch only (≥ 3.0); expected "external" for Elasticsearch, with a sink connector you run and name by ingest.consumer_group',
    ]);
    assert.deepEqual(problemsOf({ url: 'http://es:9200', api_key_env: 'K', username: 'u', ingest: { consumer_group: 'g' } }, 'elasticsearch', { K: 'k' }), [
      'api_key_env: both an API key and a username/password are given; expected only one way to authenticate',
    ]);
  });

  it('the factories throw one ConfigError naming the file and listing every problem', () => {
    assert.throws(() => createElasticsearchAdapter({ url: 'http://es:9200', ingest: {} }, { configFile: 'es.yaml', secrets: sources() }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, 'IB_CONFIG_INVALID');
        assert.match(err.message, /^es\.yaml: ingest\.consumer_group: missing: /);
        return true;
      });
    assert.throws(() => createOpenSearchAdapter('http://os:9200', { secrets: sources() }),
      /target config: expected a mapping of target settings \(url: …\), got "http:\/\/os:9200"/);
  });
});

describe('index mappings (SPEC §8.3 items 2–3)', () => {
  it('maps every field type and nests dotted names as plain objects', () => {
    assert.deepEqual(mappingProperties([
      { name: '@timestamp', type: 'timestamp', generator: 'now' },
      { name: 'kubernetes.pod.name', type: 'keyword', generator: 'pattern' },
      { name: 'kubernetes.pod.ip', type: 'ip', generator: 'ip' },
      { name: 'kubernetes.node', type: 'keyword', generator: 'enum' },
      { name: 'http.status', type: 'int', generator: 'range' },
      { name: 'bytes', type: 'long', generator: 'range' },
      { name: 'ratio', type: 'float', generator: 'range' },
      { name: 'msg', type: 'text', generator: 'template' },
      { name: 'ok', type: 'boolean', generator: 'enum' },
    ]), {
      '@timestamp': { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
      kubernetes: { properties: {
        pod: { properties: { name: { type: 'keyword' }, ip: { type: 'ip' } } },
        node: { type: 'keyword' },
      } },
      http: { properties: { status: { type: 'integer' } } },
      bytes: { type: 'long' },
      ratio: { type: 'float' },
      msg: { type: 'text' },
      ok: { type: 'boolean' },
    });
  });

  it('refuses a name that is both a leaf and a prefix instead of dropping one of them', () => {
    assert.deepEqual(leafPrefixConflicts(['a', 'a.b', 'a.b.c', 'x.y']), [['a', 'a.b'], ['a', 'a.b.c'], ['a.b', 'a.b.c']]);
    assert.throws(() => mappingProperties([
      { name: 'kubernetes.pod', type: 'keyword', generator: 'enum' },
      { name: 'kubernetes.pod.name', type: 'keyword', generator: 'enum' },
    ]), (err: unknown) => err instanceof TargetError
      && err.message === 'field "kubernetes.pod" is both a value and the prefix of "kubernetes.pod.name"; expected each dotted prefix to be an object only');
  });
});
