// JSON pointers (as ajv reports them) turned into document paths, and the value at a path. Shared by the scenario
// checks and the run.json validator. Must not format messages.

import type { PathSegment } from './problems.js';

/** Turns a JSON pointer into path segments; numbers where the document has an array. */
export function pointerToPath(root: unknown, pointer: string): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      out.push(i);
      node = node[i];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/** The value at `path` in `root`, or undefined. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node: unknown = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}
