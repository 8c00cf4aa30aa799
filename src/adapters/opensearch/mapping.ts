// Index mappings from a stream's schema (SPEC §8.3 items 2–3): field types, and dotted names nested as plain
// objects under `properties`. Shared by OpenSearch, Elasticsearch and Mach5. Must not do HTTP.

import { TargetError } from '../../core/errors.js';
import type { FieldDef, FieldType } from '../../scenario/schema.js';

export const DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

export type FieldMapping = { type: string; format?: string };
export interface ObjectMapping {
  properties: Record<string, PropertyMapping>;
}
export type PropertyMapping = FieldMapping | ObjectMapping;

const TYPES: Record<FieldType, string> = {
  timestamp: 'date',
  keyword: 'keyword',
  text: 'text',
  int: 'integer',
  long: 'long',
  float: 'float',
  ip: 'ip',
  boolean: 'boolean',
};

export function fieldMapping(type: FieldType): FieldMapping {
  return type === 'timestamp' ? { type: TYPES.timestamp, format: DATE_FORMAT } : { type: TYPES[type] };
}

/** Pairs of names where one is a leaf and a prefix of the other (`a` and `a.b`): unmappable. */
export function leafPrefixConflicts(names: readonly string[]): [leaf: string, longer: string][] {
  const set = new Set(names);
  const out: [string, string][] = [];
  for (const name of names) {
    for (let dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
      const prefix = name.slice(0, dot);
      if (set.has(prefix)) out.push([prefix, name]);
    }
  }
  return out;
}

/**
 * The `properties` of an index mapping for `fields`. The schema loader already rejects a name that is both a leaf
 * and a prefix; this throws a TargetError for such a schema rather than silently dropping one of the two.
 */
export function mappingProperties(fields: readonly FieldDef[]): Record<string, PropertyMapping> {
  const conflicts = leafPrefixConflicts(fields.map((f) => f.name));
  if (conflicts.length > 0) {
    const [leaf, longer] = conflicts[0]!;
    throw new TargetError('bad_schema', `field ${JSON.stringify(leaf)} is both a value and the prefix of `
      + `${JSON.stringify(longer)}; expected each dotted prefix to be an object only`);
  }
  const root: Record<string, PropertyMapping> = {};
  for (const f of fields) {
    const parts = f.name.split('.');
    let level = root;
    for (const part of parts.slice(0, -1)) {
      const next = (level[part] ??= { properties: {} }) as ObjectMapping;
      level = next.properties;
    }
    level[parts[parts.length - 1]!] = fieldMapping(f.type);
  }
  return root;
}
