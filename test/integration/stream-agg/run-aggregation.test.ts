// Integration test of the coordinator's aggregation against the test Kafka (SPEC §10.2, §10.3, §13.1): snapshots read
// from the metrics topic, lag and freshness measured, live messages published, snapshots.jsonl written — and the
// report rebuilt from snapshots.jsonl and from the topics equals the live result. Must not depend on timings.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hist } from '../../../src/metrics/hist.js';
import { emptyIngestBlock, emptyQueryBlock, type WorkerSnapshot } from '../../../src/metrics/worker-snapshot.js';
import { JsonProducer } from '../../../src/kafka/json-producer.js';
import { ConsumerLagReader } from '../../../src/kafka/offsets.js';
import type { TargetAdapter, PartitionOffsets } from '../../../src/adapters/types.js';
import { systemTimers } from '../../../src/core/timers.js';
import type { ControlMessage } from '../../../src/control/protocol.js';
import { planHash } from '../../../src/scenario/plan.js';
import { RunAggregation } from '../../../src/stream-agg/run-aggregation.js';
import { readStartOffsets } from '../../../src/stream-agg/start-offsets.js';
import { parseLiveMessage } from '../../../src/stream-agg/live-types.js';
import { rebuildRun, aggregateRecords } from '../../../src/report/rebuild-run.js';
import { readRunFromKafka, readTopicToEnd } from '../../../src/report/kafka-records.js';
import { buildRunResult } from '../../../src/stream-agg/run-result.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { miniPlan } from '../../support/mini-plan.js';
import { captureLog, testClient } from '../kafka/support.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';
import type { RunJson } from '../../../src/stream-agg/run-result-types.js';
import { runCli } from '../../support/run-cli.js';
import { validateRunJson } from '../../../src/report/run-json-schema.js';

const GEN = '2026-11-27T00:00:00.000Z';

function enc(ms: number, n: number): string {
  const h = new Hist();
  h.recordN(ms * 1000, n);
  return h.encode();
}

