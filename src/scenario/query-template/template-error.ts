// Where a template problem is and how it reads: `filter: column 7: expected a value after ":"`.
// Must not decide what is a problem (the parsers and the checker do).

import type { SourcePos, TemplatePart } from './ast.js';

/** One syntax error of a template: the part, the position inside it (null for whole-line problems), the line. */
export interface TemplateParseError {
  part: TemplatePart;
  pos: SourcePos | null;
  /** The full one-line message, prefixed with the part and position. */
  message: string;
}

/** `filter: column 7: ` / `column 7: ` / `line 2, column 3: ` — the prefix of a located message. */
export function locate(part: TemplatePart, pos: SourcePos | null): string {
  const label = part === 'filter' || part === 'aggregate' ? `${part}: ` : '';
  if (pos === null) return label;
  return pos.line === 1 ? `${label}column ${pos.column}: ` : `${label}line ${pos.line}, column ${pos.column}: `;
}

/**
 * Thrown inside one part's recursive-descent parser to stop at its first syntax error; always caught by
 * the part's entry function and turned into a TemplateParseError value, never seen by callers.
 */
export class TemplateSyntaxFailure extends Error {
  readonly pos: SourcePos;
  readonly reason: string;
  constructor(pos: SourcePos, reason: string) {
    super(reason);
    this.pos = pos;
    this.reason = reason;
  }
}

/** How a token or character is named in "found …" clauses. */
export function describeText(text: string | null): string {
  return text === null ? 'the end' : JSON.stringify(text);
}
