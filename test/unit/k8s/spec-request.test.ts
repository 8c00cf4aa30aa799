import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { planFromFlags } from '../../../src/cli/run-flags.js';
import type { IncidentBenchRun, RunSpec } from '../../../src/control/k8s/run-resource.js';
import { planFromSpec, scenarioTextFromConfigMap, specProblems } from '../../../src/control/k8s/spec-request.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';

const SMOKE = 'scenarios/smoke.yaml';
const smokeDoc = () => parse(readFileSync(SMOKE, 'utf8')) as Record<string, unknown>;

function run(spec: Partial<RunSpec>, name = 'smoke-k8s', uid?: string): IncidentBenchRun {
  return {
    apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun',
    metadata: { name, namespace: 'bench', ...(uid ? { uid } : {}) },
    spec: { kafka: { bootstrapServers: 'kafka.kafka.svc:9092' }, target: CLICKHOUSE, ...spec },
  };
}

/** The target of every run below unless a test says otherwise (the operator checks the config like the CLI). */
const CLICKHOUSE = { adapter: 'clickhouse', config: { url: 'http://clickhouse:8123' } };

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    return specProblems(err);
  }
  assert.fail('expected an error');
}

const withoutId = (p: RunPlan) => ({ ...p, run: { ...p.run, id: '' } });

