// Checks a document against the published run.json JSON Schema (docs/run-json.schema.json, SPEC §13) and turns
// ajv's errors into one-line problems with the JSON path. Must not hold a second copy of the schema or fix documents.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { show, type PathSegment } from '../scenario/problems.js';
import { closestName, didYouMean } from '../scenario/suggest.js';
import { pointerToPath, valueAt } from '../scenario/json-pointer.js';

/** Where the schema lives: `docs/` at the package root (dist/src/report → ../../../docs; "files" ships docs). */
export const RUN_JSON_SCHEMA_URL = new URL('../../../docs/run-json.schema.json', import.meta.url);

type JsonObject = Record<string, unknown>;

/** RFC 3339 date-time, as JSON Schema's `date-time` format means it (ajv-formats is not a dependency). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function isDateTime(s: string): boolean {
  return DATE_TIME.test(s) && !Number.isNaN(Date.parse(s));
}

let loaded: { schema: JsonObject; validate: ValidateFunction } | null = null;

function load(): { schema: JsonObject; validate: ValidateFunction } {
  if (loaded === null) {
    const schema = JSON.parse(readFileSync(RUN_JSON_SCHEMA_URL, 'utf8')) as JsonObject;
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, formats: { 'date-time': isDateTime } });
    loaded = { schema, validate: ajv.compile(schema) };
  }
  return loaded;
}

/** The parsed schema document (read once from docs/). */
export function runJsonSchema(): Readonly<JsonObject> {
  return load().schema;
}

/**
 * Problems of `doc` as a run.json of schema_version 1, one line each, starting with the JSON path
 * (`$.run.valid: expected true or false, got "yes"`); empty when the document is valid. Never throws for a bad
 * document (only when the schema file itself is missing or broken).
 */
export function validateRunJson(doc: unknown): string[] {
  const { schema, validate } = load();
  if (validate(doc)) return [];
  const errors = validate.errors ?? [];
  // A node with the wrong type also fails its other keywords (const, enum, minimum…): the type error says it all.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // A misspelt key yields "unknown key" and "missing <right key>": report it once, with the suggestion.
  const suggested = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const hint = closestName(String(e.params.additionalProperty), propertyNames(e.parentSchema));
    if (hint !== null) suggested.add(`${e.instancePath}\u0000${hint}`);
  }
  const out = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'required' && suggested.has(`${e.instancePath}\u0000${String(e.params.missingProperty)}`)) continue;
    if (e.keyword !== 'type' && typeErrorAt.has(e.instancePath)) continue;
    const path = pointerToPath(doc, e.instancePath);
    out.add(problem(e, path, valueAt(doc, path), schema));
  }
  return [...out];
}

function problem(e: ErrorObject, path: PathSegment[], value: unknown, root: JsonObject): string {
  const p = e.params as JsonObject;
  switch (e.keyword) {
    case 'required': {
      const key = String(p.missingProperty);
      const want = expectedOf(propertySchema(e.parentSchema, key), root);
      return `${jsonPath([...path, key])}: required key is missing${want ? `; expected ${want}` : ''}`;
    }
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const hint = didYouMean(key, propertyNames(e.parentSchema));
      return `${jsonPath([...path, key])}: unknown key${hint}; expected only ${listOf(propertyNames(e.parentSchema))}`;
    }
    case 'type':
      return `${jsonPath(path)}: expected ${typeText(p.type)}, got ${describe(value)}`;
    case 'const':
      if (path.length === 1 && path[0] === 'schema_version') {
        return `${jsonPath(path)}: schema_version ${show(value)} is not supported; this version of IncidentBench reads schema_version ${show(p.allowedValue)}`;
      }
      return `${jsonPath(path)}: expected ${show(p.allowedValue)}, got ${describe(value)}`;
    case 'enum': {
      const allowed = p.allowedValues as unknown[];
      const hint = typeof value === 'string' ? didYouMean(value, allowed.filter((a): a is string => typeof a === 'string')) : '';
      return `${jsonPath(path)}: ${show(value)} is not allowed${hint}; expected ${allowed.length === 1 ? show(allowed[0]) : `one of ${allowed.map(show).join(', ')}`}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      return `${jsonPath(path)}: must be ${op} ${String(p.limit)}, got ${show(value)}`;
    }
    case 'minItems':
    case 'maxItems': {
      const n = Array.isArray(value) ? value.length : 0;
      const bound = e.keyword === 'minItems' ? 'at least' : 'at most';
      return `${jsonPath(path)}: expected ${bound} ${String(p.limit)} item${p.limit === 1 ? '' : 's'}, got ${n}`;
    }
    case 'uniqueItems': {
      const [first, second] = [Number(p.i), Number(p.j)].sort((x, y) => x - y);
      return `${jsonPath(path)}: items ${first} and ${second} are the same (${show((value as unknown[])[first!])}); expected each value once`;
    }
    case 'format':
      return `${jsonPath(path)}: ${show(value)} is not an ISO-8601 date-time; expected e.g. "2026-11-27T10:00:00.000Z"`;
    case 'pattern':
      return `${jsonPath(path)}: ${show(value)} does not match ${String(p.pattern)}`;
    default:
      return `${jsonPath(path)}: ${e.message ?? `fails ${e.keyword}`}`;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `$`, `$.run.valid`, `$.phases[3].query.p99_ms`; other keys quoted: `$.derived["query.p99_ratio"]`, `$.workers["ingest-0"]`. */
function jsonPath(path: readonly PathSegment[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += IDENTIFIER.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function typeText(t: unknown): string {
  const names = Array.isArray(t) ? t.map(String) : String(t).split(',');
  return names.map((n) => {
    switch (n) {
      case 'integer': return 'a whole number';
      case 'number': return 'a number';
      case 'string': return 'a string';
      case 'boolean': return 'true or false';
      case 'object': return 'an object';
      case 'array': return 'an array';
      default: return n;
    }
  }).join(' or ');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}…` : JSON.stringify(value);
  return show(value);
}

function listOf(names: string[]): string {
  return names.length === 0 ? 'no keys' : names.map((n) => JSON.stringify(n)).join(', ');
}

function propertyNames(schema: unknown): string[] {
  const props = (schema as JsonObject | undefined)?.properties;
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

function propertySchema(schema: unknown, key: string): unknown {
  const props = (schema as JsonObject | undefined)?.properties as JsonObject | undefined;
  return props?.[key];
}

/** "an object", "a number or null", "1"… for a property schema, following a local `$ref`. */
function expectedOf(sub: unknown, root: JsonObject): string {
  if (sub === null || typeof sub !== 'object') return '';
  const s = sub as JsonObject;
  if ('const' in s) return show(s.const);
  if (s.type !== undefined) return typeText(s.type);
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#/definitions/')) {
    const defs = root.definitions as JsonObject | undefined;
    return expectedOf(defs?.[s.$ref.slice('#/definitions/'.length)], root);
  }
  return '';
}

