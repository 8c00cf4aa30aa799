// Validates objects written through the fake API server — built-in kinds with the kubernetes-models schemas, runs
// with the CRD's schema — so a malformed Job or run status is refused (422) as a real API server would.
// Must not change the object.

import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Event as CoreEvent } from 'kubernetes-models/v1/Event';
import { Event as EventsEvent } from 'kubernetes-models/events.k8s.io/v1/Event';
import { crdSchemaErrors } from '../crd-validator.js';
import { statusErrors } from './status-errors.js';
import { resourceKey, type ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

type Validator = (obj: KubeObject) => void;

const VALIDATORS: Record<string, Validator> = {
  'batch/jobs': (o) => new Job(o as unknown as ConstructorParameters<typeof Job>[0]).validate(),
  '/configmaps': (o) => new ConfigMap(o as unknown as ConstructorParameters<typeof ConfigMap>[0]).validate(),
  '/pods': (o) => new Pod(o as unknown as ConstructorParameters<typeof Pod>[0]).validate(),
  '/secrets': (o) => new Secret(o as unknown as ConstructorParameters<typeof Secret>[0]).validate(),
  '/events': (o) => new CoreEvent(o as unknown as ConstructorParameters<typeof CoreEvent>[0]).validate(),
  'events.k8s.io/events': (o) => new EventsEvent(o as unknown as ConstructorParameters<typeof EventsEvent>[0]).validate(),
  // As the API server does with the CRD's structural schema (its CEL rule is not evaluated here).
  'incidentbench.io/incidentbenchruns': (o) => {
    const errors = crdSchemaErrors(o);
    if (errors.length > 0) throw new Error(errors.join('; '));
  },
};

/** Throws a 422 Invalid Status when `obj` does not match its kind's schema (IncidentBenchRuns: the CRD's). */
export function validateObject(r: ResourceType, obj: KubeObject): void {
  const validate = VALIDATORS[resourceKey(r)];
  if (!validate) return;
  try {
    validate(obj);
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split('\n').slice(0, 3).join('; ');
    throw statusErrors.invalid(r, obj.metadata.name ?? '', msg);
  }
}
