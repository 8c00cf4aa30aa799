// Semantic checks of queries (SPEC §3.4, §7.1–7.3, §7.5): templates parse and name real fields,
// native queries carry their text, weights and categories are consistent, overrides name queries.
// Must not compile queries for a target.

import { accessSync, constants } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { DocPath, ProblemSink } from './problems.js';
import { show } from './problems.js';
import { analyseTemplate, checkSort } from './query-template/index.js';
import type { QueryDef, ScenarioDoc } from './schema.js';
import type { StreamView } from './stream-forms.js';
import { didYouMean, oneOf } from './suggest.js';

const WEIGHT_TOLERANCE = 1e-6;

export function checkQueries(doc: ScenarioDoc, streams: StreamView[], sink: ProblemSink,
  ctx: { baseDir: string }): void {
  const mix = doc.query_mix?.queries ?? [];
  const mixPath: DocPath = ['query_mix', 'queries'];
  checkUniqueNames(mix.map((q, i) => ({ name: q.name, path: [...mixPath, i, 'name'] })), sink);
  mix.forEach((q, i) => checkQuery(q, [...mixPath, i], doc, streams, sink, ctx));
  checkWeights(mix, mixPath, sink);

  const withCategory = mix.filter((q) => q.category !== undefined).length;
  if (withCategory > 0 && withCategory < mix.length) {
    const i = mix.findIndex((q) => q.category === undefined);
    sink.error([...mixPath, i], `missing key "category": when any query has a category every query must `
      + `(session mode); ${withCategory} of ${mix.length} have one`);
  }

  const names = mix.map((q) => q.name);
  doc.timeline.phases.forEach((p, i) => {
    if (p.query?.mix_override) checkOverride(p.query.mix_override, ['timeline', 'phases', i, 'query', 'mix_override'], names, sink);
  });

  const groups = doc.query_groups ?? [];
  checkUniqueNames(groups.map((g, i) => ({ name: g.name, path: ['query_groups', i, 'name'] })), sink);
  if (groups.length > 0) {
    const sum = groups.reduce((a, g) => a + g.weight, 0);
    if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
      sink.error(['query_groups'], `group weights sum to ${round(sum)}; expected 1 (±${WEIGHT_TOLERANCE})`);
    }
  }
  groups.forEach((g, i) => {
    if (g.mix_override) checkOverride(g.mix_override, ['query_groups', i, 'mix_override'], names, sink);
  });

  const session = doc.query_session;
  if (session) {
    const all: { name: string; path: DocPath }[] = [];
    checkUniqueNames(session.categories.map((c, i) => ({ name: c.name, path: ['query_session', 'categories', i, 'name'] })), sink);
    session.categories.forEach((c, ci) => {
      c.queries.forEach((q, qi) => {
        const path: DocPath = ['query_session', 'categories', ci, 'queries', qi];
        all.push({ name: q.name, path: [...path, 'name'] });
        checkQuery(q, path, doc, streams, sink, ctx);
      });
    });
    checkUniqueNames(all, sink);
  }
}

function round(x: number): string {
  return String(Number(x.toPrecision(10)));
}

function checkUniqueNames(items: { name: string; path: DocPath }[], sink: ProblemSink): void {
  const seen = new Map<string, DocPath>();
  for (const it of items) {
    if (seen.has(it.name)) {
      sink.error(it.path, `duplicate name ${show(it.name)}; expected unique names`);
    } else seen.set(it.name, it.path);
  }
}

function checkWeights(mix: QueryDef[], path: DocPath, sink: ProblemSink): void {
  const weighted = mix.filter((q) => q.weight !== undefined);
  if (weighted.length === 0) return;
  if (weighted.length < mix.length) {
    const i = mix.findIndex((q) => q.weight === undefined);
    sink.error([...path, i], `missing key "weight": when any query of the mix has a weight every query must `
      + `(${weighted.length} of ${mix.length} have one)`);
    return;
  }
  const sum = mix.reduce((a, q) => a + (q.weight ?? 0), 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
    sink.error(path, `query weights sum to ${round(sum)}; expected 1 (±${WEIGHT_TOLERANCE})`);
  }
}

