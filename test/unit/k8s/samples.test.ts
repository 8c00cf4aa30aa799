import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { createAdapter } from '../../../src/adapters/registry.js';
import type { IncidentBenchRun } from '../../../src/control/k8s/run-resource.js';
import { planFromSpec } from '../../../src/control/k8s/spec-request.js';
import { crdValidator as sharedValidator } from '../../support/crd-validator.js';

const SAMPLES = 'manifests/samples';
function crdValidator(): ValidateFunction {
  return sharedValidator();
}

function schemaErrors(validate: ValidateFunction, obj: unknown): string[] {
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

const sampleFiles = readdirSync(SAMPLES).filter((f) => f.endsWith('.yaml')).sort();
const readSample = (file: string) => parse(readFileSync(join(SAMPLES, file), 'utf8')) as IncidentBenchRun;

describe('manifests/samples (IncidentBenchRun objects)', () => {
  const validate = crdValidator();

  it('holds the four samples of SPEC §15.3', () => {
    assert.deepEqual(sampleFiles,
      ['smoke-clickhouse.yaml', 'smoke-opensearch.yaml', 'sre-outage-clickhouse.yaml', 'sre-outage-opensearch.yaml']);
  });

  for (const file of sampleFiles) {
    describe(file, () => {
      const sample = readSample(file);

      it('validates against the CRD\'s openAPIV3Schema', () => {
        assert.deepEqual(schemaErrors(validate, sample), []);
        assert.equal(sample.metadata.name, basename(file, '.yaml'));
      });

      it('plans without error through the operator\'s path (planFromSpec)', () => {
        const { plan } = planFromSpec(sample, null);
        assert.equal(plan.run.name, sample.metadata.name);
        assert.deepEqual(plan.kafka.bootstrap, ['kafka.kafka.svc:9092']);
        assert.equal(plan.target?.adapter, sample.spec.target?.adapter);
      });

      it('inlines its scenario file unchanged', () => {
        const scenarioFile = `scenarios/${file.replace(/-(clickhouse|opensearch)\.yaml$/, '.yaml')}`;
        assert.deepEqual(sample.spec.scenario, parse(readFileSync(scenarioFile, 'utf8')));
      });

      it('has a target config the adapter accepts, its password coming from credentialsSecretRef', async () => {
        const config = sample.spec.target!.config!;
        const variable = config.password_env as string;
        assert.ok(sample.spec.target!.credentialsSecretRef?.name);
        const adapter = createAdapter(sample.spec.target!.adapter, config,
          { secrets: { env: { [variable]: 'secret' }, readFile: () => assert.fail('no files in a pod') } });
        await adapter.close?.();
      });
    });
  }

  it('rejects a sample with a wrong type, naming the path', () => {
    const bad = readSample('smoke-clickhouse.yaml');
    (bad.spec.workers!.ingest as Record<string, unknown>).replicas = 'ten';
    ((bad.spec.scenario as { timeline: { phases: Record<string, unknown>[] } }).timeline.phases[0]!).duration_seconds = '30s';
    const errors = schemaErrors(validate, bad);
    assert.ok(errors.includes('/spec/workers/ingest/replicas must be integer'), errors.join('\n'));
    assert.ok(errors.includes('/spec/scenario/timeline/phases/0/duration_seconds must be integer'), errors.join('\n'));
  });

  it('rejects values outside the enums and bounds of the spec', () => {
    const bad = readSample('smoke-opensearch.yaml');
    bad.spec.kafka.acks = 'some' as never;
    bad.spec.scaling = { rateScale: 0 };
    const errors = schemaErrors(validate, bad);
    assert.ok(errors.includes('/spec/kafka/acks must be equal to one of the allowed values'), errors.join('\n'));
    assert.ok(errors.includes('/spec/scaling/rateScale must be > 0'), errors.join('\n'));
  });

  it('accepts null where the scenario format allows it (mix_override: null), as the loader does', () => {
    const sample = readSample('smoke-clickhouse.yaml');
    const phases = (sample.spec.scenario as { timeline: { phases: { query: Record<string, unknown> }[] } }).timeline.phases;
    phases[0]!.query.mix_override = null;
    assert.deepEqual(schemaErrors(validate, sample), []);
    assert.doesNotThrow(() => planFromSpec(sample, null));
  });

  const scenarioFiles = [
    ...readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => join('scenarios', f)),
    ...readdirSync('test/fixtures/scenarios').filter((f) => f.endsWith('.yaml')).map((f) => join('test/fixtures/scenarios', f)),
  ];
  for (const file of scenarioFiles) {
    it(`accepts ${file} inline (the CRD schema must not reject a valid scenario file)`, () => {
      const run = { apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun', metadata: { name: 'x' },
        spec: { kafka: { bootstrapServers: 'kafka:9092' }, scenario: parse(readFileSync(file, 'utf8')) } };
      assert.deepEqual(schemaErrors(validate, run), []);
    });
  }
});
