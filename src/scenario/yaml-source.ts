// A YAML document with positions kept: parses text, converts it to plain data, and maps a document
// path back to file:line:col. Must not validate anything beyond YAML syntax.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { Problem } from '../core/errors.js';
import type { Anchor, DocPath } from './problems.js';

export interface Position {
  line: number;
  col: number;
}

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly data: unknown,
    private readonly root: Node | null,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; YAML syntax problems come back located, with `source` null when unusable. */
  static parse(text: string, file: string): { source: YamlSource | null; problems: Problem[] } {
    if (text.trim() === '') {
      return { source: null, problems: [{ file, line: 0, col: 0, path: '', message: 'file is empty' }] };
    }
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const problems: Problem[] = [];
    const list = Array.isArray(docs) ? docs : [];
    if (!Array.isArray(docs)) {
      return { source: null, problems: [{ file, line: 0, col: 0, path: '', message: 'file is empty' }] };
    }
    if (list.length > 1) {
      const second = list[1]!;
      const pos = lines.linePos(second.range[0]);
      problems.push({ file, line: pos.line, col: pos.col, path: '',
        message: `expected one YAML document, found ${list.length} (remove the extra "---")` });
    }
    const doc = list[0]!;
    for (const err of doc.errors) {
      const pos = lines.linePos(err.pos[0]);
      problems.push({ file, line: pos.line, col: pos.col, path: '', message: `YAML: ${firstLine(err.message)}` });
    }
    if (problems.length > 0) return { source: null, problems };
    const data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (data === null || data === undefined) {
      return { source: null, problems: [{ file, line: 0, col: 0, path: '', message: 'file is empty' }] };
    }
    return { source: new YamlSource(file, data, (doc.contents as Node | null) ?? null, lines), problems };
  }

  /** The position of the node at `path` (its key with anchor 'key'); the deepest existing node otherwise. */
  positionOf(path: DocPath, anchor: Anchor = 'value'): Position {
    let node: Node | null = this.root;
    let best: Position = this.rangeStart(node) ?? { line: 1, col: 1 };
    for (let i = 0; i < path.length && node; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (last && anchor === 'key') return this.at(keyNode) ?? best;
        const value = pair.value as Node | null;
        if (!value) return this.at(keyNode) ?? best;
        node = value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        node = item;
      } else {
        break;
      }
      best = this.rangeStart(node) ?? best;
    }
    return best;
  }

  /** The column where a scalar's text starts, and whether it is a block scalar (| or >). */
  scalarStyleAt(path: DocPath): { quoted: boolean; block: boolean } {
    let node: Node | null = this.root;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        node = (pair?.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof seg === 'number') node = (node.items[seg] as Node | undefined) ?? null;
      else return { quoted: false, block: false };
    }
    if (!isScalar(node)) return { quoted: false, block: false };
    const t = node.type;
    return { quoted: t === 'QUOTE_DOUBLE' || t === 'QUOTE_SINGLE', block: t === 'BLOCK_LITERAL' || t === 'BLOCK_FOLDED' };
  }

  private at(node: Node): Position | null {
    return this.rangeStart(node);
  }

  private rangeStart(node: Node | null): Position | null {
    if (!node || !node.range) return null;
    const p = this.lines.linePos(node.range[0]);
    return { line: p.line, col: p.col };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