function checkOverride(override: Record<string, number>, path: DocPath, names: string[], sink: ProblemSink): void {
  for (const key of Object.keys(override)) {
    if (!names.includes(key)) {
      sink.error([...path, key], `unknown query ${show(key)}${didYouMean(key, names)}; expected a query of query_mix: `
        + names.join(', '), 'key');
    }
  }
  const sum = Object.values(override).reduce((a, w) => a + w, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) sink.error(path, `weights sum to ${round(sum)}; expected 1 (±${WEIGHT_TOLERANCE})`);
}

function checkQuery(q: QueryDef, path: DocPath, doc: ScenarioDoc, streams: StreamView[], sink: ProblemSink,
  ctx: { baseDir: string }): void {
  const native = q.type === 'sql' || q.type === 'dsl';
  const indexes = streams.map((s) => s.schema.index_name);
  const index = q.index ? q.index : null;
  let stream: StreamView | null = null;
  if (index !== null) {
    stream = streams.find((s) => s.schema.index_name === index) ?? null;
    if (!stream && !(native && streams.length === 0)) {
      sink.error([...path, 'index'], streams.length === 0
        ? `${show(index)} names no stream: this scenario has none`
        : `${show(index)} names no stream${didYouMean(index, indexes)}; expected ${oneOf(indexes)}`);
    }
  } else if (!native) {
    if (streams.length === 1) stream = streams[0]!;
    else if (streams.length > 1) {
      sink.error(path, `missing key "index": this scenario has several streams; expected the index queried, ${oneOf(indexes)}`);
    } else {
      sink.error([...path, 'type'], `a ${q.type} query needs a data stream to check its template against; a `
        + 'query-only scenario needs native queries (type: sql or dsl)');
    }
  }

  if (native) {
    if (q.template !== undefined && q.template.trim() !== '') {
      sink.error([...path, 'template'], `a native ${q.type} query is sent as written; expected template to be `
        + `empty or absent, with the query under ${q.type}:`);
    }
    if (q.type === 'sql') {
      if (q.dsl !== undefined) sink.error([...path, 'dsl'], 'dsl: belongs to type: dsl queries; expected sql: or sql_file:', 'key');
      if (q.sql !== undefined && q.sql_file !== undefined) {
        sink.error([...path, 'sql_file'], 'sql and sql_file exclude each other; expected one of them', 'key');
      } else if (q.sql === undefined && q.sql_file === undefined) {
        sink.error(path, 'missing key "sql" (or "sql_file"): a type: sql query needs its SQL text');
      } else if (q.sql !== undefined && q.sql.trim() === '') {
        sink.error([...path, 'sql'], 'must not be empty');
      } else if (q.sql_file !== undefined) {
        const file = resolvePath(ctx.baseDir, q.sql_file);
        try {
          accessSync(file, constants.R_OK);
        } catch {
          sink.error([...path, 'sql_file'], `cannot read ${show(file)}; expected a file relative to the scenario file`);
        }
      }
    } else {
      if (q.dsl === undefined) sink.error(path, 'missing key "dsl": a type: dsl query needs its query body');
      for (const k of ['sql', 'sql_file'] as const) {
        if (q[k] !== undefined) sink.error([...path, k], `${k}: belongs to type: sql queries; expected dsl:`, 'key');
      }
    }
    for (const k of ['sort', 'limit', 'time_range'] as const) {
      if (q[k] !== undefined) sink.error([...path, k], `${k}: applies to template queries; a native query says it in its own text`, 'key');
    }
    checkVariables(q, path, null, stream, sink, nativeVariablesOf(q));
    return;
  }

  for (const k of ['sql', 'sql_file', 'dsl'] as const) {
    if (q[k] !== undefined) sink.error([...path, k], `${k}: is for native queries (type: ${k === 'dsl' ? 'dsl' : 'sql'}); `
      + `this query is type: ${q.type}`, 'key');
  }
  if (q.template === undefined || q.template.trim() === '') {
    sink.error(q.template === undefined ? path : [...path, 'template'], q.template === undefined
      ? `missing key "template": a ${q.type} query needs one` : 'must not be empty');
    return;
  }
  if (!stream) return;
  const fields = stream.schema.fields.map((f) => ({ name: f.name, type: f.type }));
  const analysis = analyseTemplate(q.type as 'search' | 'aggregation', q.template, fields);
  for (const message of analysis.problems) sink.error([...path, 'template'], message);
  if (q.sort !== undefined) {
    for (const message of checkSort(q.sort, fields)) sink.error([...path, 'sort'], message);
  }
  if (analysis.variables) checkVariables(q, path, analysis.variables, stream, sink, null);
  void doc;
}

