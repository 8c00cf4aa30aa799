// The native text of a compiled query for people (`query --explain`, dry runs): SQL with `{{var}}` where a value
// will be bound, or the DSL body as indented JSON with markers shown as `{{var}}`. Must not bind values.

import { DSL_TEXT_KEY, DSL_VAR_KEY } from './bind.js';
import type { CompiledQuery } from './types.js';

export function explainCompiled(q: CompiledQuery): string {
  const c = q.compiled;
  if (c.language === 'sql') return c.parts.map((p) => ('text' in p ? p.text : `{{${p.variable}}}`)).join('');
  const show = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(show);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o[DSL_VAR_KEY] === 'string') return `{{${o[DSL_VAR_KEY] as string}}}`;
      if (Array.isArray(o[DSL_TEXT_KEY])) return (o[DSL_TEXT_KEY] as unknown[]).map((x) => (typeof x === 'string' ? x : show(x))).join('');
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, show(x)]));
    }
    return v;
  };
  return `POST /${c.index}/_search\n${JSON.stringify(show(c.body), null, 2)}`;
}
