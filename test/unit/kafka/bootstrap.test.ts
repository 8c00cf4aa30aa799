// Unit tests of bootstrap list parsing (`--kafka`, plan bootstrap, CRD bootstrapServers).
// Must not open connections.

import assert from 'node:assert/strict';
import { KafkaError } from '../../../src/core/errors.js';
import { checkBootstrap, parseBootstrap } from '../../../src/kafka/bootstrap.js';

function problems(input: string | string[]): string[] {
  const r = checkBootstrap(input);
  assert.equal(r.ok, false, `expected '${String(input)}' to be refused`);
  return r.ok ? [] : r.problems;
}

describe('Kafka bootstrap parsing', () => {
  it('splits a comma-separated list into host:port entries, trimming blanks around them', () => {
    assert.deepEqual(parseBootstrap('h1:9092, h2:9093 ,10.0.0.7:19092'), ['h1:9092', 'h2:9093', '10.0.0.7:19092']);
  });

  it('accepts a list whose items are themselves comma-separated, and drops duplicates keeping the first', () => {
    assert.deepEqual(parseBootstrap(['b:1,a:2', 'b:1', 'kafka_0.svc.cluster.local:9092']), ['b:1', 'a:2', 'kafka_0.svc.cluster.local:9092']);
  });

  it('accepts bracketed IPv6 addresses', () => {
    assert.deepEqual(parseBootstrap('[::1]:9092,[2001:db8::7]:19092'), ['[::1]:9092', '[2001:db8::7]:19092']);
  });

  it('names an entry without a port and shows the fix', () => {
    assert.deepEqual(problems('h1:9092,h2'), ["Kafka bootstrap entry 'h2' has no port: expected host:port (e.g. 'h2:9092')"]);
  });

  it('reports every bad entry, one line each, quoting it', () => {
    const p = problems('kafka:x,PLAINTEXT://b:9092,,h:70000,bad host:1');
    assert.equal(p.length, 5);
    assert.match(p[0]!, /^Kafka bootstrap entry 'kafka:x' has an invalid port 'x': expected a number 1\.\.65535$/);
    assert.match(p[1]!, /^Kafka bootstrap entry 'PLAINTEXT:\/\/b:9092' has a scheme: drop 'PLAINTEXT:\/\/'/);
    assert.match(p[2]!, /^Kafka bootstrap entry 3 is empty \(stray comma\?\)/);
    assert.match(p[3]!, /^Kafka bootstrap entry 'h:70000' has port 70000 out of range: expected 1\.\.65535$/);
    assert.match(p[4]!, /^Kafka bootstrap entry 'bad host:1' has an invalid host 'bad host'/);
    for (const line of p) assert.doesNotMatch(line, /\n/);
  });

  it('asks for brackets around an IPv6 address given without them', () => {
    assert.deepEqual(problems('::1:9092'), ["Kafka bootstrap entry '::1:9092' looks like an IPv6 address without brackets: expected e.g. '[::1]:9092'"]);
  });

  it('refuses an empty list, port 0, and an entry with no host', () => {
    assert.match(problems('  ')[0]!, /^Kafka bootstrap is empty: expected host:port/);
    assert.match(problems('h:0')[0]!, /port 0 out of range/);
    assert.match(problems(':9092')[0]!, /entry ':9092' has no host/);
  });

  it('throws one KafkaError whose message has one line per bad entry', () => {
    assert.throws(() => parseBootstrap('a,b'), (err: unknown) => {
      assert.ok(err instanceof KafkaError);
      assert.equal(err.code, 'IB_KAFKA');
      assert.equal(err.message.split('\n').length, 2);
      return true;
    });
  });
});
