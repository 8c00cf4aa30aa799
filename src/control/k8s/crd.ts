// Builds the IncidentBenchRun CustomResourceDefinition (SPEC §15.1) from the run spec schema and the scenario
// schema's structural projection, and renders it as the checked-in YAML. Must not do I/O (write-crd.ts writes).

import { stringify } from 'yaml';
import { ScenarioSchema } from '../../scenario/schema.js';
import {
  API_GROUP, API_VERSION, PRINTER_COLUMNS, RUN_KIND, RUN_PLURAL, RUN_SHORT_NAME, RUN_SINGULAR,
} from './run-resource.js';
import { RunSpecSchema, RunStatusSchema } from './run-spec-schema.js';
import { toStructural, type StructuralSchema } from './structural-schema.js';

/** Where the generated CRD lives, relative to the repository root. */
export const CRD_FILE = 'manifests/crd/incidentbench.io_incidentbenchruns.yaml';
export const CRD_NAME = `${RUN_PLURAL}.${API_GROUP}`;

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: { name: string; type: string; jsonPath: string; description?: string }[];
      schema: { openAPIV3Schema: StructuralSchema };
    }[];
  };
}

/** The `spec.scenario` node: the scenario file schema (SPEC §3) as a structural schema. */
export function scenarioStructuralSchema(): StructuralSchema {
  return {
    ...toStructural(ScenarioSchema, 'scenario'),
    description: 'inline scenario (SPEC §3), exactly as a scenario file\'s content; or use scenarioRef',
  };
}

/** The openAPIV3Schema of the IncidentBenchRun kind. */
export function runOpenApiSchema(): StructuralSchema {
  const spec = toStructural(RunSpecSchema, 'spec');
  return {
    description: 'An IncidentBench run: a scenario against a target platform through Kafka (SPEC §15).',
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'incidentbench.io/v1alpha1' },
      kind: { type: 'string', description: 'IncidentBenchRun' },
      metadata: { type: 'object' },
      spec: { ...spec, properties: { scenario: scenarioStructuralSchema(), ...spec.properties } },
      status: toStructural(RunStatusSchema, 'status'),
    },
  };
}

export function buildRunCrd(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME, labels: { 'app.kubernetes.io/name': 'incidentbench' } },
    spec: {
      group: API_GROUP,
      names: {
        kind: RUN_KIND, listKind: `${RUN_KIND}List`, plural: RUN_PLURAL, singular: RUN_SINGULAR,
        shortNames: [RUN_SHORT_NAME], categories: ['incidentbench'],
      },
      scope: 'Namespaced',
      versions: [{
        name: API_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: PRINTER_COLUMNS.map((c) => ({ ...c })),
        schema: { openAPIV3Schema: runOpenApiSchema() },
      }],
    },
  };
}

const HEADER = `# GENERATED FILE — do not edit. The IncidentBenchRun CRD (SPEC §15.1), built by src/control/k8s/crd.ts from
# src/control/k8s/run-spec-schema.ts and the scenario schema src/scenario/schema.ts.
# Regenerate with: npm run crd   (a test fails when this file is stale)
`;

/** The CRD as the YAML checked in at CRD_FILE. */
export function crdYaml(): string {
  return HEADER + stringify(buildRunCrd(), { lineWidth: 0, aliasDuplicateObjects: false });
}
