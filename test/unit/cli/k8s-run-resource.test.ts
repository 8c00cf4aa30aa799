import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { checkClusterRunName } from '../../../src/cli/cluster-run-name.js';
import { inlineScenario, runResourceFromFlags } from '../../../src/cli/k8s-run-resource.js';
import { planFromFlags } from '../../../src/cli/run-flags.js';
import { loadScenarioFile, loadScenarioText } from '../../../src/scenario/load-scenario.js';
import { UsageError } from '../../../src/core/errors.js';

describe('run --k8s: the IncidentBenchRun built from a scenario file and run flags (SPEC §14, §15.1)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-k8s-flags-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a run name longer than 40 characters, saying why', () => {
    assert.throws(() => checkClusterRunName('x'.repeat(41)), (e: Error) => e instanceof UsageError
      && /41 characters; a cluster run name may have at most 40/.test(e.message));
    checkClusterRunName('x'.repeat(40));
  });

  it('inlines sql_file as sql so a pod needs no scenario folder, leaving the loaded document untouched', () => {
    const loaded = loadScenarioFile('test/fixtures/scenarios/query-only.yaml');
    const doc = inlineScenario(loaded) as { query_mix: { queries: Record<string, unknown>[] } };
    const top = doc.query_mix.queries.find((q) => q.name === 'top_hosts')!;
    assert.equal(top.sql_file, undefined);
    assert.equal(top.sql, readFileSync('test/fixtures/scenarios/queries/top_hosts.sql', 'utf8'));
    assert.equal((loaded.doc.query_mix!.queries.find((q) => q.name === 'top_hosts'))!.sql_file, 'queries/top_hosts.sql');
    // the inlined document is still a valid scenario, from nowhere in particular
    const again = loadScenarioText(stringify(doc), 'spec.scenario', '/nonexistent');
    assert.equal(again.doc.scenario.name, 'ch-query-bench');
  });

  it('carries the flags that were given, the target config inline and the Secrets by name', () => {
    const cfg = join(dir, 'ch.yaml');
    writeFileSync(cfg, 'url: http://clickhouse:8123\nuser: bench\npassword_env: CH_PASSWORD\n');
    const flags = { runName: 'r1', k8s: true, target: 'clickhouse', targetConfig: cfg, kafka: 'k1:9092, k2:9092',
      durationScale: 0.5, threshold: ['p99_degradation_ratio < 3'], eventsTopic: ['logs.in'], acks: '1',
      credentialsSecret: 'ch-creds', kafkaSecret: 'kafka-sasl', image: 'reg/incidentbench:0.1.0', namespace: 'bench',
      freshness: false };
    const { loaded, plan } = planFromFlags('scenarios/smoke.yaml', flags);
    const r = runResourceFromFlags(loaded, plan, flags);
    assert.equal(r.apiVersion, 'incidentbench.io/v1alpha1');
    assert.equal(r.kind, 'IncidentBenchRun');
    assert.deepEqual(r.metadata.name, 'r1');
    assert.equal(r.metadata.namespace, 'bench');
    assert.deepEqual(r.spec.target, { adapter: 'clickhouse', config: { url: 'http://clickhouse:8123', user: 'bench', password_env: 'CH_PASSWORD' },
      credentialsSecretRef: { name: 'ch-creds' } });
    assert.equal(r.spec.kafka.bootstrapServers, 'k1:9092,k2:9092');
    assert.deepEqual(r.spec.kafka.topics, { events: 'logs.in' });
    assert.equal(r.spec.kafka.acks, '1');
    assert.deepEqual(r.spec.kafka.saslSecretRef, { name: 'kafka-sasl' });
    assert.deepEqual(r.spec.scaling, { durationScale: 0.5 });
    assert.deepEqual(r.spec.thresholds, ['p99_degradation_ratio < 3']);
    assert.deepEqual(r.spec.harness, { freshness: { enabled: false } });
    assert.equal(r.spec.image, 'reg/incidentbench:0.1.0');
    assert.deepEqual(r.spec.workers?.ingest, { replicas: plan.workers.ingest.count, threads: 2 }, 'cluster defaults');
    assert.equal(r.spec.seed, undefined, 'a flag not given stays out');
    assert.equal(r.spec.drainTimeoutSeconds, undefined);
    const scenario = parseYaml(readFileSync('scenarios/smoke.yaml', 'utf8')) as unknown;
    assert.deepEqual(r.spec.scenario, scenario);
  });

  it('needs --target and --kafka, each with a one-line reason', () => {
    const noKafka = planFromFlags('scenarios/smoke.yaml', { runName: 'r1', k8s: true, target: 'clickhouse' });
    assert.throws(() => runResourceFromFlags(noKafka.loaded, noKafka.plan, {}), /--kafka <bootstrap> is required/);
    const noTarget = planFromFlags('scenarios/smoke.yaml', { runName: 'r1', k8s: true, kafka: 'k:9092' });
    assert.throws(() => runResourceFromFlags(noTarget.loaded, noTarget.plan, {}), /--target <adapter>/);
  });
});
