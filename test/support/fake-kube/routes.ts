// Parses fake API server paths (`/api/v1/...`, `/apis/<group>/<version>/...`) into resource type, namespace,
// name and subresource. Pure; must not read or write objects.

import { findResource, type ResourceType } from './resources.js';

export interface ApiRoute {
  resource: ResourceType;
  /** Undefined for all-namespaces paths. */
  namespace?: string;
  name?: string;
  subresource?: 'status' | 'log';
}

/** The route of a path, or null when the server has no such resource. */
export function parseRoute(pathname: string): ApiRoute | null {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return null;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = findResource(group, version, rest[0]!);
  if (!resource || rest.length > 3) return null;
  const name = rest[1];
  const sub = rest[2];
  if (sub !== undefined && sub !== 'status' && sub !== 'log') return null;
  if (sub === 'status' && !resource.statusSubresource) return null;
  if (sub === 'log' && resource.plural !== 'pods') return null;
  if (name !== undefined && namespace === undefined && resource.namespaced) return null;
  return { resource, namespace, name, subresource: sub };
}
