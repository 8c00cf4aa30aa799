// Validates an IncidentBenchRun against the CRD's openAPIV3Schema with ajv, as an API server would (apart from CEL
// rules): used by the sample tests and by the fake API server for every write of a run. Must not change the object.

import { Ajv, type ValidateFunction } from 'ajv';
import { runOpenApiSchema } from '../../src/control/k8s/crd.js';
import type { StructuralSchema } from '../../src/control/k8s/structural-schema.js';

const K8S_KEYWORDS = ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations'];

/** OpenAPI v3 (boolean exclusiveMinimum beside minimum) → the numeric form ajv's draft-07 expects. */
function toAjvSchema(node: StructuralSchema): Record<string, unknown> {
  const out: Record<string, unknown> = { ...node };
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (out[flag] === true) {
      out[flag] = out[bound];
      delete out[bound];
    }
  }
  if (node.properties) out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, toAjvSchema(v)]));
  if (node.additionalProperties) out.additionalProperties = toAjvSchema(node.additionalProperties);
  if (node.items) out.items = toAjvSchema(node.items);
  return out;
}

let compiled: ValidateFunction | null = null;

/** The compiled validator of the CRD's schema (compiled once). */
export function crdValidator(): ValidateFunction {
  if (compiled === null) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    for (const keyword of K8S_KEYWORDS) ajv.addKeyword({ keyword });
    compiled = ajv.compile(toAjvSchema(runOpenApiSchema()));
  }
  return compiled;
}

/** `<path> <message>` per schema error; empty when the object is valid. */
export function crdSchemaErrors(obj: unknown): string[] {
  const validate = crdValidator();
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
