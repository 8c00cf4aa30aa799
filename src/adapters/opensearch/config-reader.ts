// Typed reads of a target config mapping (strings, booleans, whole numbers, URLs, maps), every problem reported
// to a ProblemSink by the key's document path. Must not know any adapter's keys, defaults or meaning.

import type { Problem } from '../../core/errors.js';
import type { Anchor, DocPath, ProblemSink } from '../../scenario/problems.js';
import { formatPath, show } from '../../scenario/problems.js';
import { didYouMean, oneOf } from '../../scenario/suggest.js';

export type ConfigMap = Readonly<Record<string, unknown>>;

export function isMap(v: unknown): v is ConfigMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** How a value is named in "got …": strings quoted, other kinds by their JSON text. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list ${show(v)}`;
  if (isMap(v)) return `a mapping ${show(v)}`;
  return show(v);
}

/** Reads the keys of one mapping; reports unknown keys (with a suggestion) once, at construction. */
export class ConfigReader {
  constructor(
    readonly map: ConfigMap,
    readonly path: DocPath,
    readonly sink: ProblemSink,
    known: readonly string[],
  ) {
    for (const key of Object.keys(map)) {
      if (known.includes(key)) continue;
      const hint = didYouMean(key, known);
      this.sink.error([...path, key], hint ? `unknown key ${show(key)}${hint}`
        : `unknown key ${show(key)}; expected ${oneOf(known)}`, 'key');
    }
  }

  /** A reader for the mapping under `key`; null (reported) when it is not a mapping, null (silent) when absent. */
  static at(parent: ConfigMap, key: string, path: DocPath, sink: ProblemSink, known: readonly string[]): ConfigReader | null {
    const v = parent[key];
    if (v === undefined || v === null) return null;
    if (!isMap(v)) {
      sink.error([...path, key], `expected a mapping of ${oneOf(known)}, got ${describeValue(v)}`);
      return null;
    }
    return new ConfigReader(v, [...path, key], sink, known);
  }

  has(key: string): boolean {
    return this.map[key] !== undefined && this.map[key] !== null;
  }

  keyPath(key: string): DocPath {
    return [...this.path, key];
  }

  error(key: string, message: string): void {
    this.sink.error(this.keyPath(key), message);
  }

  string(key: string, what: string): string | undefined {
    if (!this.has(key)) return undefined;
    const v = this.map[key];
    if (typeof v !== 'string' || v.trim() === '') {
      this.error(key, `expected ${what} (a non-empty string), got ${describeValue(v)}`);
      return undefined;
    }
    return v;
  }

  boolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const v = this.map[key];
    if (typeof v !== 'boolean') {
      this.error(key, `expected true or false, got ${describeValue(v)}`);
      return undefined;
    }
    return v;
  }

  integer(key: string, min: number, what: string): number | undefined {
    if (!this.has(key)) return undefined;
    const v = this.map[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      this.error(key, `expected ${what} (a whole number ≥ ${min}), got ${describeValue(v)}`);
      return undefined;
    }
    return v;
  }

  /** One of `allowed`, compared case-insensitively; the value is returned as written. */
  choice<T extends string>(key: string, allowed: readonly T[]): string | undefined {
    if (!this.has(key)) return undefined;
    const v = this.map[key];
    if (typeof v !== 'string' || !allowed.some((a) => a.toLowerCase() === v.toLowerCase())) {
      const hint = typeof v === 'string' ? didYouMean(v, allowed) : '';
      this.error(key, `expected ${oneOf(allowed)}, got ${describeValue(v)}${hint}`);
      return undefined;
    }
    return v;
  }

  /** A mapping of names to non-empty strings. */
  stringMap(key: string, what: string): Record<string, string> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.map[key];
    if (!isMap(v)) {
      this.error(key, `expected a mapping of ${what}, got ${describeValue(v)}`);
      return undefined;
    }
    const out: Record<string, string> = {};
    let ok = true;
    for (const [k, s] of Object.entries(v)) {
      if (typeof s !== 'string' || s.trim() === '') {
        this.sink.error([...this.path, key, k], `expected ${what} (a non-empty string), got ${describeValue(s)}`);
        ok = false;
      } else {
        out[k] = s;
      }
    }
    return ok ? out : undefined;
  }

  /** A base URL: http(s), parsed by WHATWG URL rules, trailing `/` removed. */
  baseUrl(key: string): string | undefined {
    const raw = this.string(key, 'the base URL, e.g. http://localhost:9200');
    if (raw === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      this.error(key, `${show(raw)} is not a URL; expected the base URL, e.g. http://localhost:9200`);
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.error(key, `${show(raw)} is not an http(s) URL; expected the base URL, e.g. http://localhost:9200`);
      return undefined;
    }
    if (url.search !== '' || url.hash !== '') {
      this.error(key, `${show(raw)} has a query or fragment; expected a base URL without "?" or "#"`);
      return undefined;
    }
    if (url.username !== '' || url.password !== '') {
      this.error(key, `${show(raw)} carries credentials; expected a base URL without user:password@ `
        + '(name the password by password_env or password_file)');
      return undefined;
    }
    return url.href.replace(/\/+$/, '');
  }
}

/** Reads `key` or its alias (not both): the value and the key it came from. */
export function aliasedKey(r: ConfigReader, key: string, alias: string): string | null {
  if (r.has(key) && r.has(alias)) {
    r.error(alias, `both ${show(key)} and its alias ${show(alias)} are given; expected only one of them`);
    return null;
  }
  if (r.has(alias)) return alias;
  return key;
}

/** A sink that keeps problems of a target config file (positions unknown: line 0), for a ConfigError. */
export class ConfigProblems implements ProblemSink {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  constructor(readonly file: string) {}
  error(path: DocPath, message: string, _anchor?: Anchor): void {
    this.errors.push(this.problem(path, message));
  }
  warn(path: DocPath, message: string, _anchor?: Anchor): void {
    this.warnings.push(this.problem(path, message));
  }
  private problem(path: DocPath, message: string): Problem {
    return { file: this.file, line: 0, col: 0, path: formatPath(path), message };
  }
}
