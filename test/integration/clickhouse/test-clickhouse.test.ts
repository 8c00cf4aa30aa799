// Integration test of the test ClickHouse fixture (SPEC §16): loopback only, own ports and data folder per instance,
// the Kafka earliest-offset setting in place, and stop() ending exactly its server and removing its folder.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClickHouse, type TestClickHouse } from '../../support/clickhouse/index.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('test ClickHouse fixture (SPEC §16)', function () {
  const started: TestClickHouse[] = [];
  after(async function () {
    await Promise.all(started.map((s) => s.stop()));
  });

  it('starts two servers side by side on free loopback ports, each answering SQL over HTTP', async function () {
    const [a, b] = await Promise.all([startClickHouse(), startClickHouse()]);
    started.push(a, b);
    assert.notEqual(a.httpPort, b.httpPort);
    assert.notEqual(a.dir, b.dir);
    for (const s of [a, b]) {
      assert.equal(s.url, `http://127.0.0.1:${s.httpPort}`);
      assert.match(s.version, /^\d+\.\d+/);
      const res = await fetch(`${s.url}/`, { method: 'POST', body: 'SELECT 40 + 2' });
      assert.equal((await res.text()).trim(), '42');
    }
  });

  it('configures loopback-only listening, a private data folder and auto_offset_reset=smallest for the Kafka engine', function () {
    const s = started[0]!;
    const config = readFileSync(join(s.dir, 'config.xml'), 'utf8');
    assert.match(config, /<listen_host>127\.0\.0\.1<\/listen_host>/);
    assert.doesNotMatch(config, /<listen_host>(?!127\.0\.0\.1)/);
    assert.ok(config.includes(`<path>${s.dir}/data/</path>`));
    assert.match(config, /<kafka>\s*<auto_offset_reset>smallest<\/auto_offset_reset>\s*<\/kafka>/);
    assert.ok(config.includes(`<tcp_port>${s.tcpPort}</tcp_port>`));
  });

  it('stop() ends exactly its own server, removes its folder, and may be called again', async function () {
    const [a, b] = started;
    await a!.stop();
    assert.equal(alive(a!.pid), false);
    assert.equal(existsSync(a!.dir), false);
    await a!.stop();
    assert.equal(alive(b!.pid), true, 'the other server keeps running');
    const res = await fetch(`${b!.url}/`, { method: 'POST', body: 'SELECT 1' });
    assert.equal(res.status, 200);
  });
});
