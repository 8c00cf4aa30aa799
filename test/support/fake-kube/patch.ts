// The patch formats the fake API server accepts: JSON merge patch (RFC 7386, also used for strategic merge
// patches of built-in kinds) and JSON patch (RFC 6902). Pure functions on JSON values; must not touch the store.

import { KubeStatusError } from './status-errors.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: objects merge recursively, `null` removes a key, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key.startsWith('$setElementOrder') || key.startsWith('$deleteFromPrimitiveList') || key.startsWith('$retainKeys')) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new KubeStatusError(422, 'Invalid', `invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], path: string): Json {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw new KubeStatusError(422, 'Invalid', `json patch: path "${path}" does not exist`);
  }
  return cur;
}

function getAt(doc: Json, path: string): Json {
  let cur = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw new KubeStatusError(422, 'Invalid', `json patch: path "${path}" does not exist`);
  }
  return cur;
}

function arrayIndex(arr: Json[], token: string, path: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  const i = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!(i >= 0 && i <= arr.length - (forAdd ? 0 : 1))) throw new KubeStatusError(422, 'Invalid', `json patch: index "${token}" out of range at "${path}"`);
  return i;
}

function addAt(doc: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, value);
  else if (isObject(parent)) parent[last] = value;
  else throw new KubeStatusError(422, 'Invalid', `json patch: cannot add at "${path}"`);
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = pointer(path);
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else throw new KubeStatusError(422, 'Invalid', `json patch: path "${path}" does not exist`);
  return doc;
}

/** RFC 6902 on a copy of `target`; a failed `test` or a missing path is a 422 Status. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new KubeStatusError(400, 'BadRequest', 'json patch: the body must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of ops as JsonPatchOp[]) {
    switch (raw.op) {
      case 'add': doc = addAt(doc, raw.path, structuredClone(raw.value)); break;
      case 'remove': doc = removeAt(doc, raw.path); break;
      case 'replace':
        getAt(doc, raw.path);
        doc = raw.path === '' ? structuredClone(raw.value) : addAt(removeAt(doc, raw.path), raw.path, structuredClone(raw.value));
        break;
      case 'move': { const v = getAt(doc, raw.from ?? ''); doc = addAt(removeAt(doc, raw.from ?? ''), raw.path, v); break; }
      case 'copy': doc = addAt(doc, raw.path, structuredClone(getAt(doc, raw.from ?? ''))); break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new KubeStatusError(422, 'Invalid', `json patch: test failed at "${raw.path}"`);
        }
        break;
      default: throw new KubeStatusError(400, 'BadRequest', `json patch: unknown op "${String((raw as { op: unknown }).op)}"`);
    }
  }
  return doc;
}
