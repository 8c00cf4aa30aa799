// Semantic checks of validity rules, thresholds, report emphasis and freshness settings (SPEC §3,
// §5.3, §12.3, §12.4): conditions parse and name known metrics. Must not evaluate any rule.

import { UsageError } from '../core/errors.js';
import { resolveEmphasis, type MetricNameContext } from './metric-names.js';
import type { ProblemSink } from './problems.js';
import { show } from './problems.js';
import type { ResolvedScenario } from './resolved.js';
import { parseRule } from './rule-expression.js';
import type { ScenarioDoc } from './schema.js';
import type { StreamView } from './stream-forms.js';
import { didYouMean } from './suggest.js';

function metricContext(phases: readonly string[], groups: readonly string[]): MetricNameContext {
  return { phases, groups };
}

export function checkRules(doc: ScenarioDoc, streams: StreamView[], sink: ProblemSink): void {
  const ctx = metricContext(doc.timeline.phases.map((p) => p.name), (doc.query_groups ?? []).map((g) => g.name));
  const rules = doc.valid_run_criteria?.rules ?? [];
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.name)) sink.error(['valid_run_criteria', 'rules', i, 'name'], `duplicate rule name ${show(r.name)}; expected unique names`);
    seen.add(r.name);
    const parsed = parseRule(r.condition, ctx);
    if (!parsed.ok) for (const m of parsed.problems) sink.error(['valid_run_criteria', 'rules', i, 'condition'], m);
  });
  (doc.thresholds ?? []).forEach((t, i) => {
    const parsed = parseRule(t, ctx);
    if (!parsed.ok) for (const m of parsed.problems) sink.error(['thresholds', i], m);
  });
  (doc.report?.emphasis ?? []).forEach((name, i) => {
    const r = resolveEmphasis(name, ctx);
    if (!r.ok) sink.warn(['report', 'emphasis', i], r.message);
  });

  const idField = doc.freshness?.id_field;
  if (idField !== undefined) {
    if (streams.length === 0) {
      sink.warn(['freshness', 'id_field'], 'this scenario ingests nothing, so freshness is not measured');
    }
    streams.forEach((s) => {
      const names = s.schema.fields.map((f) => f.name);
      const f = s.schema.fields.find((x) => x.name === idField);
      if (!f) {
        sink.error(['freshness', 'id_field'], `${show(idField)} is not a field of stream ${show(s.name)}`
          + `${didYouMean(idField, names)}; expected a keyword field every event carries`);
      } else if (f.type !== 'keyword') {
        sink.error(['freshness', 'id_field'], `${show(idField)} has type ${f.type}; expected a keyword field (sentinel ids are strings)`);
      }
    });
  }
}

/** `--threshold` flags: the same grammar and metric names as scenario thresholds; one-line UsageError. */
export function checkThresholdFlags(thresholds: readonly string[], scenario: ResolvedScenario): void {
  const groups = scenario.queryGroups.map((g) => g.name);
  const ctx = metricContext(scenario.phases.map((p) => p.name), groups);
  for (const t of thresholds) {
    const parsed = parseRule(t, ctx);
    if (!parsed.ok) throw new UsageError(`--threshold ${JSON.stringify(t)}: ${parsed.problems.join('; ')}`);
  }
}
