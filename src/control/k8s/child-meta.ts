// Metadata of a run's child objects (SPEC §15, k8s conventions): names checked as DNS-1123 labels, the shared
// labels, the plan-hash annotation and the controller ownerReference. Pure; must not talk to a cluster.

import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { UsageError } from '../../core/errors.js';
import {
  COMPONENT_LABEL, GROUP_LABEL, MANAGED_BY_LABEL, NAME_LABEL, RUN_API_VERSION, RUN_KIND, RUN_LABEL,
  type Component, type IncidentBenchRun,
} from './run-resource.js';

export const APP_NAME = 'incidentbench';
export const OPERATOR_NAME = 'incidentbench-operator';
export const PLAN_HASH_ANNOTATION = 'incidentbench.io/plan-hash';

/** What every child of one run shares. */
export interface ChildContext {
  run: string;
  /** '' = no namespace in the metadata (kubectl's current namespace, or the kustomization's). */
  namespace: string;
  planHash: string;
  owner?: IncidentBenchRun;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Job names become the `job-name` label of their pods, so they must be DNS-1123 labels (≤ 63 characters). */
export function checkChildName(name: string, why: string): void {
  if (!DNS_LABEL.test(name)) {
    throw new UsageError(`${why} gives the Kubernetes object name ${JSON.stringify(name)}, which is not a DNS-1123 label; `
      + 'expected lowercase letters, digits and "-", at most 63 characters');
  }
}

export function childLabels(c: ChildContext, component: Component, group?: string): Record<string, string> {
  const labels: Record<string, string> = { [NAME_LABEL]: APP_NAME, [COMPONENT_LABEL]: component, [RUN_LABEL]: c.run };
  if (group !== undefined) labels[GROUP_LABEL] = group;
  if (c.owner) labels[MANAGED_BY_LABEL] = OPERATOR_NAME;
  return labels;
}

export function ownerReference(owner: IncidentBenchRun): V1OwnerReference {
  const uid = owner.metadata.uid;
  if (!uid) throw new Error(`IncidentBenchRun ${owner.metadata.name} has no metadata.uid; an ownerReference needs one`);
  return { apiVersion: RUN_API_VERSION, kind: RUN_KIND, name: owner.metadata.name, uid, controller: true, blockOwnerDeletion: true };
}

export function childMeta(c: ChildContext, name: string, component: Component, group?: string): V1ObjectMeta {
  const meta: V1ObjectMeta = {
    name,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    labels: childLabels(c, component, group),
    annotations: { [PLAN_HASH_ANNOTATION]: c.planHash },
  };
  if (c.owner) meta.ownerReferences = [ownerReference(c.owner)];
  return meta;
}