describe('coordinator aggregation against the test Kafka (SPEC §10.2–10.3, §13.1)', function () {
  this.timeout(90_000);
  let kafka: TestKafka;
  let dir: string;
  before(async function () {
    kafka = await startTestKafka();
    dir = mkdtempSync(join(tmpdir(), 'ib-agg-'));
  });
  after(async function () {
    await kafka?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('measures a short run, publishes live messages, and its report rebuilds identically from snapshots.jsonl and from Kafka', async function () {
    const run = 'aggit';
    const plan = miniPlan([
      { name: 'baseline', durationS: 3, eps: 10, qps: 2 },
      { name: 'overlap', durationS: 3, eps: 10, qps: 2 },
      { name: 'recovery', durationS: 3, eps: 10, qps: 2 },
    ], { run, bootstrap: kafka.bootstrap, workers: 1, queryWorkers: 1 });
    plan.harness.drainTimeoutS = 5;
    const events = plan.streams[0]!.topic;
    for (const [t, p] of [[events, 4], [plan.kafka.topics.metrics, 4], [plan.kafka.topics.live, 1], [plan.kafka.topics.control, 1]] as const) {
      await kafka.createTopic(t, p);
    }
    const { logger } = captureLog();
    const client = testClient(kafka.bootstrap, 'coordinator', logger);
    const admin = client.admin();
    await admin.connect();
    const startOffsets = await readStartOffsets(new ConsumerLagReader(admin), { [plan.streams[0]!.name]: events });
    await admin.disconnect();

    // 100 events, 25 per partition: the target "consumes" them all 6 s after t0.
    const producer = new JsonProducer<unknown>(client);
    await producer.connect();
    const raw = client.producer();
    await raw.connect();
    await raw.send({ topic: events, messages: [0, 1, 2, 3].flatMap((partition) => Array.from({ length: 25 }, (_, i) => ({ partition, value: `{"i":${i}}` }))) });
    await raw.disconnect();

    const t0 = Math.ceil((Date.now() + 1500) / 1000) * 1000;
    const probed = new Map<string, number>();
    const adapter = {
      name: 'fake',
      async consumedOffsets(): Promise<PartitionOffsets | null> {
        const pos: Record<number, number> = {};
        for (const o of startOffsets[plan.streams[0]!.name]!) pos[o.partition] = Date.now() >= t0 + 6000 ? o.offset + 25 : o.offset;
        return { [events]: pos };
      },
      async probe(ids: string[]): Promise<Set<string>> {
        const now = Date.now();
        const found = new Set<string>();
        for (const id of ids) {
          if (!probed.has(id)) probed.set(id, now);
          if (now - probed.get(id)! >= 700) found.add(id);
        }
        return found;
      },
    } as unknown as TargetAdapter;

    const aggregation = await RunAggregation.open({ plan, client, adapter, prepared: { consumerGroups: { [plan.streams[0]!.name]: 'unused' }, queryEndpoints: {} },
      startOffsets, outDir: dir, timers: systemTimers, logger, version: '0.0.0-test' });
    // The plan on the control topic, for `report --from-kafka`.
    const hash = planHash(plan);
    await producer.send(plan.kafka.topics.control, run, { v: 1, type: 'plan', run, runId: plan.run.id, from: 'coordinator', at: Date.now(), plan, planHash: hash });

    const ctl = (m: Omit<ControlMessage, 'v' | 'run' | 'runId' | 'at'> & Record<string, unknown>, sentSkew = 0) => {
      const now = Date.now();
      aggregation.control({ v: 1, run, runId: plan.run.id, at: now - sentSkew, ...m } as ControlMessage, now);
    };
    aggregation.setStage('waiting');
    ctl({ type: 'hello', from: 'ingest-0', role: 'ingest', index: 0, threads: 2, host: 'h', version: 'x', planHash: hash });
    ctl({ type: 'hello', from: 'query-0', role: 'query', index: 0, threads: 1, host: 'h', version: 'x', planHash: hash });
    ctl({ type: 'ready', from: 'ingest-0', role: 'ingest', index: 0 });
    ctl({ type: 'ready', from: 'query-0', role: 'query', index: 0 });
    ctl({ type: 'start', from: 'coordinator', t0 });

    // Workers: one snapshot per second, published just after the second ends.
    const t0s = t0 / 1000;
    for (let s = t0s; s < t0s + 9; s++) {
      const wait = (s + 1) * 1000 + 50 - Date.now();
      if (wait > 0) await sleep(wait);
      const phase = s < t0s + 3 ? 'baseline' : s < t0s + 6 ? 'overlap' : 'recovery';
      const ingest = { ...emptyIngestBlock(10), due: 10, produced: 10, acked: 10 };
      if ((s - t0s) % 3 === 0) ingest.sentinels = [{ n: s - t0s, scheduledAt: s * 1000 + 5, ackedAt: s * 1000 + 20 }];
      const q = { ...emptyQueryBlock(2), due: 2, started: 2, ok: 2, latency: enc(phase === 'overlap' ? 200 : 20, 2),
        byQuery: { search: { started: 2, ok: 2, errors: 0, timeouts: 0, dropped: 0, withHits: 2, latency: enc(phase === 'overlap' ? 200 : 20, 2) } } };
      const proc = { cpuPct: 10, cpuLimitCores: 2, rssMb: 100, eventLoopDelayP99Ms: 1 };
      const base = { v: 1 as const, run, runId: plan.run.id, second: s, phase, proc };
      const snaps: WorkerSnapshot[] = [
        { ...base, worker: 'ingest-0', role: 'ingest', ingest, ...(s % 3 === t0s % 3 ? { phaseSwitchAt: s * 1000 + 1 } : {}) },
        { ...base, worker: 'query-0', role: 'query', query: q, ...(s % 3 === t0s % 3 ? { phaseSwitchAt: s * 1000 + 2 } : {}) },
      ];
      for (const snap of snaps) await producer.send(plan.kafka.topics.metrics, snap.worker, snap);
      if ((s - t0s) % 2 === 0) {
        ctl({ type: 'heartbeat', from: 'ingest-0' });
        ctl({ type: 'heartbeat', from: 'query-0' });
      }
    }
    ctl({ type: 'done', from: 'ingest-0', totals: {} });
    ctl({ type: 'done', from: 'query-0', totals: {} });
    const drained = await aggregation.drain();
    assert.equal(drained.drained, true, 'the backlog drains to 0 after the target consumed it');
    const result = await aggregation.finish({ generatedAt: GEN });
    await aggregation.publishSummary(result, dir);
    await producer.disconnect();

    // The live result.
    assert.deepEqual(result.run.validity_violations.map((v) => `${v.name}: ${v.message}`), [
      'minimum duration: baseline 3 s, overlap 3 s, recovery 3 s < 30 s']);
    assert.equal(result.phases.length, 3);
    assert.equal(result.scorecard.baseline_p99_ms !== null && Math.abs(result.scorecard.baseline_p99_ms - 20) < 0.05, true);
    assert.equal(result.scorecard.overlap_p99_ms !== null && Math.abs(result.scorecard.overlap_p99_ms - 200) < 0.3, true);
    assert.equal(result.scorecard.peak_backlog, 100);
    assert.equal(result.streams[plan.streams[0]!.name]!.consumed, 100);
    assert.ok(result.freshness.found >= 3, `sentinels found: ${result.freshness.found}`);
    assert.equal(result.freshness.censored, 0);
    assert.equal(result.phases[0]!.query.started, 6);
    assert.equal(result.phases[1]!.ingest!.acked, 30);
    assert.equal(result.validity.find((c) => c.rule === 'worker_completeness')?.status, 'pass');
    assert.equal(result.validity.find((c) => c.rule === 'kafka_healthy')?.status, 'pass');

    assert.deepEqual(validateRunJson(JSON.parse(JSON.stringify(result))), [], 'run.json follows docs/run-json.schema.json');

    // snapshots.jsonl holds every kind of record.
    const lines = readFileSync(join(dir, 'snapshots.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    const kinds = new Set(lines.map((l) => (JSON.parse(l) as { kind: string }).kind));
    assert.deepEqual([...kinds].sort(), ['control', 'freshness', 'lag', 'worker']);

    // Rebuilt from snapshots.jsonl: identical.
    assert.deepEqual(rebuildRun(plan, lines, { version: '0.0.0-test', generatedAt: GEN }), result);

    // Rebuilt from the topics: identical.
    const settings = kafkaSettingsFromEnv({}, { bootstrap: kafka.bootstrap, connectTimeoutMs: 5000 });
    const fromKafka = await readRunFromKafka(settings, run, logger, systemTimers, 30);
    assert.equal(fromKafka.malformed.count, 0);
    assert.deepEqual(buildRunResult(fromKafka.plan, aggregateRecords(fromKafka.plan, fromKafka.records), { version: '0.0.0-test', generatedAt: GEN }), result);

    // The live topic: states, a point per closed second, then the summary.
    const live = (await readTopicToEnd(settings, run, plan.kafka.topics.live, logger, systemTimers, 30_000)).map((m) => {
      const r = parseLiveMessage(m.value);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      return r.message;
    });
    const points = live.filter((m) => m.kind === 'point');
    assert.deepEqual(points.map((p) => p.kind === 'point' && p.second), Array.from({ length: 9 }, (_, i) => t0s + i));
    assert.ok(live.some((m) => m.kind === 'state' && m.stage === 'running'));
    const last = live.filter((m) => m.kind === 'summary');
    assert.equal(last.length, 1);

    // `incidentbench report <dir>` twice: the same run.json apart from the generation time (SPEC §13.1).
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const renders = [join(dir, 'r1'), join(dir, 'r2')].map((out) => {
      const r = runCli(['report', dir, '--out', out]);
      assert.equal(r.code, 2, r.stderr); // invalid: 3 s phases are below the 30 s minimum (not a scaled run)
      assert.match(r.stdout, /INVALID \(minimum duration\)/);
      const doc = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunJson;
      assert.ok(readFileSync(join(out, 'report.html'), 'utf8').startsWith('<!DOCTYPE html>'));
      assert.equal(readFileSync(join(out, 'timeseries.csv'), 'utf8').split('\n')[0], doc.timeseries.columns.join(','));
      return doc;
    });
    const strip = (d: RunJson) => ({ ...d, generated_at: '', incidentbench_version: '' });
    assert.deepEqual(strip(renders[0]!), strip(renders[1]!));
    assert.deepEqual(strip(renders[0]!), strip(result));
  });
});
