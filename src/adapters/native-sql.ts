// Splits a native `sql:` query's text into text parts and `{{var}}` slots (SPEC §7.3) for the SQL dialects we speak
// (ClickHouse, PostgreSQL wire). Must not bind or escape values: slots are bound later through the target's escaper.
//
// Rules, per dialect (a dialect only lists how its text is quoted):
// - a placeholder in plain text becomes a string slot (bound as one complete, escaped literal);
// - `'{{v}}'` becomes the slot itself; `'a{{v}}b'` becomes the dialect's concatenation of 'a', the slot and 'b';
// - placeholders in comments stay text; inside a quoted identifier, a prefixed literal (PostgreSQL E'…', U&'…',
//   B'…', X'…') or a dollar-quoted body they are refused (no literal fits there);
// - PostgreSQL block comments nest, so a value can never be placed where the server still reads a comment.

import type { SqlPart } from './types.js';

export interface NativeSqlDialect {
  /** Characters that quote identifiers (a doubled quote stays inside). */
  identifierQuotes: readonly string[];
  /** A backslash escapes the next character inside quotes (ClickHouse); PostgreSQL's standard strings have none. */
  backslashEscapes: boolean;
  /** `E'…'` / `U&'…'` / `B'…'` / `X'…'` literals exist (PostgreSQL); `E'…'` has backslash escapes. */
  prefixedLiterals: boolean;
  /** `$tag$…$tag$` literals exist (PostgreSQL). */
  dollarQuotes: boolean;
  /** Block comments nest (PostgreSQL). */
  nestedComments: boolean;
  /** One string expression from pieces (each a literal or a slot), e.g. concat(a, b) or (a || b). */
  concat(pieces: SqlPart[][]): SqlPart[];
}

const joined = (pieces: SqlPart[][], sep: string): SqlPart[] =>
  pieces.flatMap((p, i) => (i === 0 ? p : [{ text: sep }, ...p]));

export const CLICKHOUSE_NATIVE_SQL: NativeSqlDialect = {
  identifierQuotes: ['`', '"'],
  backslashEscapes: true,
  prefixedLiterals: false,
  dollarQuotes: false,
  nestedComments: false,
  concat: (pieces) => [{ text: 'concat(' }, ...joined(pieces, ', '), { text: ')' }],
};

/** PostgreSQL with standard_conforming_strings on (the default since 9.1): `'` doubled, backslash a plain character. */
export const POSTGRES_NATIVE_SQL: NativeSqlDialect = {
  identifierQuotes: ['"'],
  backslashEscapes: false,
  prefixedLiterals: true,
  dollarQuotes: true,
  nestedComments: true,
  concat: (pieces) => [{ text: '(' }, ...joined(pieces, ' || '), { text: ')' }],
};

/** `{{ name }}` as check-queries finds them in native text; a fresh RegExp per use, since these keep state. */
const placeholder = (flags: 'g' | 'y') => new RegExp(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/.source, flags);

/**
 * The parts of native SQL `sql` (adjacent text merged). `refuse` is called with what is wrong (e.g. "has a
 * {{variable}} inside …") for a placeholder no literal can replace; it must throw.
 */
