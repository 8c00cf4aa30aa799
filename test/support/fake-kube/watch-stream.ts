// Serves `?watch=true` for the fake API server: replays changes after a resourceVersion (or the current objects as
// ADDED), then streams matching store changes as JSON lines until the client leaves or the server stops.
// Must not change the store.

import type { ServerResponse } from 'node:http';
import type { Selector } from './label-selector.js';
import { resourceKey, type ResourceType } from './resources.js';
import { statusErrors } from './status-errors.js';
import type { ObjectStore } from './store.js';
import type { KubeObject, StoreEvent, WatchEventType } from './types.js';

export interface WatchRequest {
  resource: ResourceType;
  /** Undefined: all namespaces. */
  namespace?: string;
  labels: Selector;
  fields: (obj: KubeObject) => boolean;
  /** Empty/undefined/"0": start with the current objects as ADDED events. */
  resourceVersion?: string;
  timeoutSeconds?: number;
}

/** The open watch responses, so tests can end them all (the server's close, or `closeWatches()`). */
export class WatchRegistry {
  private readonly open = new Set<() => void>();

  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  get size(): number {
    return this.open.size;
  }

  endAll(): void {
    for (const end of [...this.open]) end();
  }
}

/** What a watcher with this request sees of one store event (null: nothing). */
export function viewOf(req: WatchRequest, e: StoreEvent): { type: WatchEventType; object: KubeObject } | null {
  if (e.resource !== resourceKey(req.resource)) return null;
  const obj = e.object;
  if (req.namespace !== undefined && obj.metadata.namespace !== req.namespace) return null;
  if (!req.fields(obj)) return null;
  const now = req.labels(obj.metadata.labels);
  if (e.type !== 'MODIFIED') return now ? { type: e.type, object: obj } : null;
  const before = e.previous ? req.labels(e.previous.metadata.labels) : now;
  if (now && before) return { type: 'MODIFIED', object: obj };
  if (now) return { type: 'ADDED', object: obj };
  if (before) return { type: 'DELETED', object: obj };
  return null;
}

export function serveWatch(store: ObjectStore, req: WatchRequest, res: ServerResponse, registry: WatchRegistry): void {
  const rv = req.resourceVersion;
  const fromList = rv === undefined || rv === '' || rv === '0';
  const replay = fromList ? null : store.eventsAfter(Number(rv));
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  if (replay === 'expired' || (!fromList && !/^\d+$/.test(rv))) {
    res.end(JSON.stringify({ type: 'ERROR', object: statusErrors.expired(String(rv)).body() }) + '\n');
    return;
  }
  res.flushHeaders();
  const send = (type: WatchEventType, object: KubeObject): void => {
    res.write(JSON.stringify({ type, object }) + '\n');
  };
  if (fromList) {
    for (const o of store.list(req.resource, req.namespace)) {
      if (req.labels(o.metadata.labels) && req.fields(o)) send('ADDED', o);
    }
  } else {
    for (const e of replay!) {
      const v = viewOf(req, e);
      if (v) send(v.type, v.object);
    }
  }
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  const end = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    unregister();
    if (timer) clearTimeout(timer);
    res.end();
  };
  const unsubscribe = store.subscribe((e) => {
    const v = viewOf(req, e);
    if (v) send(v.type, v.object);
  });
  const unregister = registry.add(end);
  res.on('close', end);
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
    timer = setTimeout(end, req.timeoutSeconds * 1000);
    timer.unref();
  }
}
