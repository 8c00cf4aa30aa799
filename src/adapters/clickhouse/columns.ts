// The columns of a stream on ClickHouse (SPEC §8.2): field types mapped to ClickHouse types, Nullable exactly where
// the generator can emit null, and what the materialized view selects. Must not build statements (ddl.ts does).
//
// A timestamp field is a DateTime column of the same name plus `<name>_ms` (UInt64). The Kafka table reads the ISO
// text; the view parses it with parseDateTimeBestEffort. `<name>_ms` holds whole seconds × 1000 (no millisecond
// part), measured on 18.16: the view must name its DateTime output after the field, and that alias hides the raw
// text from every other expression of the SELECT; 18.16 views allow no subquery (`Unknown identifier`, `There is no
// query`), a view into a Null table does not cascade, the target's DEFAULT/MATERIALIZED columns are not filled
// ("Expected column"), types are not converted ("Type mismatch"), and an ALIAS DateTime column loses the
// primary-key pruning of time-range filters.

import type { ArithExpr } from '../../scenario/arith-expression.js';
import { readFields, type FieldSpec, type GenSpec } from '../../scenario/check-fields.js';
import type { ProblemSink } from '../../scenario/problems.js';
import type { FieldDef, FieldType } from '../../scenario/schema.js';
import type { StreamContext } from '../types.js';
import { quoteIdent, timestampMsColumn } from './compile.js';

export interface ColumnDef {
  name: string;
  /** ClickHouse type, e.g. `Nullable(String)`. */
  type: string;
}

export interface StreamColumns {
  /** Columns of the MergeTree table, in schema order; each timestamp field is followed by its `_ms` column. */
  table: ColumnDef[];
  /** Columns of the Kafka table: one per field, as JSONEachRow reads the event. */
  kafka: ColumnDef[];
  /** The materialized view's SELECT items, one per table column, in the same order. */
  select: string[];
}

const BASE_TYPES: Record<FieldType, string> = {
  keyword: 'String',
  text: 'String',
  ip: 'String',
  int: 'Int32',
  long: 'Int64',
  float: 'Float64',
  boolean: 'UInt8',
  timestamp: 'DateTime',
};

/** The ClickHouse type of a field's column (the timestamp's DateTime column for `timestamp`). */
export function clickhouseType(type: FieldType, nullable: boolean): string {
  const base = BASE_TYPES[type];
  return nullable ? `Nullable(${base})` : base;
}

const quietSink: ProblemSink = { error: () => {}, warn: () => {} };

/**
 * Names of the fields whose generator can emit null: a `conditional` with `else: null` (the default) or a nullable
 * inner generator, arithmetic `derived` over a nullable field or with a division (x / 0 is null), a copy of a
 * nullable field. A field whose definition does not read (already reported at load time) counts as nullable.
 */
export function nullableFields(fields: FieldDef[]): Set<string> {
  const specs = readFields(fields, ['fields'], quietSink);
  const memo = new Map<number, boolean>();
  const fieldNullable = (i: number): boolean => {
    const known = memo.get(i);
    if (known !== undefined) return known;
    memo.set(i, true); // a cycle cannot happen (fields refer to earlier ones); stay safe if it did
    const f = specs[i];
    const result = f === undefined || f.spec === null ? true : specNullable(f.spec, specs, fieldNullable);
    memo.set(i, result);
    return result;
  };
  const out = new Set<string>();
  specs.forEach((f, i) => {
    if (fieldNullable(i)) out.add(f.name);
  });
  return out;
}

function specNullable(spec: GenSpec, specs: readonly FieldSpec[], fieldNullable: (i: number) => boolean): boolean {
  switch (spec.generator) {
    case 'conditional':
      return spec.otherwise === null || specNullable(spec.inner, specs, fieldNullable);
    case 'derived':
      if (spec.mode === 'copy') return fieldNullable(spec.field);
      return Object.values(spec.fields).some(fieldNullable) || hasDivision(spec.expression);
    default:
      return false;
  }
}

function hasDivision(e: ArithExpr): boolean {
  switch (e.kind) {
    case 'binary':
      return e.op === '/' || hasDivision(e.left) || hasDivision(e.right);
    case 'neg':
      return hasDivision(e.operand);
    default:
      return false;
  }
}

/** The stream's columns: table, Kafka table and view. */
export function streamColumns(stream: Pick<StreamContext, 'fields'>): StreamColumns {
  const nullable = nullableFields(stream.fields);
  const table: ColumnDef[] = [];
  const kafka: ColumnDef[] = [];
  const select: string[] = [];
  for (const f of stream.fields) {
    const isNull = nullable.has(f.name);
    const col = quoteIdent(f.name);
    if (f.type === 'timestamp') {
      kafka.push({ name: f.name, type: clickhouseType('keyword', isNull) });
      table.push({ name: f.name, type: clickhouseType('timestamp', isNull) });
      table.push({ name: timestampMsColumn(f.name), type: isNull ? 'Nullable(UInt64)' : 'UInt64' });
      // The alias hides the raw text from the second item, so it parses the DateTime's text again: correct
      // whichever of the two the name resolves to (servers differ in alias resolution).
      select.push(`parseDateTimeBestEffort(${col}) AS ${col}`);
      select.push(`toUInt64(toUnixTimestamp(parseDateTimeBestEffort(toString(${col})))) * 1000 AS ${quoteIdent(timestampMsColumn(f.name))}`);
    } else {
      const type = clickhouseType(f.type, isNull);
      kafka.push({ name: f.name, type });
      table.push({ name: f.name, type });
      select.push(col);
    }
  }
  return { table, kafka, select };
}
