// Which field of a stream carries its freshness sentinel ids (SPEC §5.3, §20): `freshness.id_field` when given,
// else `trace_id`, else the stream's first keyword field with a hex generator, else none (the stream then has no
// sentinels). Each stream decides with its own fields. Must not read plans, files or settings.

import type { FieldDef } from './schema.js';

/** `trace_id`, else the first keyword field with a hex generator, else null. */
export function defaultSentinelField(fields: readonly FieldDef[]): string | null {
  if (fields.some((f) => f.name === 'trace_id')) return 'trace_id';
  return fields.find((f) => f.type === 'keyword' && f.generator === 'hex')?.name ?? null;
}

/** `preferred` when the stream has that field, else the stream's default. */
export function sentinelFieldOf(fields: readonly FieldDef[], preferred: string | null): string | null {
  if (preferred !== null && fields.some((f) => f.name === preferred)) return preferred;
  return defaultSentinelField(fields);
}
