// Unit tests of the ClickHouse target config (SPEC §8.2, §17): defaults, secrets by reference, every problem named by
// its key with the exact one-line message, and no request made for a config — valid or not.

import assert from 'node:assert/strict';
import { createClickHouseAdapter } from '../../../src/adapters/clickhouse/index.js';
import { parseClickHouseConfig, type SecretSources } from '../../../src/adapters/clickhouse/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { HttpScript } from '../../fixtures/http/http-script.js';

function secrets(env: Record<string, string> = {}, files: Record<string, string> = {}): SecretSources {
  return {
    env,
    readFile: (path: string): string => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
  };
}

/** The problems of a refused config as `path: message` lines. */
function problems(raw: unknown, src: SecretSources = secrets()): string[] {
  try {
    parseClickHouseConfig(raw, { secrets: src });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('the config was accepted');
}

describe('ClickHouse target config (SPEC §8.2)', () => {
  it('fills defaults: database default, no user or password, table/order_by/brokers derived later, TLS verified, dialect auto', () => {
    const { config, password } = parseClickHouseConfig({ url: 'http://clickhouse:8123/' }, { secrets: secrets() });
    assert.deepEqual(config, {
      url: 'http://clickhouse:8123', database: 'default', user: null, passwordRef: null, table: null, orderBy: null,
      kafkaBrokerList: null, kafkaMaxBlockSize: null, tlsVerify: true, dialect: 'auto',
    });
    assert.equal(password, null);
  });

  it('reads every key, the password from the named variable, and keeps only its name in the config', () => {
    const { config, password } = parseClickHouseConfig({
      url: 'https://ch.example.com:8443', database: 'logs', user: 'bench', password_env: 'CH_PASSWORD', table: 'sre_logs',
      order_by: ['service', '@timestamp'], kafka_broker_list: 'kafka-0:9092, kafka-1:9092', kafka_max_block_size: 1000,
      tls_verify: false, dialect: 'v18',
    }, { secrets: secrets({ CH_PASSWORD: 's3cret' }) });
    assert.deepEqual(config, {
      url: 'https://ch.example.com:8443', database: 'logs', user: 'bench', passwordRef: { env: 'CH_PASSWORD' },
      table: 'sre_logs', orderBy: ['service', '@timestamp'], kafkaBrokerList: ['kafka-0:9092', 'kafka-1:9092'],
      kafkaMaxBlockSize: 1000, tlsVerify: false, dialect: 'v18',
    });
    assert.equal(password, 's3cret');
    assert.doesNotMatch(JSON.stringify(config), /s3cret/);
  });

  it('reads the password from a file without its trailing newline; accepts a table mapping and a broker list', () => {
    const { config, password } = parseClickHouseConfig({
      url: 'http://ch:8123', password_file: '/run/secrets/ch', table: { 'ib-app-logs': 'app', 'ib-db-logs': 'db' },
      kafka_broker_list: ['kafka-0.kafka:9092', '[::1]:9092'],
    }, { secrets: secrets({}, { '/run/secrets/ch': 'pa ss\n' }) });
    assert.equal(password, 'pa ss');
    assert.deepEqual(config.passwordRef, { file: '/run/secrets/ch' });
    assert.deepEqual(config.table, { 'ib-app-logs': 'app', 'ib-db-logs': 'db' });
    assert.deepEqual(config.kafkaBrokerList, ['kafka-0.kafka:9092', '[::1]:9092']);
  });

  it('refuses a kafka_max_block_size that is not a whole number of rows from 1 to 1 048 576', () => {
    for (const bad of [0, -5, 2.5, '500', 2_000_000]) {
      assert.deepEqual(problems({ url: 'http://ch:8123', kafka_max_block_size: bad }),
        [`kafka_max_block_size: expected a whole number of rows from 1 to 1048576, e.g. 1000, got ${typeof bad === 'string' ? `"${bad}"` : String(bad)}`]);
    }
  });

  it('names a missing url, an unknown key with its likely meaning, and wrong types — all in one error', () => {
    assert.deepEqual(problems({ urll: 'http://ch:8123', tls_verify: 'no', database: 5 }), [
      'urll: unknown key "urll" (did you mean "url"?)',
      'url: missing; expected the base URL of the ClickHouse HTTP interface, e.g. http://localhost:8123',
      'database: expected a database name (a non-empty string), got 5',
      'tls_verify: expected true or false, got "no"',
    ]);
  });

  it('lists the known keys for an unknown key that resembles none', () => {
    assert.deepEqual(problems({ url: 'http://ch:8123', replicas: 2 }), [
      'replicas: unknown key "replicas"; expected one of "url", "database", "user", "password_env", "password_file", "table", '
        + '"order_by", "kafka_broker_list", "kafka_max_block_size", "tls_verify", "dialect"',
    ]);
  });

  it('refuses a config that is not a mapping', () => {
    assert.deepEqual(problems(['http://ch:8123']), [
      ': expected a mapping of ClickHouse settings (url, database, user, password_env, password_file, table, order_by, '
        + 'kafka_broker_list, kafka_max_block_size, tls_verify, dialect), got a list ["http://ch:8123"]',
    ]);
  });

  it('names the environment variable that is not set, and the password file that cannot be read', () => {
    assert.deepEqual(problems({ url: 'http://ch:8123', password_env: 'CH_PASSWORD' }, secrets({ OTHER: 'x' })), [
      'password_env: environment variable "CH_PASSWORD" is not set; expected it to hold the ClickHouse password',
    ]);
    assert.deepEqual(problems({ url: 'http://ch:8123', password_env: 'CH_PASSWORD' }, secrets({ CH_PASSWORD: '' })), [
      'password_env: environment variable "CH_PASSWORD" is not set; expected it to hold the ClickHouse password',
    ]);
    assert.deepEqual(problems({ url: 'http://ch:8123', password_file: '/run/secrets/ch' }), [
      'password_file: cannot read "/run/secrets/ch": no such file; expected a file holding the ClickHouse password',
    ]);
    assert.deepEqual(problems({ url: 'http://ch:8123', password_file: '/run/secrets/ch' }, secrets({}, { '/run/secrets/ch': '\n' })), [
      'password_file: file "/run/secrets/ch" is empty; expected it to hold the ClickHouse password',
    ]);
    assert.deepEqual(problems({ url: 'http://ch:8123', password_env: 'A', password_file: '/b' }), [
      'password_file: both "password_env" and "password_file" are given; expected only one of them',
    ]);
  });

  it('refuses URLs that are not an http(s) base URL, and credentials inside the URL', () => {
    assert.deepEqual(problems({ url: 'clickhouse:8123' }), [
      'url: "clickhouse:8123" is not an http(s) URL; expected the base URL of the ClickHouse HTTP interface, e.g. http://localhost:8123',
    ]);
    assert.deepEqual(problems({ url: 'not a url' }), [
      'url: "not a url" is not a URL; expected the base URL of the ClickHouse HTTP interface, e.g. http://localhost:8123',
    ]);
    assert.deepEqual(problems({ url: 'http://ch:8123/?database=logs' }), [
      'url: "http://ch:8123/?database=logs" has a query or fragment; expected a base URL without "?" or "#" (database and user have keys of their own)',
    ]);
    assert.deepEqual(problems({ url: 'http://bench:pw@ch:8123' }), [
      'url: "http://bench:pw@ch:8123" carries credentials; expected a base URL without user:password@ (use user and password_env or password_file)',
    ]);
  });

  it('checks table, order_by, kafka_broker_list and dialect values', () => {
    assert.deepEqual(problems({ url: 'http://ch:8123', table: { 'ib-app-logs': '' }, order_by: [], kafka_broker_list: 'kafka,k2:x', dialect: 'v19' }), [
      'table.ib-app-logs: expected the table name for index "ib-app-logs" (a non-empty string), got ""',
      'order_by: expected a column name or a list of column names, e.g. ["service", "@timestamp"], got a list []',
      'kafka_broker_list: "kafka" is not host:port; expected e.g. "kafka:9092"',
      'kafka_broker_list: "k2:x" is not host:port; expected e.g. "kafka:9092"',
      'dialect: expected one of "auto", "v18", "current", got "v19" (did you mean "v18"?)',
    ]);
    assert.deepEqual(problems({ url: 'http://ch:8123', table: 7, order_by: ['ts', 3], kafka_broker_list: [9092] }), [
      'table: expected a table name, or a mapping of index_name to table name, got 7',
      'order_by[1]: expected a column name (a non-empty string), got 3',
      'kafka_broker_list[0]: expected "host:port", got 9092',
    ]);
  });

  it('prints problems with the config file name, and makes no request for a refused or an accepted config', () => {
    const http = new HttpScript();
    try {
      assert.throws(() => createClickHouseAdapter({ password_env: 'NOPE' }, { dispatcher: http.agent, configFile: 'ch.yaml', secrets: secrets() }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.equal(err.message, 'ch.yaml: url: missing; expected the base URL of the ClickHouse HTTP interface, e.g. http://localhost:8123\n'
            + 'ch.yaml: password_env: environment variable "NOPE" is not set; expected it to hold the ClickHouse password');
          return true;
        });
      const adapter = createClickHouseAdapter({ url: 'http://ch:8123' }, { dispatcher: http.agent });
      assert.equal(adapter.name, 'clickhouse');
      assert.equal(http.calls.length, 0);
    } finally {
      void http.close();
    }
  });
});
