// The CLI's target commands as a user runs them (SPEC §14): prepare → events through Kafka → query --json →
// cleanup, against the test Kafka and a real ClickHouse.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { EventEncoder } from '../../../src/generators/event-encoder.js';
import { loadScenarioFile } from '../../../src/scenario/load-scenario.js';
import { resolveScenario } from '../../../src/scenario/resolve.js';
import { CLI } from '../../support/run-cli.js';
import { startClickHouse, type TestClickHouse } from '../../support/clickhouse/index.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args]);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('incidentbench prepare / query / cleanup against ClickHouse (SPEC §14)', function () {
  this.timeout(120_000);
  let kafka: TestKafka;
  let ch: TestClickHouse;
  let dir: string;
  before(async () => {
    [kafka, ch] = await Promise.all([startTestKafka(), startClickHouse()]);
    dir = mkdtempSync(join(tmpdir(), 'ib-cli-ch-'));
  });
  after(async () => {
    await Promise.all([kafka?.stop(), ch?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prepares, answers every SRE-outage query with sensible results, and cleans up twice without complaint', async () => {
    const config = join(dir, 'clickhouse.yaml');
    writeFileSync(config, `url: ${ch.url}\n`);
    const common = ['scenarios/smoke.yaml', '--target', 'clickhouse', '--target-config', config, '--kafka', kafka.bootstrap,
      '--run-name', 'cli-ch'];
    await kafka.createTopic('ib.cli-ch.events', 4);
    const prep = await cli(['prepare', ...common, '--json']);
    assert.equal(prep.code, 0, prep.stderr);
    const prepared = JSON.parse(prep.stdout) as { consumerGroups: Record<string, string> };
    assert.ok(Object.values(prepared.consumerGroups)[0]!.startsWith('ib-cli-ch-'));
    const again = await cli(['prepare', ...common, '--json']);
    assert.equal(again.code, 0, `prepare is idempotent: ${again.stderr}`);

    // 3 000 events of the smoke scenario's schema, timestamped in the last minute
    const scenario = resolveScenario(loadScenarioFile('scenarios/smoke.yaml').doc, { baseDir: 'scenarios' });
    const enc = new EventEncoder({ fields: scenario.streams[0]!.fields, seed: 42 });
    const now = Date.now();
    const messages = Array.from({ length: 3000 }, (_, g) => ({ value: enc.encode(g, now - 60_000 + g * 10, g % 2 ? 'incident' : 'baseline') }));
    const k = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING, clientId: 'ib-test' });
    const producer = k.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'ib.cli-ch.events', messages });
    await producer.disconnect();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await fetch(`${ch.url}/?query=${encodeURIComponent('SELECT count() FROM incidentbench_sre_outage')}`);
      if (Number((await res.text()).trim()) >= 3000) break;
      assert.ok(Date.now() < deadline, 'ClickHouse consumed the events within 60 s');
      await new Promise((r) => setTimeout(r, 500));
    }

    const q = await cli(['query', ...common, '--json']);
    assert.equal(q.code, 0, q.stderr + q.stdout);
    const results = q.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; ok: boolean; hits: number | null; latency_ms: number; native: string });
    assert.deepEqual(results.map((r) => r.name), scenario.queries.map((x) => x.name));
    const by = new Map(results.map((r) => [r.name, r]));
    assert.ok(results.every((r) => r.ok && r.latency_ms > 0 && r.native.length > 0));
    assert.ok(by.get('error_search')!.hits! > 0, 'error_search finds errors of payment-service');
    assert.ok(by.get('error_code_agg')!.hits! > 0, 'error_code_agg aggregates the error events');
    assert.equal(by.get('service_error_rate')!.hits, 3000, 'the match-all aggregation counts every event');

    for (let i = 0; i < 2; i++) {
      const c = await cli(['cleanup', ...common]);
      assert.equal(c.code, 0, c.stderr);
    }
    const left = await fetch(`${ch.url}/?query=${encodeURIComponent("SELECT count() FROM system.tables WHERE database = 'default' AND name LIKE 'incidentbench_sre_outage%'")}`);
    assert.equal((await left.text()).trim(), '0', 'cleanup leaves nothing behind');
  });
});
