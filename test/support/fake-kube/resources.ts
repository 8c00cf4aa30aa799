// The resource types the fake Kubernetes API server knows (group, version, plural, kind, scope, subresources)
// and how test code names them. Data and lookups only; must not store objects or speak HTTP.

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Writes to the main resource keep the stored status; `…/status` writes change only status. */
  statusSubresource: boolean;
  /** Custom resources reject strategic merge patches (415), as a real API server does. */
  custom: boolean;
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: 'incidentbench.io', version: 'v1alpha1', plural: 'incidentbenchruns', kind: 'IncidentBenchRun', namespaced: true, statusSubresource: true, custom: true },
  { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true, statusSubresource: true, custom: false },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, statusSubresource: false, custom: false },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, statusSubresource: true, custom: false },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true, statusSubresource: false, custom: false },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, statusSubresource: false, custom: false },
  { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, statusSubresource: false, custom: false },
];

/** Store key of a resource type: `group/plural` (`/pods` for the core group). */
export function resourceKey(r: ResourceType): string {
  return `${r.group}/${r.plural}`;
}

/** The name Kubernetes uses in messages: `jobs.batch`, `configmaps`, `incidentbenchruns.incidentbench.io`. */
export function qualifiedResource(r: ResourceType): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

export function apiVersionOf(r: ResourceType): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The type of an object from its apiVersion and kind. */
export function resourceOfObject(apiVersion: string | undefined, kind: string | undefined): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/**
 * Resolves how tests name a type: a plural (`jobs`, `pods`, `incidentbenchruns`), a kind (`Job`, `ConfigMap`),
 * or a qualified name (`jobs.batch`, `events.k8s.io`, `events.events.k8s.io`). Plain `events`/`Event` is the core one.
 */
export function resolveResource(name: string): ResourceType {
  const lower = name.toLowerCase();
  const found = RESOURCE_TYPES.find((r) => r.plural === lower || r.kind.toLowerCase() === lower || qualifiedResource(r) === lower)
    ?? (lower === 'events.k8s.io' ? RESOURCE_TYPES.find((r) => r.group === 'events.k8s.io') : undefined);
  if (!found) {
    throw new Error(`fake-kube: unknown resource type "${name}"; expected one of ${RESOURCE_TYPES.map(qualifiedResource).join(', ')}`);
  }
  return found;
}
