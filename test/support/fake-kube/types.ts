// The loose object shape the fake Kubernetes API server stores (any kind: metadata + arbitrary fields).
// Types only; must not hold behaviour.

export interface FakeOwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface FakeObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: FakeOwnerReference[];
  [field: string]: unknown;
}

/** Any stored Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: FakeObjectMeta;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change the store made, in resourceVersion order. */
export interface StoreEvent {
  type: WatchEventType;
  /** Key of the resource type (`group/plural`, core group empty). */
  resource: string;
  /** resourceVersion of the change (global counter). */
  rv: number;
  /** The object after the change (for DELETED: as it was removed, with a new resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED only), for label-selector transitions. */
  previous?: KubeObject;
}
