// Cascading deletion for the fake API server: when an object goes, every object whose ownerReferences no longer
// name any existing owner is deleted too (through the store, so its own finalizers hold). Must not emit events itself.

import type { ResourceType } from './resources.js';
import type { DeleteResult } from './store.js';
import type { KubeObject } from './types.js';

export interface GarbageCollectable {
  all(): { resource: ResourceType; object: KubeObject }[];
  delete(r: ResourceType, namespace: string, name: string): DeleteResult;
}

/** Deletes the dependents of the removed object `ownerUid` whose owners are all gone (recursively, via delete). */
export function collectDependents(store: GarbageCollectable, ownerUid: string): void {
  if (ownerUid === '') return;
  const everything = store.all();
  const liveUids = new Set(everything.map((e) => e.object.metadata.uid));
  for (const { resource, object } of everything) {
    const owners = object.metadata.ownerReferences ?? [];
    if (!owners.some((o) => o.uid === ownerUid)) continue;
    if (owners.some((o) => liveUids.has(o.uid))) continue;
    if (object.metadata.deletionTimestamp) continue;
    try {
      store.delete(resource, object.metadata.namespace ?? '', object.metadata.name ?? '');
    } catch {
      // Already removed by an earlier step of the same cascade.
    }
  }
}
