// Reads a run.json given as a file or a results directory, for `compare` (SPEC §13): checks that it is a run.json of
// a schema version we read and has the sections compare and its HTML use. Must not compute or repair anything.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { SCORECARD_KEYS } from '../scenario/metric-names.js';
import { RUN_JSON_SCHEMA_VERSION, type RunJson } from './run-json-types.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isNumberOrNull = (v: unknown): boolean => v === null || isNumber(v);

/** The fields compare and the comparison HTML read, as dotted paths with the check each must pass. */
const REQUIRED: ReadonlyArray<readonly [path: string, check: (v: unknown) => boolean, expected: string]> = [
  ['scenario', isObject, 'an object'],
  ['scenario.name', isString, 'a string'],
  ['scenario.version', isString, 'a string'],
  ['target', isObject, 'an object'],
  ['harness', isObject, 'an object'],
  ['harness.scaling', isObject, 'an object'],
  ['harness.scaling.rate_scale', isNumber, 'a number'],
  ['harness.scaling.duration_scale', isNumber, 'a number'],
  ['run', isObject, 'an object'],
  ['run.name', isString, 'a string'],
  ['run.valid', isBoolean, 'true or false'],
  ['run.comparable', isBoolean, 'true or false'],
  ['run.validity_violations', Array.isArray, 'a list'],
  ['scorecard', isObject, 'an object'],
  ...SCORECARD_KEYS.map((k) => [`scorecard.${k}`, isNumberOrNull, 'a number or null'] as const),
  ['phases', Array.isArray, 'a list'],
  ['timeseries', isObject, 'an object'],
  ['timeseries.columns', Array.isArray, 'a list'],
  ['timeseries.points', Array.isArray, 'a list'],
];

/**
 * The run.json at `path`, or at `<path>/run.json` when `path` is a results directory. Throws a one-line UsageError
 * naming the file when it is missing, not JSON, not a run.json of schema version 1, or lacks required fields.
 */
export function readRunJson(path: string): RunJson {
  const file = isDirectory(path) ? join(path, 'run.json') : path;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new UsageError(`${file}: cannot read: ${reason}; expected a run.json or a results directory containing one`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message}); expected a run.json written by incidentbench`);
  }
  if (!isObject(doc)) {
    throw new UsageError(`${file}: not a run.json: the document is ${describe(doc)}, expected an object`);
  }
  if (!('schema_version' in doc)) {
    throw new UsageError(`${file}: not a run.json: it has no schema_version; expected schema_version ${RUN_JSON_SCHEMA_VERSION}`);
  }
  if (doc.schema_version !== RUN_JSON_SCHEMA_VERSION) {
    throw new UsageError(`${file}: run.json schema_version ${JSON.stringify(doc.schema_version)} is not supported; `
      + `this incidentbench reads schema_version ${RUN_JSON_SCHEMA_VERSION}`);
  }
  const missing: string[] = [];
  const wrong: string[] = [];
  const reported: string[] = [];
  for (const [dotted, check, expected] of REQUIRED) {
    // A section that is missing or of the wrong type is named once, not again for each of its fields.
    if (reported.some((r) => dotted.startsWith(`${r}.`))) continue;
    const found = lookup(doc, dotted);
    if (found === ABSENT) missing.push(dotted);
    else if (!check(found)) wrong.push(`${dotted} is ${describe(found)}, expected ${expected}`);
    else continue;
    reported.push(dotted);
  }
  if (missing.length > 0 || wrong.length > 0) {
    const parts = [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...wrong];
    throw new UsageError(`${file}: incomplete run.json: ${parts.join('; ')}`);
  }
  return doc as unknown as RunJson;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // reported when the file is read
  }
}

const ABSENT = Symbol('absent');

/** The value at a dotted path; ABSENT when a key is missing or a parent on the way is not an object. */
function lookup(doc: Json, dotted: string): unknown {
  let node: unknown = doc;
  for (const key of dotted.split('.')) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return ABSENT;
    node = node[key];
  }
  return node;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const shown = JSON.stringify(v);
  return shown.length > 40 ? `${shown.slice(0, 37)}…` : shown;
}
