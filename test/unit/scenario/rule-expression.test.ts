import assert from 'node:assert/strict';
import type { RuleExpr } from '../../../src/scenario/rule-expression.js';
import {
  evaluate, metricsOf, parseRule, parseRuleExpression, resolveRuleMetrics,
} from '../../../src/scenario/rule-expression.js';

const CTX = { phases: ['baseline', 'incident_trigger', 'ingestion_surge', 'overlap', 'recovery', 'post_incident'], groups: [] };

function parse(text: string): RuleExpr {
  const r = parseRuleExpression(text);
  if (!r.ok) assert.fail(r.error.message);
  return r.expr;
}

function rule(text: string): RuleExpr {
  const r = parseRule(text, CTX);
  if (!r.ok) assert.fail(r.problems.join('; '));
  return r.expr;
}

function syntaxError(text: string): string {
  const r = parseRuleExpression(text);
  if (r.ok) assert.fail(`expected ${JSON.stringify(text)} not to parse`);
  return r.error.message;
}

/** The tree as a compact string: (a and b), (a or b), metric<op>value. */
function tree(e: RuleExpr): string {
  return e.kind === 'compare' ? `${e.metric}${e.op}${e.value}` : `(${e.operands.map(tree).join(` ${e.kind} `)})`;
}

const values = (m: Record<string, number | null>) => (metric: string): number | null => {
  if (!(metric in m)) assert.fail(`unexpected lookup of ${metric}`);
  return m[metric]!;
};

