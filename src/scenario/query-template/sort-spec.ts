// The `sort: "field:asc|desc"` key of a template query (SPEC §7.1): parsing and schema checks.
// Must not compile the sort for a target.

import type { TemplateField } from './check-template.js';
import { didYouMean } from '../suggest.js';

export interface SortSpec {
  field: string;
  order: 'asc' | 'desc';
}

const ORDERS = ['asc', 'desc'] as const;

/** `"@timestamp:desc"` → field and order; the last ":" separates them, the order is case-insensitive and
 * defaults to asc when absent. */
export function parseSortSpec(text: string): { ok: true; sort: SortSpec } | { ok: false; message: string } {
  const spec = text.trim();
  const i = spec.lastIndexOf(':');
  const field = (i < 0 ? spec : spec.slice(0, i)).trim();
  const orderText = i < 0 ? 'asc' : spec.slice(i + 1).trim();
  const order = ORDERS.find((o) => o === orderText.toLowerCase());
  if (field === '') {
    return { ok: false, message: `sort ${JSON.stringify(text)} names no field; expected "field:asc" or "field:desc"` };
  }
  if (order === undefined) {
    return { ok: false, message: `sort order ${JSON.stringify(orderText)} is not allowed${didYouMean(orderText, ORDERS)}; `
      + `expected "asc" or "desc", e.g. ${JSON.stringify(`${field}:desc`)}` };
  }
  return { ok: true, sort: { field, order } };
}

/** Problems of a sort spec against the schema: syntax, unknown field, a text field (not sortable). */
export function checkSort(text: string, fields: readonly TemplateField[]): string[] {
  const r = parseSortSpec(text);
  if (!r.ok) return [r.message];
  const f = fields.find((x) => x.name === r.sort.field);
  if (!f) {
    return [`unknown sort field ${JSON.stringify(r.sort.field)}${didYouMean(r.sort.field, fields.map((x) => x.name))}; `
      + 'expected a field of the schema'];
  }
  if (f.type === 'text') {
    return [`cannot sort on text field ${JSON.stringify(f.name)}; expected a keyword, number, timestamp, ip or boolean field`];
  }
  return [];
}
