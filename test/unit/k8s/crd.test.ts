import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CustomResourceDefinition, type ICustomResourceDefinition,
} from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { parse } from 'yaml';
import { ADAPTER_NAMES } from '../../../src/adapters/languages.js';
import { CRD_FILE, buildRunCrd, crdYaml } from '../../../src/control/k8s/crd.js';
import { PRINTER_COLUMNS, RUN_KIND, RUN_SHORT_NAME } from '../../../src/control/k8s/run-resource.js';
import type { StructuralSchema } from '../../../src/control/k8s/structural-schema.js';

const FORBIDDEN = ['$ref', '$schema', '$id', '$defs', 'additionalItems', 'patternProperties', 'const', 'dependencies',
  'definitions', 'anyOf', 'oneOf', 'allOf', 'not', 'uniqueItems', 'unevaluatedProperties'];

/** Every violation of the structural-schema rules (apiextensions.k8s.io/v1) under `node`. */
function structuralViolations(node: StructuralSchema, path: string, out: string[] = []): string[] {
  const raw = node as Record<string, unknown>;
  for (const key of FORBIDDEN) if (key in raw) out.push(`${path}: ${key}`);
  if (node.type === undefined && !node['x-kubernetes-int-or-string'] && !node['x-kubernetes-preserve-unknown-fields']) {
    out.push(`${path}: no type`);
  }
  if (node['x-kubernetes-int-or-string'] && node.type !== undefined) out.push(`${path}: int-or-string with a type`);
  if (node.properties && node.additionalProperties) out.push(`${path}: properties and additionalProperties`);
  if (typeof raw.additionalProperties === 'boolean') out.push(`${path}: boolean additionalProperties`);
  if ('exclusiveMinimum' in raw && (typeof raw.exclusiveMinimum !== 'boolean' || node.minimum === undefined)) {
    out.push(`${path}: exclusiveMinimum is not OpenAPI v3`);
  }
  if (node.type === 'array' && node.items === undefined) out.push(`${path}: array without items`);
  if ((node.properties || node.additionalProperties) && node.type !== 'object') out.push(`${path}: properties on ${node.type}`);
  for (const [k, v] of Object.entries(node.properties ?? {})) structuralViolations(v, `${path}.${k}`, out);
  if (node.additionalProperties) structuralViolations(node.additionalProperties, `${path}.*`, out);
  if (node.items) structuralViolations(node.items, `${path}[]`, out);
  return out;
}

describe('IncidentBenchRun CRD (SPEC §15.1)', () => {
  const crd = buildRunCrd();
  const version = crd.spec.versions[0]!;
  const root = version.schema.openAPIV3Schema;
  const spec = root.properties!.spec!;

  it('is the checked-in manifests/crd file', () => {
    assert.ok(readFileSync(CRD_FILE, 'utf8') === crdYaml(), 'manifests/crd is stale: run npm run crd');
  });

  it('validates as an apiextensions.k8s.io/v1 CustomResourceDefinition', () => {
    // `default` / `enum` are typed `unknown` here and IJSON there; the validator checks the values.
    assert.doesNotThrow(() => new CustomResourceDefinition(crd as unknown as ICustomResourceDefinition).validate());
    assert.deepEqual(parse(crdYaml()), crd);
  });

  it('has a structural schema: every node typed, no forbidden keywords', () => {
    assert.deepEqual(structuralViolations(root, '$'), []);
    assert.deepEqual(root.properties!.metadata, { type: 'object' });
  });

  it('the structural check itself catches an untyped node and a leftover patternProperties', () => {
    const bad = { type: 'object', properties: { a: { description: 'x' }, b: { type: 'object', patternProperties: {} } } };
    assert.deepEqual(structuralViolations(bad as StructuralSchema, '$'), ['$.a: no type', '$.b: patternProperties']);
  });

  it('is namespaced, serves v1alpha1 with a status subresource, short name ibrun and the printer columns', () => {
    assert.equal(crd.metadata.name, 'incidentbenchruns.incidentbench.io');
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.equal(crd.spec.names.kind, RUN_KIND);
    assert.deepEqual(crd.spec.names.shortNames, [RUN_SHORT_NAME]);
    assert.deepEqual(version.subresources, { status: {} });
    assert.deepEqual(version.additionalPrinterColumns.map((c) => c.name),
      ['Phase', 'Benchmark-Phase', 'Elapsed', 'Valid', 'Degradation', 'Age']);
    assert.deepEqual(version.additionalPrinterColumns, PRINTER_COLUMNS.map((c) => ({ ...c })));
  });

  it('requires exactly one of spec.scenario and spec.scenarioRef with a CEL rule', () => {
    assert.deepEqual(spec['x-kubernetes-validations'],
      [{ rule: 'has(self.scenario) != has(self.scenarioRef)', message: 'exactly one of spec.scenario and spec.scenarioRef' }]);
    assert.ok(spec.properties!.scenario && spec.properties!.scenarioRef);
    assert.deepEqual(spec.required, ['kafka']);
  });

  it('projects the scenario schema: closed keys, preserved generator configs, weight maps as maps', () => {
    const scenario = spec.properties!.scenario!;
    assert.deepEqual(scenario.required, ['scenario', 'timeline']);
    const field = scenario.properties!.schema!.properties!.fields!.items!;
    assert.equal(field.properties!.config!['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(field.properties!.type!.enum, ['timestamp', 'keyword', 'text', 'int', 'long', 'float', 'ip', 'boolean']);
    const query = scenario.properties!.timeline!.properties!.phases!.items!.properties!.query!;
    assert.deepEqual(query.properties!.mix_override!.additionalProperties, { type: 'number', minimum: 0 });
    const groupWeight = scenario.properties!.query_groups!.items!.properties!.weight!;
    assert.deepEqual([groupWeight.minimum, groupWeight.exclusiveMinimum], [0, true]);
  });

  it('types the spec fields with their enums, bounds and defaults', () => {
    const p = spec.properties!;
    assert.deepEqual(p.target!.properties!.adapter!.enum, ADAPTER_NAMES);
    assert.deepEqual(p.kafka!.properties!.acks!.enum, ['all', '-1', '0', '1']);
    assert.deepEqual(p.kafka!.properties!.compression!.enum, ['none', 'gzip']);
    assert.equal(p.readyTimeoutSeconds!.default, 120);
    assert.equal(p.cleanupOnDelete!.default, true);
    assert.equal(p.dryRun!.default, false);
    assert.equal(p.workers!.properties!.ingest!.properties!.replicas!.minimum, 1);
    assert.equal(p.workers!.properties!.ingest!.properties!.threads!.minimum, 1);
    assert.deepEqual([p.scaling!.properties!.rateScale!.minimum, p.scaling!.properties!.rateScale!.exclusiveMinimum], [0, true]);
    assert.equal(p.target!.properties!.config!['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(p.workers!.properties!.query!.properties!.resources!['x-kubernetes-preserve-unknown-fields'], true);
  });

  it('types the status with phases, conditions and a nullable scorecard', () => {
    const st = root.properties!.status!.properties!;
    assert.deepEqual(st.phase!.enum, ['Pending', 'Preparing', 'Initializing', 'Running', 'Aggregating', 'Reporting', 'Completed', 'Failed']);
    assert.deepEqual(st.conditions!['x-kubernetes-list-map-keys'], ['type']);
    assert.deepEqual(st.results!.properties!.scorecard!.additionalProperties,
      { description: 'a scorecard metric (SPEC §11)', type: 'number', nullable: true });
  });
});
