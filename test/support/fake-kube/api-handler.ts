// Answers one fake API server request (already authenticated and logged): CRUD, patch, status subresource,
// watch and pod logs on the object store. Must not own the HTTP server or any test control.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFieldSelector, parseLabelSelector } from './label-selector.js';
import { jsonPatch, mergePatch } from './patch.js';
import type { PodLogs } from './pod-logs.js';
import { apiVersionOf, qualifiedResource, type ResourceType } from './resources.js';
import { parseRoute, type ApiRoute } from './routes.js';
import { KubeStatusError, statusErrors } from './status-errors.js';
import type { DeletePreconditions, ObjectStore } from './store.js';
import type { KubeObject } from './types.js';
import { serveWatch, type WatchRegistry } from './watch-stream.js';

export interface HandlerContext {
  store: ObjectStore;
  logs: PodLogs;
  watches: WatchRegistry;
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw statusErrors.badRequest(`the request body is not valid JSON: ${text.slice(0, 80)}`);
  }
}

function asObject(r: ResourceType, body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw statusErrors.badRequest('the request body must be a JSON object');
  const obj = body as KubeObject;
  obj.metadata ??= {};
  if (obj.kind !== undefined && obj.kind !== r.kind) {
    throw statusErrors.badRequest(`the kind "${String(obj.kind)}" of the body does not match ${qualifiedResource(r)} (kind ${r.kind})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(r)) {
    throw statusErrors.badRequest(`the apiVersion "${String(obj.apiVersion)}" of the body does not match ${apiVersionOf(r)}`);
  }
  return obj;
}

function isPodRunning(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function intParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw statusErrors.badRequest(`${key}: must be an integer, got "${v}"`);
  return n;
}

function needName(route: ApiRoute): string {
  if (route.name === undefined || route.namespace === undefined) throw statusErrors.methodNotAllowed('without a name');
  return route.name;
}

function patchObject(route: ApiRoute, current: KubeObject, contentType: string, body: unknown): KubeObject {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  let patched: unknown;
  if (type === 'application/merge-patch+json') patched = mergePatch(current, body);
  else if (type === 'application/json-patch+json') patched = jsonPatch(current, body);
  else if (type === 'application/strategic-merge-patch+json' && !route.resource.custom) patched = mergePatch(current, body);
  else throw statusErrors.unsupportedMediaType(contentType);
  return asObject(route.resource, patched);
}

function deletePreconditions(body: unknown): DeletePreconditions {
  const pre = (body as { preconditions?: DeletePreconditions } | undefined)?.preconditions;
  return { uid: pre?.uid ?? undefined, resourceVersion: pre?.resourceVersion ?? undefined };
}

/** Handles one API request; Status errors become Status responses. */
export function handleApiRequest(ctx: HandlerContext, req: IncomingMessage, url: URL, bodyText: string, res: ServerResponse): void {
  try {
    const route = parseRoute(url.pathname);
    if (!route) throw statusErrors.noSuchResource();
    dispatch(ctx, req.method ?? 'GET', route, url.searchParams, req.headers['content-type'] ?? '', bodyText, res);
  } catch (err) {
    const status = err instanceof KubeStatusError ? err : new KubeStatusError(500, 'InternalError', err instanceof Error ? err.message : String(err));
    if (!res.headersSent) sendJson(res, status.code, status.body());
    else res.end();
  }
}

function dispatch(ctx: HandlerContext, method: string, route: ApiRoute, q: URLSearchParams, contentType: string, bodyText: string, res: ServerResponse): void {
  const { store } = ctx;
  const r = route.resource;
  const ns = route.namespace;
  if (route.subresource === 'log') {
    if (method !== 'GET') throw statusErrors.methodNotAllowed(method);
    const name = needName(route);
    const pod = store.get(r, ns!, name);
    if (!pod) throw statusErrors.notFound(r, name);
    const container = q.get('container');
    const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
    if (container !== null && container !== '' && !containers.includes(container)) {
      throw statusErrors.badRequest(`container ${container} is not valid for pod ${name}`);
    }
    const follow = q.get('follow') === 'true' || q.get('follow') === '1';
    ctx.logs.serve(ns!, name, { follow, tailLines: intParam(q, 'tailLines') }, isPodRunning(pod), res);
    return;
  }
  switch (method) {
    case 'GET': {
      const watch = q.get('watch');
      if (route.name === undefined || watch === 'true' || watch === '1') {
        const labels = parseLabelSelector(q.get('labelSelector'));
        const fieldText = [q.get('fieldSelector'), route.name !== undefined ? `metadata.name=${route.name}` : null].filter(Boolean).join(',');
        const fields = parseFieldSelector(fieldText);
        if (watch === 'true' || watch === '1') {
          serveWatch(store, { resource: r, namespace: ns, labels, fields, resourceVersion: q.get('resourceVersion') ?? undefined, timeoutSeconds: intParam(q, 'timeoutSeconds') }, res, ctx.watches);
          return;
        }
        const items = store.list(r, ns).filter((o) => labels(o.metadata.labels) && fields(o));
        sendJson(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata: { resourceVersion: store.resourceVersion }, items });
        return;
      }
      const obj = store.get(r, ns!, route.name);
      if (!obj) throw statusErrors.notFound(r, route.name);
      sendJson(res, 200, obj);
      return;
    }
    case 'POST': {
      if (route.name !== undefined || ns === undefined) throw statusErrors.methodNotAllowed(method);
      sendJson(res, 201, store.create(r, ns, asObject(r, parseBody(bodyText))));
      return;
    }
    case 'PUT': {
      const name = needName(route);
      const body = asObject(r, parseBody(bodyText));
      sendJson(res, 200, store.replace(r, ns!, name, body, { subresource: route.subresource === 'status' ? 'status' : undefined }));
      return;
    }
    case 'PATCH': {
      const name = needName(route);
      const current = store.get(r, ns!, name);
      if (!current) throw statusErrors.notFound(r, name);
      const patched = patchObject(route, current, contentType, parseBody(bodyText));
      sendJson(res, 200, store.replace(r, ns!, name, patched, { subresource: route.subresource === 'status' ? 'status' : undefined }));
      return;
    }
    case 'DELETE': {
      if (route.subresource !== undefined) throw statusErrors.methodNotAllowed(method);
      const name = needName(route);
      const result = store.delete(r, ns!, name, deletePreconditions(parseBody(bodyText)));
      if (result.removed) {
        sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: r.group, kind: r.plural, uid: result.object.metadata.uid } });
      } else {
        sendJson(res, 202, result.object);
      }
      return;
    }
    default:
      throw statusErrors.methodNotAllowed(method);
  }
}
