// Checks manifests/local without Docker: the compose file's structure (services, KRaft listeners, ports, mounts) and
// that the target configs beside it are valid for their adapters and point at the hosts and ports the compose file
// publishes. Must not start containers or make network calls.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { createAdapter } from '../../../src/adapters/registry.js';
import { findRepoRoot } from '../../../src/control/local-stack/package-root.js';
import { dockerAlternative } from '../../../src/cli/demo-text.js';
import { demoFiles } from '../../../src/cli/commands/demo.js';

const DIR = join(findRepoRoot(), 'manifests', 'local');
const COMPOSE = join(DIR, 'compose.yaml');

type Map = Record<string, unknown>;

function yamlFile(path: string): Map {
  const doc: unknown = parse(readFileSync(path, 'utf8'));
  assert.ok(doc !== null && typeof doc === 'object' && !Array.isArray(doc), `${path} is a mapping`);
  return doc as Map;
}

function service(name: string): Map {
  const services = yamlFile(COMPOSE)['services'] as Map;
  const s = services[name];
  assert.ok(s !== null && typeof s === 'object', `service ${name} exists`);
  return s as Map;
}

function env(s: Map): Record<string, string> {
  const e = s['environment'];
  if (Array.isArray(e)) {
    return Object.fromEntries(e.map((item) => {
      const text = String(item);
      const i = text.indexOf('=');
      return [text.slice(0, i), text.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries((e ?? {}) as Map).map(([k, v]) => [k, String(v)]));
}

/** Published ports as host port → container port. */
function published(s: Map): Map {
  const out: Record<string, number> = {};
  for (const p of (s['ports'] ?? []) as unknown[]) {
    const m = /^(?:127\.0\.0\.1:)?(\d+):(\d+)$/.exec(String(p));
    assert.ok(m, `port mapping ${String(p)} is "host:container"`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Kafka's listeners as name → host:port. */
function listeners(value: string): Record<string, string> {
  return Object.fromEntries(value.split(',').map((l) => {
    const m = /^([A-Z_]+):\/\/(.*)$/.exec(l.trim());
    assert.ok(m, `listener ${l} is NAME://host:port`);
    return [m[1]!, m[2]!];
  }));
}

function kafkaAddresses(): { host: string; internal: string; internalName: string } {
  const e = env(service('kafka'));
  const advertised = listeners(e['KAFKA_ADVERTISED_LISTENERS'] ?? '');
  const entries = Object.entries(advertised);
  const host = entries.find(([, a]) => a.startsWith('localhost:'));
  const internal = entries.find(([, a]) => a.startsWith('kafka:'));
  assert.ok(host && internal, 'Kafka advertises one listener on localhost and one as kafka');
  return { host: host[1], internal: internal[1], internalName: internal[0] };
}

describe('manifests/local', function () {
  describe('compose.yaml', function () {
    it('has exactly the services kafka, clickhouse and opensearch, each from a pinned image', function () {
      const services = yamlFile(COMPOSE)['services'] as Map;
      assert.deepEqual(Object.keys(services).sort(), ['clickhouse', 'kafka', 'opensearch']);
      assert.match(String(service('kafka')['image']), /^(apache\/kafka|bitnami\/kafka):\d+\.\d+/);
      assert.match(String(service('clickhouse')['image']), /^clickhouse\/clickhouse-server:\d+\.\d+/);
      assert.match(String(service('opensearch')['image']), /^opensearchproject\/opensearch:\d+\.\d+/);
    });

    it('runs Kafka in KRaft mode as one node, advertised as localhost:9092 to the host and kafka:29092 inside', function () {
      const e = env(service('kafka'));
      assert.deepEqual((e['KAFKA_PROCESS_ROLES'] ?? '').split(',').sort(), ['broker', 'controller']);
      assert.equal(Object.keys(e).some((k) => /ZOOKEEPER/.test(k)), false);
      const { host, internal, internalName } = kafkaAddresses();
      assert.equal(host, 'localhost:9092');
      assert.equal(internal, 'kafka:29092');
      const bound = listeners(e['KAFKA_LISTENERS'] ?? '');
      const protocols = listeners((e['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'] ?? '').split(',').map((p) => p.replace(':', '://')).join(','));
      for (const name of Object.keys(listeners(e['KAFKA_ADVERTISED_LISTENERS'] ?? ''))) {
        assert.ok(bound[name], `advertised listener ${name} is bound`);
        assert.equal(protocols[name], 'PLAINTEXT', `listener ${name} has a protocol`);
      }
      assert.equal(bound['HOST']?.split(':')[1], '9092');
      assert.equal(bound[internalName]?.split(':')[1], '29092');
      const controller = e['KAFKA_CONTROLLER_LISTENER_NAMES'] ?? '';
      assert.ok(bound[controller], 'the controller listener is bound');
      assert.equal(e['KAFKA_CONTROLLER_QUORUM_VOTERS'], `${e['KAFKA_NODE_ID']}@kafka:${bound[controller]!.split(':')[1]}`);
      assert.equal(e['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR'], '1');
      assert.equal(service('kafka')['hostname'] ?? 'kafka', 'kafka');
      assert.deepEqual(published(service('kafka')), { 9092: 9092 });
    });

    it('publishes ClickHouse HTTP on 8123 with the Kafka engine starting at the earliest offset (mounted config.d file)', function () {
      const ch = service('clickhouse');
      assert.deepEqual(published(ch), { 8123: 8123 });
      const mounts = ((ch['volumes'] ?? []) as unknown[]).map(String);
      const mount = mounts.find((m) => m.split(':')[1]?.startsWith('/etc/clickhouse-server/config.d/'));
      assert.ok(mount, 'a file is mounted into config.d');
      const file = resolve(DIR, mount.split(':')[0]!);
      assert.ok(existsSync(file), `${file} exists`);
      const xml = readFileSync(file, 'utf8');
      assert.match(xml, /<clickhouse>[\s\S]*<kafka>\s*<auto_offset_reset>smallest<\/auto_offset_reset>\s*<\/kafka>[\s\S]*<\/clickhouse>/);
    });

    it('publishes OpenSearch on 9200 as a single node with the security plugin off and the ingestion-kafka plugin', function () {
      const os = service('opensearch');
      assert.deepEqual(published(os), { 9200: 9200 });
      const e = env(os);
      assert.equal(e['discovery.type'], 'single-node');
      assert.equal(e['DISABLE_SECURITY_PLUGIN'], 'true');
      assert.match(JSON.stringify(os['command'] ?? ''), /opensearch-plugin install --batch ingestion-kafka/);
    });
  });

  describe('target configs', function () {
    it('clickhouse.yaml is a valid ClickHouse config for the published port, with Kafka as ClickHouse reaches it', function () {
      const raw = yamlFile(join(DIR, 'clickhouse.yaml'));
      assert.doesNotThrow(() => createAdapter('clickhouse', raw, { configFile: 'clickhouse.yaml', secrets: { env: {}, readFile: () => '' } }));
      const url = new URL(String(raw['url']));
      assert.equal(url.hostname, 'localhost');
      assert.ok(published(service('clickhouse'))[url.port], `port ${url.port} is published`);
      assert.equal(published(service('clickhouse'))[url.port], 8123);
      assert.equal(raw['kafka_broker_list'], kafkaAddresses().internal);
    });

    it('opensearch.yaml is a valid OpenSearch config for the published port, pulling from Kafka inside the network', function () {
      const raw = yamlFile(join(DIR, 'opensearch.yaml'));
      assert.doesNotThrow(() => createAdapter('opensearch', raw, { configFile: 'opensearch.yaml', secrets: { env: {}, readFile: () => '' } }));
      const url = new URL(String(raw['url']));
      assert.equal(url.hostname, 'localhost');
      assert.equal(published(service('opensearch'))[url.port], 9200);
      const ingest = raw['ingest'] as Map;
      assert.equal(ingest['mode'], 'pull');
      assert.equal((ingest['pull'] as Map)['bootstrap_servers'], kafkaAddresses().internal);
    });

    it('a config with a mistake is refused by the same check, so the checks above can fail', function () {
      const raw = { ...yamlFile(join(DIR, 'clickhouse.yaml')), kafka_brokers: 'kafka:29092' };
      assert.throws(() => createAdapter('clickhouse', raw, { configFile: 'clickhouse.yaml' }), /unknown key "kafka_brokers"/);
    });
  });

  it('the files the demo names for the Docker alternative exist, and its run line uses the host listener', function () {
    const files = demoFiles(findRepoRoot());
    for (const f of [files.compose, files.clickhouseTargetConfig, files.scenario, files.flagship]) assert.ok(existsSync(f), f);
    assert.equal(dirname(files.compose), DIR);
    const [up, run] = dockerAlternative(files, findRepoRoot());
    assert.equal(up, 'docker compose -f manifests/local/compose.yaml up -d --wait');
    assert.match(run!, new RegExp(`--kafka ${kafkaAddresses().host}$`));
  });
});