export function nativeSqlParts(sql: string, dialect: NativeSqlDialect, refuse: (what: string) => never): SqlPart[] {
  const out: SqlPart[] = [];
  let i = 0;
  let plain = 0; // start of text not yet emitted
  const flushTo = (end: number) => {
    if (end > plain) out.push({ text: sql.slice(plain, end) });
    plain = end;
  };
  const refuseInside = (start: number, end: number, what: string) => {
    if (placeholder('g').test(sql.slice(start, end))) {
      refuse(`has a {{variable}} inside the ${what} ${sql.slice(start, end)}; expected variables where values go`);
    }
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
    } else if (c === '/' && sql[i + 1] === '*') {
      i = commentEnd(sql, i, dialect.nestedComments);
    } else if (dialect.identifierQuotes.includes(c)) {
      const end = quotedEnd(sql, i, c, dialect.backslashEscapes);
      refuseInside(i, end, 'quoted identifier');
      i = end;
    } else if (c === "'") {
      const prefix = dialect.prefixedLiterals ? literalPrefix(sql, i) : '';
      const end = quotedEnd(sql, i, "'", dialect.backslashEscapes || /^e$/i.test(prefix));
      if (prefix !== '') {
        refuseInside(i - prefix.length, end, 'prefixed literal');
      } else {
        const literal = literalParts(sql.slice(i + 1, end - 1), dialect, refuse);
        if (literal !== null) {
          flushTo(i);
          out.push(...literal);
          plain = end;
        }
      }
      i = end;
    } else if (c === '$' && dialect.dollarQuotes && dollarTagAt(sql, i) !== null) {
      const tag = dollarTagAt(sql, i)!;
      const close = sql.indexOf(tag, i + tag.length);
      const end = close < 0 ? sql.length : close + tag.length;
      refuseInside(i, end, 'dollar-quoted literal');
      i = end;
    } else if (c === '{' && sql[i + 1] === '{') {
      const at = placeholder('y');
      at.lastIndex = i;
      const m = at.exec(sql);
      if (m) {
        flushTo(i);
        out.push({ variable: m[1]!, as: 'string' });
        i += m[0].length;
        plain = i;
      } else i += 2;
    } else i += 1;
  }
  flushTo(sql.length);
  return mergeText(out);
}

/** The variables of compiled parts, in order of first use. */
export function sqlVariables(parts: readonly SqlPart[]): string[] {
  const out: string[] = [];
  for (const p of parts) if ('variable' in p && !out.includes(p.variable)) out.push(p.variable);
  return out;
}

function mergeText(parts: SqlPart[]): SqlPart[] {
  const out: SqlPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if ('text' in p && last && 'text' in last) out[out.length - 1] = { text: last.text + p.text };
    else if (!('text' in p) || p.text !== '') out.push(p);
  }
  return out;
}

/** Index just after the block comment starting at `start` (nested ones counted when `nested`). */
function commentEnd(sql: string, start: number, nested: boolean): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*' && (nested || depth === 0)) {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}

/** Index just after the quoted text starting at `start` (doubled quotes; backslash escapes when `backslash`). */
function quotedEnd(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\\' && backslash) i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}

/** The prefix of a PostgreSQL literal whose quote is at `quoteAt` (`E`, `U&`, `B`, `X`, any case), or ''. */
function literalPrefix(sql: string, quoteAt: number): string {
  const m = /(?:^|[^A-Za-z0-9_$])([EeBbXx]|[Uu]&)$/.exec(sql.slice(Math.max(0, quoteAt - 3), quoteAt));
  return m ? m[1]! : '';
}

/** The opening `$tag$` of a dollar-quoted literal at `at`, or null (`$1`, or `$` inside an identifier). */
function dollarTagAt(sql: string, at: number): string | null {
  if (at > 0 && /[A-Za-z0-9_$]/.test(sql[at - 1]!)) return null;
  const m = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(at, at + 65));
  return m ? m[0] : null;
}

/** The parts replacing a string literal (inner text, still escaped) that holds placeholders; null when it holds none. */
function literalParts(inner: string, dialect: NativeSqlDialect, refuse: (what: string) => never): SqlPart[] | null {
  const pieces: SqlPart[][] = [];
  let from = 0;
  for (const m of inner.matchAll(placeholder('g'))) {
    const before = inner.slice(from, m.index);
    if (dialect.backslashEscapes && /(^|[^\\])(\\\\)*\\$/.test(before)) {
      refuse(`has a backslash right before {{${m[1]}}} in a string literal; expected the variable outside an escape`);
    }
    if (before !== '') pieces.push([{ text: `'${before}'` }]);
    pieces.push([{ variable: m[1]!, as: 'string' }]);
    from = m.index + m[0].length;
  }
  if (pieces.length === 0) return null;
  if (from < inner.length) pieces.push([{ text: `'${inner.slice(from)}'` }]);
  return pieces.length === 1 ? pieces[0]! : dialect.concat(pieces);
}
