// Unit tests of Kafka settings from the environment and of secret resolution (SPEC §17: missing credentials fail
// naming the env var or file, before any network call). Must not open connections.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createKafka } from '../../../src/kafka/client-factory.js';
import { describeKafkaSettings, kafkaSettingsFromEnv, KafkaSettingsError, type KafkaEnv } from '../../../src/kafka/kafka-config.js';
import { resolveKafkaSecurity } from '../../../src/kafka/kafka-security.js';

const base = { bootstrap: 'k1:9092,k2:9092' };

function settingsProblems(env: KafkaEnv, b: Parameters<typeof kafkaSettingsFromEnv>[1] = base): readonly string[] {
  try {
    kafkaSettingsFromEnv(env, b);
  } catch (err) {
    assert.ok(err instanceof KafkaSettingsError, String(err));
    assert.ok(err instanceof KafkaError);
    assert.equal(err.code, 'IB_KAFKA');
    assert.equal(err.message, err.problems.join('\n'));
    return err.problems;
  }
  assert.fail('expected a KafkaSettingsError');
}

describe('Kafka settings from the environment', () => {
  it('without IB_KAFKA_* variables: plain connection, client id prefix "ib", 10 s connect timeout', () => {
    assert.deepEqual(kafkaSettingsFromEnv({ PATH: '/bin' }, base), {
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'ib',
      connectTimeoutMs: 10_000,
    });
  });

  it('reads SASL by reference: the password stays in its env var, the settings only name it', () => {
    const s = kafkaSettingsFromEnv(
      { IB_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', IB_KAFKA_USERNAME: 'bench', IB_KAFKA_PASSWORD: 's3cret' },
      { ...base, connectTimeoutMs: 2500, requestTimeoutMs: 4000 },
    );
    assert.deepEqual(s.sasl, { mechanism: 'scram-sha-512', username: 'bench', passwordEnv: 'IB_KAFKA_PASSWORD' });
    assert.equal(s.connectTimeoutMs, 2500);
    assert.equal(s.requestTimeoutMs, 4000);
    assert.doesNotMatch(JSON.stringify(s), /s3cret/);
    assert.equal(describeKafkaSettings(s), "k1:9092,k2:9092 (SASL scram-sha-512 as 'bench')");
  });

  it('reads a password file by path and TLS files, turning TLS on when a file is named', () => {
    const s = kafkaSettingsFromEnv(
      { IB_KAFKA_SASL_MECHANISM: 'plain', IB_KAFKA_USERNAME: 'u', IB_KAFKA_PASSWORD_FILE: '/run/secrets/pw',
        IB_KAFKA_CA_FILE: '/ca.pem', IB_KAFKA_TLS_REJECT_UNAUTHORIZED: 'no' },
      base,
    );
    assert.deepEqual(s.sasl, { mechanism: 'plain', username: 'u', passwordFile: '/run/secrets/pw' });
    assert.deepEqual(s.ssl, { caFile: '/ca.pem', rejectUnauthorized: false });
    assert.equal(describeKafkaSettings(s), "k1:9092,k2:9092 (SASL plain as 'u', TLS, unverified)");
  });

  it('IB_KAFKA_TLS=true alone means TLS with the default CAs; IB_KAFKA_TLS=0 means none', () => {
    assert.equal(kafkaSettingsFromEnv({ IB_KAFKA_TLS: 'TRUE' }, base).ssl, true);
    assert.equal(kafkaSettingsFromEnv({ IB_KAFKA_TLS: '0' }, base).ssl, undefined);
  });

  it('names the missing password env var and file when a mechanism has no password', () => {
    assert.deepEqual(settingsProblems({ IB_KAFKA_SASL_MECHANISM: 'plain', IB_KAFKA_USERNAME: 'u', IB_KAFKA_PASSWORD: '' }), [
      "IB_KAFKA_SASL_MECHANISM is 'plain' but no SASL password is given: set IB_KAFKA_PASSWORD or IB_KAFKA_PASSWORD_FILE",
    ]);
  });

  it('points at a misspelt password variable', () => {
    const [p] = settingsProblems({ IB_KAFKA_SASL_MECHANISM: 'plain', IB_KAFKA_USERNAME: 'u', IB_KAFKA_PASWORD: 'x' });
    assert.match(p!, /; 'IB_KAFKA_PASWORD' is set — did you mean IB_KAFKA_PASSWORD\?$/);
  });

  it('collects every problem at once: bad bootstrap, unknown mechanism with a suggestion, no user, bad boolean, half mutual TLS', () => {
    const p = settingsProblems(
      { IB_KAFKA_SASL_MECHANISM: 'scram-sha256', IB_KAFKA_PASSWORD: 'x', IB_KAFKA_TLS: 'maybe', IB_KAFKA_CERT_FILE: '/c.pem' },
      { bootstrap: 'k1', connectTimeoutMs: 0 },
    );
    assert.deepEqual(p, [
      "Kafka bootstrap entry 'k1' has no port: expected host:port (e.g. 'k1:9092')",
      'Kafka connect timeout 0 ms is invalid: expected a positive whole number of ms',
      "IB_KAFKA_SASL_MECHANISM 'scram-sha256' is not supported: expected one of \"plain\", \"scram-sha-256\", \"scram-sha-512\" (did you mean \"scram-sha-256\"?)",
      "IB_KAFKA_SASL_MECHANISM is 'scram-sha256' but IB_KAFKA_USERNAME is not set: expected the SASL user name",
      "IB_KAFKA_TLS 'maybe' is not a boolean: expected true or false (also 1/0, yes/no)",
      'IB_KAFKA_CERT_FILE is set but IB_KAFKA_KEY_FILE is not: mutual TLS needs both the client certificate and its key',
    ]);
  });

  it('refuses credentials without a mechanism, two password sources, and TLS files with TLS off', () => {
    assert.deepEqual(settingsProblems({ IB_KAFKA_USERNAME: 'u', IB_KAFKA_PASSWORD: 'p' }), [
      'IB_KAFKA_USERNAME, IB_KAFKA_PASSWORD are set but IB_KAFKA_SASL_MECHANISM is not: set it to one of "plain", "scram-sha-256", "scram-sha-512", or unset them for no SASL',
    ]);
    assert.deepEqual(
      settingsProblems({ IB_KAFKA_SASL_MECHANISM: 'plain', IB_KAFKA_USERNAME: 'u', IB_KAFKA_PASSWORD: 'p', IB_KAFKA_PASSWORD_FILE: '/pw' }),
      ['both IB_KAFKA_PASSWORD and IB_KAFKA_PASSWORD_FILE are set: expected exactly one source of the SASL password'],
    );
    assert.deepEqual(settingsProblems({ IB_KAFKA_TLS: 'false', IB_KAFKA_CA_FILE: '/ca.pem' }), [
      "IB_KAFKA_CA_FILE is set but IB_KAFKA_TLS is 'false': unset it or enable TLS",
    ]);
  });
});

describe('Kafka secret resolution', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-kafka-secrets-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the password from the named env var, or from the file without its trailing newline', () => {
    const fromEnv = resolveKafkaSecurity(
      { brokers: ['k:1'], clientId: 'ib', connectTimeoutMs: 1000, sasl: { mechanism: 'plain', username: 'u', passwordEnv: 'MY_PW' } },
      { MY_PW: 'pw-from-env' },
    );
    assert.deepEqual(fromEnv.sasl, { mechanism: 'plain', username: 'u', password: 'pw-from-env' });
    const file = join(dir, 'pw');
    writeFileSync(file, 'pw-from-file\n');
    const fromFile = resolveKafkaSecurity(
      { brokers: ['k:1'], clientId: 'ib', connectTimeoutMs: 1000, sasl: { mechanism: 'scram-sha-256', username: 'u', passwordFile: file } },
      {},
    );
    assert.deepEqual(fromFile.sasl, { mechanism: 'scram-sha-256', username: 'u', password: 'pw-from-file' });
  });

  it('puts the PEM texts of the TLS files into the TLS options', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const sec = resolveKafkaSecurity({ brokers: ['k:1'], clientId: 'ib', connectTimeoutMs: 1000, ssl: { caFile: ca, rejectUnauthorized: true } }, {});
    assert.deepEqual(sec.ssl, { ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n', rejectUnauthorized: true });
  });

  it('names every unreadable file and unset variable, never a secret value', () => {
    const missing = join(dir, 'nope');
    assert.throws(
      () => resolveKafkaSecurity(
        { brokers: ['k:1'], clientId: 'ib', connectTimeoutMs: 1000, sasl: { mechanism: 'plain', username: 'u', passwordFile: missing },
          ssl: { caFile: join(dir, 'no-ca.pem'), certFile: join(dir, 'no-cert.pem'), keyFile: join(dir, 'no-key.pem') } },
        {},
      ),
      (err: unknown) => {
        assert.ok(err instanceof KafkaSettingsError);
        assert.deepEqual(err.problems, [
          `Kafka SASL password file '${missing}' cannot be read (ENOENT): expected a readable file (IB_KAFKA_PASSWORD_FILE)`,
          `Kafka TLS CA file '${join(dir, 'no-ca.pem')}' cannot be read (ENOENT): expected a readable file (IB_KAFKA_CA_FILE)`,
          `Kafka TLS client certificate file '${join(dir, 'no-cert.pem')}' cannot be read (ENOENT): expected a readable file (IB_KAFKA_CERT_FILE)`,
          `Kafka TLS client key file '${join(dir, 'no-key.pem')}' cannot be read (ENOENT): expected a readable file (IB_KAFKA_KEY_FILE)`,
        ]);
        return true;
      },
    );
  });

  it('createKafka fails on an unset password variable before any network call', () => {
    // 192.0.2.1 (TEST-NET-1) never answers: a connection attempt would hang, not throw synchronously.
    const settings = kafkaSettingsFromEnv(
      { IB_KAFKA_SASL_MECHANISM: 'plain', IB_KAFKA_USERNAME: 'u', IB_KAFKA_PASSWORD: 'set-at-planning' },
      { bootstrap: '192.0.2.1:9092' },
    );
    assert.throws(() => createKafka(settings, { run: 'r', role: 'coordinator', logger: silentLogger, env: {} }), {
      name: 'KafkaSettingsError',
      message: 'Kafka SASL password missing: environment variable IB_KAFKA_PASSWORD is not set (or name a file in IB_KAFKA_PASSWORD_FILE)',
    });
  });

  it('createKafka names the client ib-<run>-<role> and keeps the normalised bootstrap for messages', () => {
    const client = createKafka(kafkaSettingsFromEnv({}, { bootstrap: ' a:1 , b:2 ' }), { run: 'local-20260101-000000', role: 'ingest-0', logger: silentLogger });
    assert.equal(client.clientId, 'ib-local-20260101-000000-ingest-0');
    assert.equal(client.bootstrap, 'a:1,b:2');
    assert.equal(client.connectTimeoutMs, 10_000);
  });
});
