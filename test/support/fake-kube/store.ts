// The fake API server's object store: server-owned metadata, optimistic concurrency, status subresource, finalizers
// and the change history watches replay. Must not speak HTTP; cascading deletion lives in garbage-collection.ts.

import { canonicalJson } from '../../../src/core/canonical-json.js';
import { collectDependents } from './garbage-collection.js';
import { apiVersionOf, resourceKey, RESOURCE_TYPES, type ResourceType } from './resources.js';
import { statusErrors } from './status-errors.js';
import type { KubeObject, StoreEvent } from './types.js';

export interface StoreOptions {
  /** Clock for creationTimestamp / deletionTimestamp. */
  now?: () => Date;
  /** Called on API writes (not test-control writes); throws a Status error to refuse the object. */
  validate?: (r: ResourceType, obj: KubeObject) => void;
}

export interface WriteOptions {
  /** `status`: change only `.status` (the status subresource). */
  subresource?: 'status';
  /** Test-control write: no resourceVersion check, no validation, status kept from the given object, upsert. */
  force?: boolean;
}

export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteResult {
  object: KubeObject;
  /** False when finalizers keep the object (it now has a deletionTimestamp). */
  removed: boolean;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function nsKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Everything of an object that counts as "spec" for generation: all but metadata, status, apiVersion, kind. */
function specPart(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return canonicalJson(rest);
}

function withoutVolatile(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return canonicalJson({ ...obj, metadata: meta });
}

export class ObjectStore {
  private readonly byResource = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private rv = 1000;
  /** Watches from a resourceVersion at or below this answer 410 Expired. */
  private expiredUpTo = 0;
  private uidSeq = 0;
  private nameSeq = 0;
  private readonly now: () => Date;

  constructor(private readonly opts: StoreOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    for (const r of RESOURCE_TYPES) this.byResource.set(resourceKey(r), new Map());
  }

  /** The latest resourceVersion, as lists report it. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes after `rv` (in order), or 'expired' when that history was dropped. */
  eventsAfter(rv: number): StoreEvent[] | 'expired' {
    if (rv < this.expiredUpTo) return 'expired';
    return this.history.filter((e) => e.rv > rv);
  }

  /** Forgets the change history so far: a watch from an older resourceVersion gets 410 Expired. */
  expireHistory(): void {
    this.expiredUpTo = this.rv;
    this.history.length = 0;
  }

  list(r: ResourceType, namespace?: string): KubeObject[] {
    const objs = [...this.table(r).values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    objs.sort((a, b) => nsKey(a.metadata.namespace ?? '', a.metadata.name ?? '').localeCompare(nsKey(b.metadata.namespace ?? '', b.metadata.name ?? '')));
    return objs.map((o) => structuredClone(o));
  }

  get(r: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const o = this.table(r).get(nsKey(namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  /** Every stored object with its type (for garbage collection). */
  all(): { resource: ResourceType; object: KubeObject }[] {
    return RESOURCE_TYPES.flatMap((resource) => [...this.table(resource).values()].map((object) => ({ resource, object })));
  }

  create(r: ResourceType, namespace: string, input: KubeObject, o: WriteOptions = {}): KubeObject {
    const obj = structuredClone(input);
    obj.metadata = { ...(obj.metadata ?? {}) };
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace) {
      throw statusErrors.badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
    }
    if (!obj.metadata.name) {
      if (!obj.metadata.generateName) throw statusErrors.invalid(r, '', 'metadata.name: Required value: name or generateName is required');
      obj.metadata.name = obj.metadata.generateName + this.nextSuffix();
    }
    const name = obj.metadata.name;
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
      throw statusErrors.invalid(r, name, `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`);
    }
    if (this.table(r).has(nsKey(namespace, name))) {
      if (!o.force) throw statusErrors.alreadyExists(r, name);
      return this.replace(r, namespace, name, obj, o);
    }
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata.namespace = namespace;
    obj.metadata.uid ??= this.nextUid();
    obj.metadata.creationTimestamp ??= this.timestamp();
    obj.metadata.generation = 1;
    if (!o.force) {
      delete obj.metadata.deletionTimestamp;
      if (r.statusSubresource) delete obj.status;
      this.opts.validate?.(r, obj);
    }
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(r).set(nsKey(namespace, name), obj);
    this.emit({ type: 'ADDED', resource: resourceKey(r), rv: this.rv, object: structuredClone(obj) });
    return structuredClone(obj);
  }

  /** PUT (main resource or status subresource); patches are applied by the caller and written through here. */
  replace(r: ResourceType, namespace: string, name: string, input: KubeObject, o: WriteOptions = {}): KubeObject {
    const existing = this.table(r).get(nsKey(namespace, name));
    if (!existing) {
      if (o.force) return this.create(r, namespace, { ...input, metadata: { ...input.metadata, name } }, o);
      throw statusErrors.notFound(r, name);
    }
    const body = structuredClone(input);
    body.metadata ??= {};
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw statusErrors.badRequest(`the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${name})`);
    }
    if (!o.force && body.metadata.resourceVersion !== undefined && body.metadata.resourceVersion !== '' && body.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw statusErrors.conflict(r, name);
    }
    let next: KubeObject;
    if (o.subresource === 'status') {
      next = { ...structuredClone(existing), status: body.status };
      if (body.status === undefined) delete next.status;
    } else {
      next = body;
      next.metadata = {
        ...body.metadata,
        name,
        namespace,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        deletionTimestamp: existing.metadata.deletionTimestamp,
        generation: existing.metadata.generation,
      };
      if (o.force) {
        if (body.metadata.deletionTimestamp !== undefined) next.metadata.deletionTimestamp = body.metadata.deletionTimestamp;
      } else if (r.statusSubresource) {
        if (existing.status === undefined) delete next.status;
        else next.status = structuredClone(existing.status);
      }
      if (next.metadata.deletionTimestamp === undefined) delete next.metadata.deletionTimestamp;
      if (specPart(next) !== specPart(existing)) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    }
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    if (!o.force) this.opts.validate?.(r, next);
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (withoutVolatile(next) === withoutVolatile(existing)) return structuredClone(existing);
    next.metadata.resourceVersion = String(++this.rv);
    this.table(r).set(nsKey(namespace, name), next);
    this.emit({ type: 'MODIFIED', resource: resourceKey(r), rv: this.rv, object: structuredClone(next), previous: structuredClone(existing) });
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) this.remove(r, next);
    return structuredClone(next);
  }

  /** DELETE: with finalizers the object only gets a deletionTimestamp; otherwise it and its dependents go. */
  delete(r: ResourceType, namespace: string, name: string, pre: DeletePreconditions = {}): DeleteResult {
    const existing = this.table(r).get(nsKey(namespace, name));
    if (!existing) throw statusErrors.notFound(r, name);
    if (pre.uid !== undefined && pre.uid !== existing.metadata.uid) {
      throw statusErrors.conflict(r, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw statusErrors.conflict(r, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
    }
    if ((existing.metadata.finalizers ?? []).length > 0) {
      if (existing.metadata.deletionTimestamp) return { object: structuredClone(existing), removed: false };
      const next = structuredClone(existing);
      next.metadata.deletionTimestamp = this.timestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      next.metadata.resourceVersion = String(++this.rv);
      this.table(r).set(nsKey(namespace, name), next);
      this.emit({ type: 'MODIFIED', resource: resourceKey(r), rv: this.rv, object: structuredClone(next), previous: structuredClone(existing) });
      return { object: structuredClone(next), removed: false };
    }
    return { object: this.remove(r, existing), removed: true };
  }

  private remove(r: ResourceType, obj: KubeObject): KubeObject {
    const key = nsKey(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (!this.table(r).delete(key)) return structuredClone(obj);
    const gone = structuredClone(obj);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', resource: resourceKey(r), rv: this.rv, object: structuredClone(gone) });
    collectDependents(this, obj.metadata.uid ?? '');
    return gone;
  }

  private table(r: ResourceType): Map<string, KubeObject> {
    return this.byResource.get(resourceKey(r))!;
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    for (const l of [...this.listeners]) l(e);
  }

  private timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private nextUid(): string {
    const n = (++this.uidSeq).toString(16).padStart(12, '0');
    return `0000fa4e-0000-4000-8000-${n}`;
  }

  private nextSuffix(): string {
    let n = ++this.nameSeq * 7919;
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += GENERATE_ALPHABET[n % GENERATE_ALPHABET.length];
      n = Math.floor(n / GENERATE_ALPHABET.length);
    }
    return s;
  }
}
