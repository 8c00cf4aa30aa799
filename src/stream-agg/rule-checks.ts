// Scenario rules and thresholds (SPEC §11 "Scaled runs", §12.3, §12.4): parsed with the one rule parser (never
// eval), metrics normalised to scale 1 before comparison, raw and normalised values kept for run.json. Must not
// compute metrics.

import { metricInfo, scaleDivisor, type MetricNameContext } from '../scenario/metric-names.js';
import { evaluate, metricsOf, parseRule } from '../scenario/rule-expression.js';
import type { RuleMetricValue, RuleResult, ThresholdResult } from './verdict-types.js';

export interface RuleInputs {
  metrics: Readonly<Record<string, number | null>>;
  scales: { rateScale: number; durationScale: number };
  names: MetricNameContext;
}

interface Checked {
  passed: boolean;
  metrics: Record<string, RuleMetricValue>;
  reason?: string;
}

/** Normalised value of a dotted metric (rates ÷ rate_scale, counts ÷ rate_scale × duration_scale). */
export function normalised(name: string, raw: number | null, scales: RuleInputs['scales']): number | null {
  if (raw === null) return null;
  const info = metricInfo(name);
  return info ? raw / scaleDivisor(info.kind, scales) : raw;
}

function check(condition: string, inputs: RuleInputs): Checked {
  const parsed = parseRule(condition, inputs.names);
  if (!parsed.ok) {
    // Scenarios are validated at load time; a condition from --threshold or an edited plan.json can still be wrong.
    return { passed: false, metrics: {}, reason: `cannot evaluate: ${parsed.problems.join('; ')}` };
  }
  const metrics: Record<string, RuleMetricValue> = {};
  for (const name of metricsOf(parsed.expr)) {
    const raw = inputs.metrics[name] ?? null;
    metrics[name] = { raw, normalised: normalised(name, raw, inputs.scales) };
  }
  const r = evaluate(parsed.expr, (name) => metrics[name]?.normalised ?? null);
  const out: Checked = { passed: r.value, metrics };
  if (r.nullMetrics.length > 0) out.reason = `${r.nullMetrics.join(', ')} had no value`;
  return out;
}

export function checkRules(rules: readonly { name: string; condition: string; message: string }[], inputs: RuleInputs): RuleResult[] {
  return rules.map((rule) => {
    const c = check(rule.condition, inputs);
    const out: RuleResult = { name: rule.name, condition: rule.condition, message: rule.message, passed: c.passed, metrics: c.metrics };
    if (c.reason !== undefined) out.reason = c.reason;
    return out;
  });
}

export function checkThresholds(conditions: readonly string[], inputs: RuleInputs): ThresholdResult[] {
  return conditions.map((condition) => {
    const c = check(condition, inputs);
    const names = Object.keys(c.metrics);
    const out: ThresholdResult = { condition, value: names.length === 1 ? c.metrics[names[0]!]!.normalised : null,
      passed: c.passed, metrics: c.metrics };
    if (c.reason !== undefined) out.reason = c.reason;
    return out;
  });
}