describe('rule expressions (SPEC §12.3)', () => {
  describe('the reference rules', () => {
    it('parses the three rules of the reference scenario', () => {
      assert.deepEqual(rule('query.baseline_p99 < 5000'),
        { kind: 'compare', metric: 'query.baseline_p99', written: 'query.baseline_p99', op: '<', value: 5000, column: 1 });
      assert.equal(tree(rule('ingest.baseline_eps >= 4500')), 'ingest.baseline_eps>=4500');
      assert.equal(tree(rule('query.total_executed >= 500')), 'query.total_executed>=500');
    });

    it('resolves a scorecard key to its dotted name and keeps the written form', () => {
      const e = rule('p99_degradation_ratio < 3.0');
      assert.deepEqual(e, { kind: 'compare', metric: 'query.p99_ratio', written: 'p99_degradation_ratio', op: '<', value: 3, column: 1 });
    });
  });

  describe('grammar', () => {
    it('binds "and" tighter than "or"', () => {
      assert.equal(tree(parse('a < 1 or b < 2 and c < 3')), '(a<1 or (b<2 and c<3))');
      assert.equal(tree(parse('a < 1 and b < 2 or c < 3')), '((a<1 and b<2) or c<3)');
    });

    it('lets parentheses override precedence and nest', () => {
      assert.equal(tree(parse('(a < 1 or b < 2) and c < 3')), '((a<1 or b<2) and c<3)');
      assert.equal(tree(parse('((a < 1))')), 'a<1');
    });

    it('flattens chains of the same operator', () => {
      assert.equal(tree(parse('a < 1 and b < 2 and c < 3')), '(a<1 and b<2 and c<3)');
      assert.equal(tree(parse('a < 1 or b < 2 or c < 3')), '(a<1 or b<2 or c<3)');
    });

    it('reads every operator with or without spaces, and signed, fractional and exponent numbers', () => {
      assert.equal(tree(parse('a<1 and b<=-2 and c>+3.5 and d>=.5 and e==1e3 and f!=0')),
        '(a<1 and b<=-2 and c>3.5 and d>=0.5 and e==1000 and f!=0)');
    });

    it('reads per-phase names whose phase contains "-" and "_"', () => {
      assert.equal(tree(parse('query.phase.load-2_x.p99 < 10')), 'query.phase.load-2_x.p99<10');
    });

    it('records the column of each metric', () => {
      const e = parse('a < 1 or  b < 2');
      assert.deepEqual(e.kind === 'or' && e.operands.map((o) => o.kind === 'compare' && o.column), [1, 11]);
    });
  });

  describe('syntax errors name the column', () => {
    const cases: [string, string][] = [
      ['', 'column 1: the condition is empty; expected e.g. query.baseline_p99 < 5000'],
      ['   ', 'column 1: the condition is empty; expected e.g. query.baseline_p99 < 5000'],
      ['query.baseline_p99', 'column 19: expected a comparison operator (<, <=, >, >=, ==, !=) after "query.baseline_p99", found the end'],
      ['query.baseline_p99 5000', 'column 20: expected a comparison operator (<, <=, >, >=, ==, !=) after "query.baseline_p99", found "5000"'],
      ['a <', 'column 4: expected a number after "<", found the end'],
      ['a < b', 'column 5: expected a number after "<", found "b" (a metric is compared with a number)'],
      ['a < 5000ms', 'column 5: expected a number after "<", found "5000ms"'],
      ['a < (5)', 'column 5: expected a number after "<", found "("'],
      ['5000 > a', 'column 1: expected a metric name or "(", found "5000" (write the metric first, e.g. query.baseline_p99 < 5000)'],
      ['a < 1 AND b < 2', 'column 7: expected "and", "or" or the end, found "AND" (operators are lower case: and)'],
      ['a < 1 OR b < 2', 'column 7: expected "and", "or" or the end, found "OR" (operators are lower case: or)'],
      ['a < 1 b < 2', 'column 7: expected "and", "or" or the end, found "b"'],
      ['a < 1 && b < 2', 'column 7: "&&" is not an operator; expected and'],
      ['a < 1 || b < 2', 'column 7: "||" is not an operator; expected or'],
      ['a < 1 & b < 2', 'column 7: "&" is not an operator; expected and'],
      ['a = 1', 'column 3: "=" is not an operator; expected =='],
      ['a => 1', 'column 3: "=" is not an operator; expected =='],
      ['a ! 1', 'column 3: "!" is not an operator; expected !='],
      ['a < 1 and', 'column 10: expected a metric name or "(" after "and", found the end'],
      ['a < 1 or', 'column 9: expected a metric name or "(" after "or", found the end'],
      ['and a < 1', 'column 1: expected a metric name or "(", found "and"'],
      ['a < 1 and or b < 2', 'column 11: expected a metric name or "(" after "and", found "or"'],
      ['(a < 1', 'column 7: expected ")" to close the "(" at column 1, found the end'],
      ['a < 1)', 'column 6: unexpected ")" (no "(" to close)'],
      ['()', 'column 2: expected a metric name or "(" after "(", found ")"'],
      ['a < 1 < 2', 'column 7: expected "and", "or" or the end, found "<"'],
    ];
    for (const [text, message] of cases) {
      it(`reports ${JSON.stringify(text)}`, () => assert.equal(syntaxError(text), message));
    }

    it('reports an invalid character only when the parser reaches it', () => {
      assert.equal(syntaxError('a < 1 b && c'), 'column 7: expected "and", "or" or the end, found "b"');
    });
  });

  describe('hostile text is never executed', () => {
    it('rejects code after a comparison as a syntax error', () => {
      assert.equal(syntaxError('query.baseline_p99 < 5000; process.exit(1)'),
        'column 22: expected a number after "<", found "5000;"');
      assert.equal(syntaxError("a < 1 or require('fs')"),
        'column 17: expected a comparison operator (<, <=, >, >=, ==, !=) after "require", found "("');
    });

    it('rejects prototype names as unknown metrics', () => {
      const r = parseRule('constructor > 0 and __proto__ < 1', CTX);
      assert.deepEqual(r.ok ? [] : r.problems.map((p) => p.slice(0, p.indexOf(';'))), [
        'column 1: unknown metric "constructor"', 'column 21: unknown metric "__proto__"']);
    });
  });

  describe('metric resolution', () => {
    it('reports every unknown metric with its column and a suggestion', () => {
      assert.deepEqual(parseRule('query.baseline_p999 < 5000 or p99_degradation_ration < 3', CTX), { ok: false, problems: [
        'column 1: unknown metric "query.baseline_p999" (did you mean "query.baseline_p99"?); expected a dotted metric name or '
          + 'a scorecard key of SPEC §11, e.g. "query.baseline_p99" or "p99_degradation_ratio"',
        'column 31: unknown metric "p99_degradation_ration" (did you mean "p99_degradation_ratio"?); expected a dotted metric '
          + 'name or a scorecard key of SPEC §11, e.g. "query.baseline_p99" or "p99_degradation_ratio"',
      ] });
    });

    it('reports a syntax error alone, before any metric check', () => {
      assert.deepEqual(parseRule('nope < ', CTX), { ok: false, problems: ['column 8: expected a number after "<", found the end'] });
    });

    it('resolves inside nested expressions and leaves the input tree unchanged', () => {
      const input = parse('(overlap_p99_ms < 10 or peak_backlog < 5) and query.phase.overlap.p99 < 3');
      const before = JSON.stringify(input);
      const { expr, problems } = resolveRuleMetrics(input, CTX);
      assert.deepEqual(problems, []);
      assert.equal(tree(expr), '((query.overlap_p99<10 or ingest.peak_backlog<5) and query.phase.overlap.p99<3)');
      assert.equal(JSON.stringify(input), before);
    });

    it('lists the metrics an expression reads, once each, in order', () => {
      assert.deepEqual(metricsOf(rule('peak_backlog < 5 or (query.p99_ratio < 3 and ingest.peak_backlog > 0)')),
        ['ingest.peak_backlog', 'query.p99_ratio']);
    });
  });

  describe('evaluate', () => {
    it('applies each operator exactly at the boundary', () => {
      const at = (op: string, v: number) => evaluate(parse(`m ${op} 5`), values({ m: v })).value;
      assert.deepEqual(['<', '<=', '>', '>=', '==', '!='].map((op) => [at(op, 5), at(op, 4), at(op, 6)]), [
        [false, true, false], [true, true, false], [false, false, true], [true, false, true], [true, false, false], [false, true, true],
      ]);
    });

    it('evaluates "a or b and c" with and binding tighter', () => {
      const e = parse('a > 0 or b > 0 and c > 0');
      assert.equal(evaluate(e, values({ a: 1, b: 0, c: 0 })).value, true);
      assert.equal(evaluate(e, values({ a: 0, b: 1, c: 0 })).value, false);
      assert.equal(evaluate(e, values({ a: 0, b: 1, c: 1 })).value, true);
    });

    it('makes a comparison with a null metric false and names the metric', () => {
      assert.deepEqual(evaluate(rule('ingest.baseline_eps >= 4500'), values({ 'ingest.baseline_eps': null })),
        { value: false, nullMetrics: ['ingest.baseline_eps'] });
      assert.deepEqual(evaluate(rule('recovery_time_s != 0'), values({ 'recovery.time_to_baseline_s': null })),
        { value: false, nullMetrics: ['recovery.time_to_baseline_s'] });
    });

    it('treats NaN as no value', () => {
      assert.deepEqual(evaluate(parse('a != 1'), values({ a: Number.NaN })), { value: false, nullMetrics: ['a'] });
    });

    it('still names a null metric when another branch makes the expression true', () => {
      assert.deepEqual(evaluate(parse('a < 1 or b < 1'), values({ a: null, b: 0 })), { value: true, nullMetrics: ['a'] });
    });

    it('visits every comparison and names each null metric once, in order', () => {
      const seen: string[] = [];
      const r = evaluate(parse('x > 0 and (y > 0 or x < 0) and z > 0'), (m) => {
        seen.push(m);
        return m === 'z' ? 1 : null;
      });
      assert.deepEqual(seen, ['x', 'y', 'x', 'z']);
      assert.deepEqual(r, { value: false, nullMetrics: ['x', 'y'] });
    });

    it('looks up canonical names after resolution', () => {
      assert.equal(evaluate(rule('p99_degradation_ratio < 3'), values({ 'query.p99_ratio': 2.5 })).value, true);
    });

    it('compares infinities as values', () => {
      assert.deepEqual(evaluate(parse('a > 1'), values({ a: Number.POSITIVE_INFINITY })), { value: true, nullMetrics: [] });
    });
  });
});
