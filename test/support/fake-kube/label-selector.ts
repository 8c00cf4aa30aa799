// Parses and applies Kubernetes label selectors (`a=b,c==d,e!=f,g,!h,i in (x,y),j notin (z)`) and the
// `metadata.name` / `metadata.namespace` field selectors. Pure; must not know about HTTP or storage.

import { KubeStatusError } from './status-errors.js';
import type { KubeObject } from './types.js';

type Requirement =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'absent'; key: string };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function parseTerm(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) return { op: set[2] as 'in' | 'notin', key: set[1]!, values: set[3]!.split(',').map((v) => v.trim()) };
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (cmp) return { op: cmp[2] === '!=' ? 'ne' : 'eq', key: cmp[1]!, value: cmp[3]! };
  const absent = /^!\s*([^=!\s]+)$/.exec(term);
  if (absent) return { op: 'absent', key: absent[1]! };
  if (/^[^=!\s()]+$/.test(term)) return { op: 'exists', key: term };
  throw new KubeStatusError(400, 'BadRequest', `unable to parse requirement: "${term}"`);
}

function holds(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const v = labels[req.key];
  switch (req.op) {
    case 'eq': return has && v === req.value;
    case 'ne': return !has || v !== req.value;
    case 'in': return has && req.values.includes(v!);
    case 'notin': return !has || !req.values.includes(v!);
    case 'exists': return has;
    case 'absent': return !has;
  }
}

/** A predicate over labels; an empty or missing selector matches everything. Bad syntax throws a 400 Status. */
export function parseLabelSelector(text: string | null | undefined): Selector {
  const reqs = splitTerms(text ?? '').map(parseTerm);
  return (labels) => reqs.every((r) => holds(r, labels ?? {}));
}

/** A predicate over objects for `metadata.name=` / `metadata.namespace=` (and `!=`) field selectors. */
export function parseFieldSelector(text: string | null | undefined): (obj: KubeObject) => boolean {
  const reqs = splitTerms(text ?? '').map(parseTerm);
  for (const r of reqs) {
    if ((r.op !== 'eq' && r.op !== 'ne') || (r.key !== 'metadata.name' && r.key !== 'metadata.namespace')) {
      throw new KubeStatusError(400, 'BadRequest', `field label not supported by the fake API server: "${r.key}"`);
    }
  }
  return (obj) => reqs.every((r) => {
    if (r.op !== 'eq' && r.op !== 'ne') return false;
    const actual = r.key === 'metadata.name' ? obj.metadata.name : obj.metadata.namespace;
    return r.op === 'eq' ? actual === r.value : actual !== r.value;
  });
}