describe('IncidentBenchRun spec → RunPlan (SPEC §15.2 Pending)', () => {
  it('plans an inline copy of scenarios/smoke.yaml exactly as the CLI plans the file with --k8s', () => {
    const fromSpec = planFromSpec(run({ scenario: smokeDoc() }), null).plan;
    const dir = mkdtempSync(join(tmpdir(), 'ib-spec-'));
    let fromFlags: RunPlan;
    try {
      const config = join(dir, 'ch.yaml');
      writeFileSync(config, 'url: http://clickhouse:8123\n');
      fromFlags = planFromFlags(SMOKE, { k8s: true, target: 'clickhouse', targetConfig: config, kafka: 'kafka.kafka.svc:9092',
        runName: 'smoke-k8s' }).plan;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(withoutId(fromSpec), withoutId(fromFlags));
    assert.equal(fromSpec.workers.ingest.count, 10);
    assert.equal(fromSpec.workers.ingest.threads, 2);
  });

  it('maps every spec field onto the setting of its run flag', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ib-spec-'));
    try {
      const config = { url: 'http://clickhouse:8123', password_env: 'CH_PASSWORD' };
      writeFileSync(join(dir, 'target.yaml'), JSON.stringify(config));
      const spec: Partial<RunSpec> = {
        scenario: smokeDoc(),
        target: { adapter: 'clickhouse', config, reuse: true },
        kafka: { bootstrapServers: 'k1:9092, k2:9092', topics: { events: 'my-events' }, partitions: 12, acks: '1',
          compression: 'gzip', manageTopics: false },
        harness: { maxInflightBatches: 3, maxInFlight: 64, freshness: { enabled: false } },
        drainTimeoutSeconds: 45,
        readyTimeoutSeconds: 90,
        scaling: { durationScale: 0.5, rateScale: 0.25 },
        workers: { ingest: { replicas: 3, threads: 4 }, query: { replicas: 2 } },
        seed: 7,
        thresholds: ['p99_degradation_ratio < 3'],
      };
      const fromSpec = planFromSpec(run(spec, 'full', '3f0e6c1a-1111-4222-8333-444455556666'), null).plan;
      const fromFlags = planFromFlags(SMOKE, {
        k8s: true, target: 'clickhouse', targetConfig: join(dir, 'target.yaml'), reuseTarget: true,
        kafka: 'k1:9092,k2:9092', eventsTopic: ['my-events'], partitions: 12, acks: '1', compression: 'gzip',
        manageTopics: false, maxInflightBatches: 3, maxInFlight: 64, freshness: false, drainTimeout: 45, readyTimeout: 90,
        durationScale: 0.5, rateScale: 0.25, ingestWorkers: 3, threads: 4, queryWorkers: 2, seed: 7,
        threshold: ['p99_degradation_ratio < 3'], runName: 'full',
      }).plan;
      assert.deepEqual(withoutId(fromSpec), withoutId(fromFlags));
      assert.equal(fromSpec.run.id, '3f0e6c1a-1111-4222-8333-444455556666');
      assert.equal(fromSpec.streams[0]!.topic, 'my-events');
      assert.deepEqual(fromSpec.kafka.bootstrap, ['k1:9092', 'k2:9092']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad inline scenario by spec.scenario paths, without positions of the generated YAML', () => {
    const doc = smokeDoc() as { timeline: { phases: Record<string, unknown>[] }; query_mix: { queries: Record<string, unknown>[] } };
    doc.timeline.phases[2]!.duration_seconds = 0;
    doc.query_mix.queries[1]!.tmeout_ms = 5;
    assert.deepEqual(problemsOf(() => planFromSpec(run({ scenario: doc }), null)), [
      'spec.scenario.query_mix.queries[1].tmeout_ms: unknown key "tmeout_ms" (did you mean "timeout_ms"?)',
      'spec.scenario.timeline.phases[2].duration_seconds: must be ≥ 1, got 0',
    ]);
  });

  it('names spec.target.adapter for an unknown adapter, with a suggestion', () => {
    const lines = problemsOf(() => planFromSpec(run({ scenario: smokeDoc(), target: { adapter: 'clickhose' } }), null));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^spec\.target\.adapter: unknown adapter "clickhose" \(did you mean "clickhouse"\?\); expected one of clickhouse, /);
  });

  it('checks the target config with its adapter as the CLI does, naming spec.target.config paths, secrets not read', () => {
    const lines = problemsOf(() => planFromSpec(run({ scenario: smokeDoc(),
      target: { adapter: 'clickhouse', config: { urll: 'http://ch:8123', password_env: 'CH_PASSWORD' } } }), null));
    assert.deepEqual(lines, [
      'spec.target.config.urll: unknown key "urll" (did you mean "url"?)',
      'spec.target.config.url: missing; expected the base URL of the ClickHouse HTTP interface, e.g. http://localhost:8123',
    ]);
    // CH_PASSWORD is not set here: the pod gets it from its Secret, so the operator does not ask for it.
    const ok = planFromSpec(run({ scenario: smokeDoc(),
      target: { adapter: 'clickhouse', config: { url: 'http://ch:8123', password_env: 'CH_PASSWORD' } } }), null);
    assert.equal(ok.plan.target?.adapter, 'clickhouse');
  });

  it('requires a target', () => {
    assert.deepEqual(problemsOf(() => planFromSpec(run({ scenario: smokeDoc(), target: undefined }), null)),
      ['spec.target: missing; expected { adapter, config } naming the platform under test']);
  });

  it('reports a scenarioRef scenario as the CLI prints a file: configmap/<name>/<key>:<line>:<col>', () => {
    const text = readFileSync(SMOKE, 'utf8').replace('duration_seconds: 30', 'duration_seconds: -1');
    const r = run({ scenarioRef: { configMap: { name: 'scenarios', key: 'smoke.yaml' } } });
    const line = text.split('\n').findIndex((l) => l.includes('duration_seconds: -1')) + 1;
    assert.deepEqual(problemsOf(() => planFromSpec(r, text)),
      [`configmap/scenarios/smoke.yaml:${line}:25: timeline.phases[0].duration_seconds: must be ≥ 1, got -1`]);
    assert.equal(planFromSpec(r, readFileSync(SMOKE, 'utf8')).loaded.file, 'configmap/scenarios/smoke.yaml');
  });

  it('says which keys a scenarioRef ConfigMap has when the key is missing, and when the ConfigMap is missing', () => {
    const r = run({ scenarioRef: { configMap: { name: 'scenarios', key: 'smoke.yml' } } });
    assert.equal(scenarioTextFromConfigMap(r, { 'smoke.yml': 'the text', other: 'y' }), 'the text');
    assert.deepEqual(problemsOf(() => scenarioTextFromConfigMap(r, { 'smoke.yaml': 'x', 'sre.yaml': 'y' })),
      ['spec.scenarioRef.configMap.key: configmap scenarios has no key smoke.yml (did you mean "smoke.yaml"?); it has smoke.yaml, sre.yaml']);
    assert.deepEqual(problemsOf(() => planFromSpec(r, null)),
      ['spec.scenarioRef.configMap.name: configmap "scenarios" not found in namespace "bench"; expected a ConfigMap holding the scenario file']);
  });

  it('requires exactly one of spec.scenario and spec.scenarioRef, and a non-empty bootstrapServers, reporting both', () => {
    const both = run({ scenario: smokeDoc(), scenarioRef: { configMap: { name: 'a', key: 'b' } }, kafka: { bootstrapServers: ' , ' } });
    assert.deepEqual(problemsOf(() => planFromSpec(both, 'x')), [
      'spec: exactly one of spec.scenario and spec.scenarioRef; expected only one of them',
      'spec.kafka.bootstrapServers: expected host:port[,host:port…], got " , "',
    ]);
    assert.deepEqual(problemsOf(() => planFromSpec(run({}), null)),
      ['spec: exactly one of spec.scenario and spec.scenarioRef; expected one of them']);
  });

  it('names spec.workers.queryGroups for a group the scenario does not have', () => {
    const r = run({ scenario: smokeDoc(), workers: { queryGroups: [{ name: 'defualt', replicas: 2 }] } });
    assert.deepEqual(problemsOf(() => planFromSpec(r, null)), ['spec.workers.queryGroups: "defualt" is not a query group '
      + 'of the scenario (did you mean "default"?); expected one of default']);
    const ok = planFromSpec(run({ scenario: smokeDoc(), workers: { queryGroups: [{ name: 'default', replicas: 2 }] } }), null);
    assert.deepEqual(ok.plan.workers.query.map((q) => [q.group, q.count]), [['default', 2]]);
  });
});