/** `{{name}}` placeholders of a native query's text. */
function nativeVariablesOf(q: QueryDef): string[] {
  const text = q.type === 'sql' ? (q.sql ?? '') : JSON.stringify(q.dsl ?? {});
  return [...text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}

function checkVariables(q: QueryDef, path: DocPath, fromTemplate: { name: string; field: string | null }[] | null,
  stream: StreamView | null, sink: ProblemSink, fromNative: string[] | null): void {
  const defined = q.variables ?? {};
  const used = fromTemplate ?? (fromNative ?? []).map((name) => ({ name, field: null }));
  const where = fromTemplate ? 'template' : q.type;
  for (const u of used) {
    if (!(u.name in defined)) {
      sink.error([...path, fromTemplate ? 'template' : q.type], `{{${u.name}}} is not defined${didYouMean(u.name, Object.keys(defined))}; `
        + `expected it under variables: (source: recently_ingested, enum, range or hex)`);
    }
  }
  const fieldNames = stream?.schema.fields.map((f) => f.name) ?? [];
  for (const [name, v] of Object.entries(defined)) {
    const vp: DocPath = [...path, 'variables', name];
    const use = used.find((u) => u.name === name);
    if (!use) {
      sink.warn([...vp], `variable ${show(name)} is not used by the ${where}`, 'key');
    }
    if (v.source === 'recently_ingested') {
      const field = v.field ?? use?.field ?? null;
      if (!stream) {
        sink.error([...vp, 'source'], 'recently_ingested needs a data stream to reconstruct events from; this query has none');
      } else if (field === null) {
        sink.error(vp, 'missing key "field": the template does not compare this variable with a field, so name the '
          + 'field whose value to take');
      } else if (!fieldNames.includes(field)) {
        sink.error([...vp, v.field ? 'field' : 'source'], `field ${show(field)} is not in the schema${didYouMean(field, fieldNames)}`);
      }
    } else if (v.source === 'enum' && !v.values) {
      sink.error(vp, 'missing key "values": an enum variable needs a list of values');
    } else if (v.source === 'range') {
      if (v.min === undefined || v.max === undefined) sink.error(vp, 'a range variable needs min and max (whole numbers)');
      else if (v.min > v.max) sink.error([...vp, 'min'], `min ${v.min} is greater than max ${v.max}; expected min ≤ max`);
    } else if (v.source === 'hex' && v.length === undefined) {
      sink.error(vp, 'missing key "length": a hex variable needs its length');
    }
    const allowed: Record<string, string[]> = {
      recently_ingested: ['source', 'field', 'lag_s'], enum: ['source', 'values'], range: ['source', 'min', 'max'],
      hex: ['source', 'length'],
    };
    for (const k of Object.keys(v)) {
      if (!allowed[v.source]!.includes(k)) {
        sink.error([...vp, k], `${k}: does not apply to source ${v.source}; expected ${oneOf(allowed[v.source]!)}`, 'key');
      }
    }
  }
}
