import assert from 'node:assert/strict';
import type { ClauseValue, SearchNode, Template } from '../../../src/scenario/query-template/index.js';
import {
  analyseTemplate, checkSort, checkTemplate, parseSortSpec, parseTemplate, variablesOf,
} from '../../../src/scenario/query-template/index.js';
import type { TemplateField } from '../../../src/scenario/query-template/index.js';

/** The fields of the reference scenario (briefs/sre-outage.reference.yaml). */
const SRE_FIELDS: TemplateField[] = [
  { name: '@timestamp', type: 'timestamp' }, { name: 'level', type: 'keyword' },
  { name: 'service', type: 'keyword' }, { name: 'host', type: 'keyword' }, { name: 'trace_id', type: 'keyword' },
  { name: 'span_id', type: 'keyword' }, { name: 'http_status', type: 'int' }, { name: 'response_time_ms', type: 'int' },
  { name: 'message', type: 'text' }, { name: 'error_code', type: 'keyword' }, { name: 'duration_ns', type: 'long' },
  { name: 'kubernetes.namespace', type: 'keyword' }, { name: 'kubernetes.pod_name', type: 'keyword' },
  { name: 'kubernetes.container_name', type: 'keyword' },
];
const FIELDS: TemplateField[] = [...SRE_FIELDS, { name: 'cpu', type: 'float' }, { name: 'client_ip', type: 'ip' },
  { name: 'cached', type: 'boolean' }];

const clause = (field: string, value: ClauseValue, column: number, line = 1): SearchNode =>
  ({ kind: 'clause', field, value, pos: { line, column } });
const term = (text: string): ClauseValue => ({ kind: 'term', text });

function search(text: string): SearchNode {
  const r = parseTemplate('search', text);
  if (!r.ok) assert.fail(`expected ${JSON.stringify(text)} to parse: ${r.errors.map((e) => e.message).join('; ')}`);
  assert.equal(r.template.kind, 'search');
  return (r.template as Extract<Template, { kind: 'search' }>).query;
}

function parsed(type: 'search' | 'aggregation', text: string): Template {
  const r = parseTemplate(type, text);
  if (!r.ok) assert.fail(`expected ${JSON.stringify(text)} to parse: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.template;
}

function errorsOf(type: 'search' | 'aggregation', text: string): string[] {
  const r = parseTemplate(type, text);
  if (r.ok) assert.fail(`expected ${JSON.stringify(text)} not to parse`);
  return r.errors.map((e) => e.message);
}

/** Drops positions, for tests about shape only. */
function shape(node: SearchNode): unknown {
  return JSON.parse(JSON.stringify(node, (k, v: unknown) => (k === 'pos' ? undefined : v)));
}

describe('query templates (SPEC §7.2)', () => {
  describe('the eight reference queries', () => {
    it('parses error_search into an AND of two keyword terms', () => {
      assert.deepEqual(parsed('search', 'level:ERROR AND service:payment-service'), {
        kind: 'search',
        query: { kind: 'and', operands: [clause('level', term('ERROR'), 1), clause('service', term('payment-service'), 17)] },
      });
    });

    it('parses recent_errors into a single clause', () => {
      assert.deepEqual(parsed('search', 'level:ERROR'), { kind: 'search', query: clause('level', term('ERROR'), 1) });
    });

    it('parses error_code_agg (block scalar with trailing newline) into a filter and one terms bucket', () => {
      assert.deepEqual(parsed('aggregation', 'filter: level:ERROR\naggregate: terms(error_code)\n'), {
        kind: 'aggregation',
        filter: clause('level', term('ERROR'), 1),
        buckets: [{ kind: 'terms', field: 'error_code', size: null, pos: { line: 1, column: 1 } }],
        metric: { kind: 'count' },
      });
    });

    it('parses service_error_rate: "filter: *" is match_all and ">" nests buckets in order', () => {
      assert.deepEqual(parsed('aggregation', 'filter: *\naggregate: terms(service) > terms(level)\n'), {
        kind: 'aggregation',
        filter: { kind: 'match_all' },
        buckets: [
          { kind: 'terms', field: 'service', size: null, pos: { line: 1, column: 1 } },
          { kind: 'terms', field: 'level', size: null, pos: { line: 1, column: 18 } },
        ],
        metric: { kind: 'count' },
      });
    });

    it('parses trace_lookup into a variable compared with trace_id', () => {
      assert.deepEqual(parsed('search', 'trace_id:{{random_trace_id}}'),
        { kind: 'search', query: clause('trace_id', { kind: 'variable', name: 'random_trace_id' }, 1) });
    });

    it('parses status_code_timeline: date_histogram on @timestamp with a 1m interval, then terms', () => {
      const t = parsed('aggregation', 'filter: service:payment-service\n'
        + 'aggregate: date_histogram(@timestamp, interval=1m) > terms(http_status)\n');
      assert.deepEqual(t, {
        kind: 'aggregation',
        filter: clause('service', term('payment-service'), 1),
        buckets: [
          { kind: 'date_histogram', field: '@timestamp', interval: { value: 1, unit: 'm', seconds: 60 }, pos: { line: 1, column: 1 } },
          { kind: 'terms', field: 'http_status', size: null, pos: { line: 1, column: 43 } },
        ],
        metric: { kind: 'count' },
      });
    });

    it('parses slow_requests: ":>5000" without a space is a numeric comparison', () => {
      assert.deepEqual(parsed('search', 'response_time_ms:>5000 AND service:payment-service'), {
        kind: 'search',
        query: { kind: 'and', operands: [
          clause('response_time_ms', { kind: 'compare', op: '>', value: 5000 }, 1),
          clause('service', term('payment-service'), 28),
        ] },
      });
    });

    it('parses wildcard_message: a word containing * is a wildcard', () => {
      assert.deepEqual(parsed('search', 'message:*NullPointerException*'),
        { kind: 'search', query: clause('message', { kind: 'wildcard', pattern: '*NullPointerException*' }, 1) });
    });

    it('checks all eight clean against the reference schema', () => {
      const queries: ['search' | 'aggregation', string][] = [
        ['search', 'level:ERROR AND service:payment-service'],
        ['search', 'level:ERROR'],
        ['aggregation', 'filter: level:ERROR\naggregate: terms(error_code)\n'],
        ['aggregation', 'filter: *\naggregate: terms(service) > terms(level)\n'],
        ['search', 'trace_id:{{random_trace_id}}'],
        ['aggregation', 'filter: service:payment-service\naggregate: date_histogram(@timestamp, interval=1m) > terms(http_status)\n'],
        ['search', 'response_time_ms:>5000 AND service:payment-service'],
        ['search', 'message:*NullPointerException*'],
      ];
      for (const [type, text] of queries) {
        assert.deepEqual(analyseTemplate(type, text, SRE_FIELDS).problems, [], text);
      }
    });
  });

  describe('search grammar', () => {
    it('binds AND tighter than OR', () => {
      assert.deepEqual(shape(search('a:1 OR b:2 AND c:3')), shape({ kind: 'or', operands: [
        clause('a', term('1'), 0), { kind: 'and', operands: [clause('b', term('2'), 0), clause('c', term('3'), 0)] }] }));
    });

    it('treats juxtaposition as AND, binding tighter than OR', () => {
      assert.deepEqual(shape(search('a:1 b:2 OR c:3')), shape({ kind: 'or', operands: [
        { kind: 'and', operands: [clause('a', term('1'), 0), clause('b', term('2'), 0)] }, clause('c', term('3'), 0)] }));
    });

    it('flattens a chain of ANDs (explicit and implicit) into one node', () => {
      assert.deepEqual(shape(search('a:1 AND b:2 c:3')), shape({ kind: 'and', operands: [
        clause('a', term('1'), 0), clause('b', term('2'), 0), clause('c', term('3'), 0)] }));
    });

    it('applies NOT to the next clause only', () => {
      assert.deepEqual(shape(search('NOT a:1 b:2')), shape({ kind: 'and', operands: [
        { kind: 'not', operand: clause('a', term('1'), 0) }, clause('b', term('2'), 0)] }));
      assert.deepEqual(shape(search('a:1 AND NOT b:2')), shape({ kind: 'and', operands: [
        clause('a', term('1'), 0), { kind: 'not', operand: clause('b', term('2'), 0) }] }));
    });

    it('nests NOT NOT', () => {
      assert.deepEqual(shape(search('NOT NOT a:1')), { kind: 'not', operand: { kind: 'not', operand: shape(clause('a', term('1'), 0)) } });
    });

    it('lets parentheses override precedence', () => {
      assert.deepEqual(shape(search('(a:1 OR b:2) c:3')), shape({ kind: 'and', operands: [
        { kind: 'or', operands: [clause('a', term('1'), 0), clause('b', term('2'), 0)] }, clause('c', term('3'), 0)] }));
      assert.deepEqual(shape(search('NOT (a:1 OR b:2)')), shape({ kind: 'not', operand:
        { kind: 'or', operands: [clause('a', term('1'), 0), clause('b', term('2'), 0)] } }));
    });

    it('reads "*" alone as match_all and "field:*" as a wildcard', () => {
      assert.deepEqual(search('*'), { kind: 'match_all' });
      assert.deepEqual(search('error_code:*'), clause('error_code', { kind: 'wildcard', pattern: '*' }, 1));
      assert.deepEqual(search('host:api-?'), clause('host', { kind: 'wildcard', pattern: 'api-?' }, 1));
    });

    it('accepts field names with dots, @ and underscores', () => {
      assert.deepEqual(shape(search('@timestamp:>0 kubernetes.pod_name:api-1')), shape({ kind: 'and', operands: [
        clause('@timestamp', { kind: 'compare', op: '>', value: 0 }, 0), clause('kubernetes.pod_name', term('api-1'), 0)] }));
    });

    it('reads every comparison operator, with or without spaces, and negative or fractional numbers', () => {
      const cases: [string, string, number][] = [
        ['x:>5', '>', 5], ['x:>=5', '>=', 5], ['x:<5', '<', 5], ['x:<=5', '<=', 5], ['x: > 5', '>', 5],
        ['x:>= -2.5', '>=', -2.5], ['x:<1e3', '<', 1000],
      ];
      for (const [text, op, value] of cases) assert.deepEqual(search(text), clause('x', { kind: 'compare', op, value } as ClauseValue, 1), text);
    });

    it('reads [a TO b] ranges with numbers, ISO-8601 dates and open ends', () => {
      assert.deepEqual(search('x:[100 TO 500]'),
        clause('x', { kind: 'range', from: { kind: 'number', value: 100 }, to: { kind: 'number', value: 500 } }, 1));
      assert.deepEqual(search('@timestamp:[2024-01-01T00:00:00Z TO *]'), clause('@timestamp', { kind: 'range',
        from: { kind: 'date', text: '2024-01-01T00:00:00Z' }, to: { kind: 'unbounded' } }, 1));
      assert.deepEqual(search('x:[ * TO 2.5 ]'),
        clause('x', { kind: 'range', from: { kind: 'unbounded' }, to: { kind: 'number', value: 2.5 } }, 1));
    });

    it('allows a space after ":" and keeps a keyword glued to ":" as a value', () => {
      assert.deepEqual(search('level: ERROR'), clause('level', term('ERROR'), 1));
      assert.deepEqual(search('level:NOT'), clause('level', term('NOT'), 1));
    });

    it('reads {{ name }} with spaces inside the braces', () => {
      assert.deepEqual(search('trace_id:{{ id }}'), clause('trace_id', { kind: 'variable', name: 'id' }, 1));
    });

    it('counts lines and columns in a multi-line search', () => {
      assert.deepEqual(search('level:ERROR\n  AND service:x'), { kind: 'and', operands: [
        clause('level', term('ERROR'), 1), clause('service', term('x'), 7, 2)] });
    });
  });

  describe('hostile values survive as plain values', () => {
    it('keeps an SQL injection attempt as one phrase', () => {
      assert.deepEqual(search(`message:"'; DROP TABLE x; --"`), clause('message', { kind: 'phrase', text: "'; DROP TABLE x; --" }, 1));
    });

    it('keeps quotes and semicolons in a bare word as one term', () => {
      assert.deepEqual(search(`service:x';DROP`), clause('service', term("x';DROP"), 1));
    });

    it('unescapes \\" and \\\\ in quoted strings and keeps other backslashes', () => {
      assert.deepEqual(search('message:"say \\"hi\\" C:\\\\temp\\n"'),
        clause('message', { kind: 'phrase', text: 'say "hi" C:\\temp\\n' }, 1));
    });

    it('keeps a backslash in a bare word', () => {
      assert.deepEqual(search('host:a\\b'), clause('host', term('a\\b'), 1));
    });

    it('keeps wildcard characters and {{…}} inside quotes literal', () => {
      assert.deepEqual(search('message:"*x?"'), clause('message', { kind: 'phrase', text: '*x?' }, 1));
      assert.deepEqual(search('message:"{{x}}"'), clause('message', { kind: 'phrase', text: '{{x}}' }, 1));
    });

    it('keeps unicode and emoji values, and counts columns in characters', () => {
      assert.deepEqual(shape(search('service:支付服务 message:"🔥 fire"')), shape({ kind: 'and', operands: [
        clause('service', term('支付服务'), 0), clause('message', { kind: 'phrase', text: '🔥 fire' }, 0)] }));
      assert.deepEqual(errorsOf('search', 'm:"🔥" bad'),
        ['column 7: expected a clause (field:value or *), found the bare word "bad" (a term needs its field, e.g. message:bad)']);
    });

    it('keeps a newline inside quotes', () => {
      assert.deepEqual(search('message:"a\nb"'), clause('message', { kind: 'phrase', text: 'a\nb' }, 1));
    });
  });

  describe('search syntax errors name the column', () => {
    const cases: [string, string][] = [
      ['level:', 'column 7: expected a value after ":", found the end'],
      ['level: AND service:x', 'column 8: expected a value after ":", found "AND"'],
      ['level:)', 'column 7: expected a value after ":", found ")"'],
      ['host:a:b', 'column 7: unexpected ":" after "a"; quote a value that contains ":", e.g. host:"a:…"'],
      ['x:>abc', 'column 4: expected a number after ">", found "abc"'],
      ['x:>', 'column 4: expected a number after ">", found the end'],
      ['x:<=5ms', 'column 5: expected a number after "<=", found "5ms"'],
      ['x:[1 TO 5', 'column 10: expected "]" to close the range opened at column 3, found the end'],
      ['x:[1 5]', 'column 6: expected "TO" between the range bounds, found "5"'],
      ['x:[1 to 5]', 'column 6: expected "TO" between the range bounds, found "to"'],
      ['x:[1]', 'column 5: expected "TO" between the range bounds, found "]"'],
      ['x:[]', 'column 4: expected a range bound (a number, a date or *) after "[", found "]"'],
      ['x:[1 TO ]', 'column 9: expected a range bound (a number, a date or *) after "TO", found "]"'],
      ['x:[1 TO abc]', 'column 9: expected a range bound (a number, an ISO-8601 date or *) after "TO", found "abc"'],
      ['(a:b', 'column 5: expected ")" to close the "(" at column 1, found the end'],
      ['(a:b\nc:d', 'line 2, column 4: expected ")" to close the "(" at line 1, column 1, found the end'],
      ['a:b)', 'column 4: unexpected ")" (no "(" to close)'],
      ['a:b AND', 'column 8: expected a clause (field:value or *) after "AND", found the end'],
      ['a:b OR', 'column 7: expected a clause (field:value or *) after "OR", found the end'],
      ['NOT', 'column 4: expected a clause (field:value or *) after "NOT", found the end'],
      ['()', 'column 2: expected a clause (field:value or *) after "(", found ")"'],
      ['AND a:b', 'column 1: expected a clause (field:value or *), found "AND"'],
      ['a:b OR OR c:d', 'column 8: expected a clause (field:value or *) after "OR", found "OR"'],
      ['a:b and c:d', 'column 5: "and" is not an operator; expected AND in upper case'],
      ['a:b or c:d', 'column 5: "or" is not an operator; expected OR in upper case'],
      ['payment', 'column 1: expected a clause (field:value or *), found the bare word "payment" (a term needs its field, e.g. message:payment)'],
      ['', 'column 1: expected a clause (field:value or *), found the end'],
      ['   ', 'column 4: expected a clause (field:value or *), found the end'],
      ['a:b "x"', 'column 5: expected a clause (field:value or *), found "\\"x\\""'],
      ['a:b ]', 'column 5: expected a clause (field:value or *), found "]"'],
      ['a:b >5', 'column 5: expected a clause (field:value or *), found ">"'],
      [':x', 'column 1: expected a clause (field:value or *), found ":"'],
      ['a:{x', 'column 3: unexpected "{"; a variable is written {{name}}'],
      ['a:b}', 'column 4: unexpected "}"; a variable is written {{name}}'],
      ['message:"abc', 'column 9: unclosed quoted string; expected a closing "'],
      ['trace_id:{{x', 'column 10: unclosed "{{"; expected "}}" after the variable name'],
      ['a:{{}}', 'column 3: empty variable "{{}}"; expected {{name}}'],
      ['a:{{1x}}', 'column 3: invalid variable name "1x"; expected letters, digits and _, not starting with a digit'],
      ['a:{{x-y}}', 'column 3: invalid variable name "x-y"; expected letters, digits and _, not starting with a digit'],
      ['aggregate: terms(service)', 'column 1: "aggregate:" belongs to type: aggregation queries; this query is type: search'],
    ];
    for (const [text, message] of cases) {
      it(`reports ${JSON.stringify(text)}`, () => {
        assert.deepEqual(errorsOf('search', text), [message]);
      });
    }

    it('carries the part and position beside the message', () => {
      const r = parseTemplate('search', 'level:');
      assert.deepEqual(r, { ok: false, errors: [{ part: 'search', pos: { line: 1, column: 7 },
        message: 'column 7: expected a value after ":", found the end' }] });
    });
  });

  describe('aggregation templates', () => {
    it('reads terms size, every metric, and s/m/h intervals', () => {
      const t = parsed('aggregation', 'filter: level:ERROR\n'
        + 'aggregate: date_histogram(@timestamp, interval=30s) > terms(service, size=5) > percentile(response_time_ms, 99.9)');
      assert.ok(t.kind === 'aggregation');
      assert.deepEqual(t.buckets.map((b) => (b.kind === 'terms' ? b.size : b.interval)), [{ value: 30, unit: 's', seconds: 30 }, 5]);
      assert.deepEqual(t.metric, { kind: 'percentile', field: 'response_time_ms', p: 99.9, pos: { line: 1, column: 69 } });
      for (const m of ['avg', 'min', 'max', 'sum'] as const) {
        const a = parsed('aggregation', `aggregate: terms(service) > ${m}(response_time_ms)`);
        assert.deepEqual(a.kind === 'aggregation' && a.metric, { kind: m, field: 'response_time_ms', pos: { line: 1, column: 18 } });
      }
      const h = parsed('aggregation', 'aggregate: date_histogram(@timestamp, interval=2h) > count()');
      assert.deepEqual(h.kind === 'aggregation' && [h.buckets[0], h.metric], [{ kind: 'date_histogram', field: '@timestamp',
        interval: { value: 2, unit: 'h', seconds: 7200 }, pos: { line: 1, column: 1 } }, { kind: 'count' }]);
    });

    it('takes match_all when there is no filter line, and ignores blank lines and indentation', () => {
      const t = parsed('aggregation', '\n  aggregate: terms(service)\n\n');
      assert.ok(t.kind === 'aggregation');
      assert.deepEqual(t.filter, { kind: 'match_all' });
    });

    it('accepts the lines in either order and "filter :" with a space', () => {
      const t = parsed('aggregation', 'aggregate: terms(level)\nfilter : service:x');
      assert.ok(t.kind === 'aggregation');
      assert.deepEqual(t.filter, clause('service', term('x'), 1));
    });

    const partErrors: [string, string[]][] = [
      ['filter: level:\naggregate: terms(x)', ['filter: column 7: expected a value after ":", found the end']],
      ['filter:\naggregate: terms(x)', ['filter: column 1: expected a clause (field:value or *), found the end']],
      ['aggregate: termz(service)', ['aggregate: column 1: unknown aggregation "termz" (did you mean "terms"?); expected one of '
        + '"terms", "date_histogram", "count", "avg", "min", "max", "sum", "percentile"']],
      ['aggregate: terms service', ['aggregate: column 7: expected "(" after "terms", found "service"']],
      ['aggregate: terms(', ['aggregate: column 7: expected an argument or ")" in terms(…), found the end']],
      ['aggregate: terms(a b)', ['aggregate: column 9: expected "," or ")" in terms(…), found "b"']],
      ['aggregate: terms(a, size=)', ['aggregate: column 15: expected a value after "size=", found ")"']],
      ['aggregate: terms(a, size=ten)', ['aggregate: column 15: expected a number after "size=", found "ten"']],
      ['aggregate: terms(a, sise=10)', ['aggregate: column 10: unknown argument "sise" (did you mean "size"?); expected terms(field[, size=N])']],
      ['aggregate: terms(a, b)', ['aggregate: column 10: expected terms(field[, size=N]), found a second field "b"']],
      ['aggregate: terms(size=10, a)', ['aggregate: column 16: the field comes first in terms(field[, size=N])']],
      ['aggregate: terms(a, size=1, size=2)', ['aggregate: column 18: size= is given twice; expected terms(field[, size=N])']],
      ['aggregate: terms()', ['aggregate: column 7: expected a field in terms(field[, size=N])']],
      ['aggregate: date_histogram(@timestamp)', ['aggregate: column 26: expected ", interval=<N><s|m|h>" in date_histogram(…), e.g. interval=1m']],
      ['aggregate: date_histogram(@timestamp, interval=1d)', ['aggregate: column 37: expected an interval like 30s, 1m or 1h '
        + '(a whole number ≥ 1 and s, m or h), found "1d"']],
      ['aggregate: date_histogram(@timestamp, interval=0m)', ['aggregate: column 37: expected an interval like 30s, 1m or 1h '
        + '(a whole number ≥ 1 and s, m or h), found "0m"']],
      ['aggregate: terms(a) > count(x)', ['aggregate: column 18: count() takes no argument, found "x"']],
      ['aggregate: terms(a) > percentile(x)', ['aggregate: column 24: expected ", p" (the percentile, e.g. 99) in percentile(field, p)']],
      ['aggregate: terms(a) > percentile()', ['aggregate: column 23: expected a field in percentile(field, p)']],
      ['aggregate: terms(a) > percentile(x, p=99)', ['aggregate: column 26: expected percentile(field, p) without names, found "p="']],
      ['aggregate: terms(a) > percentile(x, 99, 1)', ['aggregate: column 30: expected percentile(field, p), found a third argument "1"']],
      ['aggregate: terms(a) > percentile(x, abc)', ['aggregate: column 26: expected a number (the percentile, e.g. 99), found "abc"']],
      ['aggregate: terms(a) > avg(x, y)', ['aggregate: column 19: expected avg(field), found a second field "y"']],
      ['aggregate: terms(a) > avg(x, size=1)', ['aggregate: column 19: unknown argument "size"; expected avg(field)']],
      ['aggregate: avg(response_time_ms)', ['aggregate: column 1: expected a bucket (terms or date_histogram) before the metric avg(), '
        + 'e.g. terms(service) > avg(…)']],
      ['aggregate: terms(a) > count() > terms(b)', ['aggregate: column 22: terms() comes after the metric; a metric (count, avg, '
        + 'min, max, sum, percentile) must come last']],
      ['aggregate: terms(a) terms(b)', ['aggregate: column 10: expected ">" or the end of the line, found "terms"']],
      ['aggregate: terms(a) >', ['aggregate: column 11: expected an aggregation such as terms(field) after ">", found the end']],
      ['aggregate:', ['aggregate: column 1: expected an aggregation such as terms(field), found the end']],
      ['aggregate: (x)', ['aggregate: column 1: expected an aggregation such as terms(field), found "("']],
    ];
    for (const [text, messages] of partErrors) {
      it(`reports ${JSON.stringify(text)}`, () => {
        assert.deepEqual(errorsOf('aggregation', text), messages);
      });
    }

    const lineErrors: [string, string[]][] = [
      ['filter: level:ERROR', ['missing the "aggregate:" line; expected e.g. aggregate: terms(service)']],
      ['level:ERROR\naggregate: terms(x)', ['line 1: expected a line "filter: <search>" or "aggregate: <pipeline>", found "level:ERROR"']],
      ['filtr: *\naggregate: terms(x)', ['line 1: expected a line "filter: <search>" or "aggregate: <pipeline>", found "filtr: *" '
        + '(did you mean "filter"?)']],
      ['filter: a:1\n  AND b:2\naggregate: terms(x)', ['line 2: expected a line "filter: <search>" or "aggregate: <pipeline>", found "AND b:2"']],
      ['filter: *\nfilter: a:1\naggregate: terms(x)', ['line 2: a second "filter:" line (the first is line 1); expected one filter: '
        + 'line and one aggregate: line']],
      ['filter: level:ERROR aggregate: terms(error_code)', ['filter: column 13: "aggregate:" must start its own line; write the '
        + 'template as a YAML block (template: |) with filter: and aggregate: on separate lines']],
    ];
    for (const [text, messages] of lineErrors) {
      it(`reports ${JSON.stringify(text)} as a line problem`, () => {
        assert.deepEqual(errorsOf('aggregation', text), messages);
      });
    }

    it('reports errors of both parts together, in line order', () => {
      assert.deepEqual(errorsOf('aggregation', 'filter: (a:1\naggregate: terms(x) >\nsort: y'), [
        'filter: column 5: expected ")" to close the "(" at column 1, found the end',
        'aggregate: column 11: expected an aggregation such as terms(field) after ">", found the end',
        'line 3: expected a line "filter: <search>" or "aggregate: <pipeline>", found "sort: y"',
      ]);
    });

    it('gives line problems a template part and a position', () => {
      const r = parseTemplate('aggregation', 'filter: *');
      assert.deepEqual(r, { ok: false, errors: [{ part: 'template', pos: null,
        message: 'missing the "aggregate:" line; expected e.g. aggregate: terms(service)' }] });
    });
  });

  describe('schema checks', () => {
    function problems(type: 'search' | 'aggregation', text: string): string[] {
      return checkTemplate(parsed(type, text), FIELDS);
    }

    const searchCases: [string, string[]][] = [
      ['levle:ERROR', ['column 1: unknown field "levle" (did you mean "level"?); expected a field of the schema']],
      ['zzzzzz:1', ['column 1: unknown field "zzzzzz"; expected a field of the schema']],
      ['service:>5', ['column 1: ">" on keyword field "service"; expected an int, long, float or timestamp field']],
      ['message:[1 TO 5]', ['column 1: range on text field "message"; expected an int, long, float or timestamp field']],
      ['http_status:[2024-01-01 TO *]', ['column 1: range bound "2024-01-01" is a date, but "http_status" is an int field; expected a number']],
      ['http_status:[500 TO 100]', ['column 1: empty range: 500 is greater than 100; expected the lower bound first']],
      ['@timestamp:[2024-02-01 TO 2024-01-01]', ['column 1: empty range: 2024-02-01 is greater than 2024-01-01; expected the lower bound first']],
      ['http_status:5*', ['column 1: wildcard "5*" on int field "http_status"; expected a keyword or text field']],
      ['client_ip:10.*', ['column 1: wildcard "10.*" on ip field "client_ip"; expected a keyword or text field']],
      ['trace_id:"{{id}}"', ['column 1: variables are not replaced inside quotes ("{{id}}"); expected trace_id:{{name}} without quotes']],
      ['@timestamp:5', ['column 1: exact match on timestamp field "@timestamp"; expected a comparison (>, >=, <, <=) or a [a TO b] range']],
      ['http_status:OK', ['column 1: "OK" is not a number, but "http_status" is an int field; expected a number']],
      ['http_status:"abc"', ['column 1: "abc" is not a number, but "http_status" is an int field; expected a number']],
      ['duration_ns:1.5', ['column 1: "1.5" is not a whole number, but "duration_ns" is a long field; expected a whole number']],
      ['cached:yes', ['column 1: "yes" is not a boolean, but "cached" is a boolean field; expected true or false']],
      ['client_ip:10.0.0.999', ['column 1: "10.0.0.999" is not an IP address, but "client_ip" is an ip field; expected e.g. 10.0.0.1 or 10.0.0.0/8']],
      ['client_ip:10.0.0.0/33', ['column 1: "10.0.0.0/33" is not an IP address, but "client_ip" is an ip field; expected e.g. 10.0.0.1 or 10.0.0.0/8']],
    ];
    for (const [text, expected] of searchCases) {
      it(`reports ${JSON.stringify(text)}`, () => assert.deepEqual(problems('search', text), expected));
    }

    it('accepts well-typed values of every kind', () => {
      const ok = 'http_status:500 cpu:0.5 cpu:>0.25 duration_ns:[1 TO *] cached:true client_ip:10.0.0.1 client_ip:"::1" '
        + 'client_ip:10.0.0.0/8 @timestamp:>=1700000000000 @timestamp:[2024-01-01T00:00:00Z TO *] message:"a b" '
        + 'message:*x* http_status:{{s}} @timestamp:{{t}} level:"ERROR"';
      assert.deepEqual(problems('search', ok), []);
    });

    it('collects every problem, in reading order, with its column', () => {
      assert.deepEqual(problems('search', 'levle:ERROR OR (service:>5 NOT http_status:OK)'), [
        'column 1: unknown field "levle" (did you mean "level"?); expected a field of the schema',
        'column 17: ">" on keyword field "service"; expected an int, long, float or timestamp field',
        'column 32: "OK" is not a number, but "http_status" is an int field; expected a number',
      ]);
    });

    it('names the line of a problem on a later line of a search', () => {
      assert.deepEqual(problems('search', 'level:ERROR\nAND servce:x'),
        ['line 2, column 5: unknown field "servce" (did you mean "service"?); expected a field of the schema']);
    });

    const aggCases: [string, string[]][] = [
      ['filter: levl:ERROR\naggregate: terms(service)', ['filter: column 1: unknown field "levl" (did you mean "level"?); expected a field of the schema']],
      ['aggregate: terms(servce)', ['aggregate: column 1: unknown field "servce" (did you mean "service"?); expected a field of the schema']],
      ['aggregate: terms(message)', ['aggregate: column 1: terms on text field "message"; expected a keyword, number, ip, boolean or '
        + 'timestamp field (text fields cannot be bucketed)']],
      ['aggregate: terms(service, size=0)', ['aggregate: column 1: terms size 0; expected a whole number ≥ 1']],
      ['aggregate: terms(service, size=2.5)', ['aggregate: column 1: terms size 2.5; expected a whole number ≥ 1']],
      ['aggregate: date_histogram(service, interval=1m)', ['aggregate: column 1: date_histogram on keyword field "service"; '
        + 'expected a timestamp field, e.g. "@timestamp"']],
      ['aggregate: date_histogram(@timestamps, interval=1m)', ['aggregate: column 1: unknown field "@timestamps" (did you mean '
        + '"@timestamp"?); expected a field of the schema']],
      ['aggregate: terms(service) > avg(level)', ['aggregate: column 18: avg on keyword field "level"; expected an int, long or float field']],
      ['aggregate: terms(service) > sum(@timestamp)', ['aggregate: column 18: sum on timestamp field "@timestamp"; expected an int, long or float field']],
      ['aggregate: terms(service) > max(respons_time_ms)', ['aggregate: column 18: unknown field "respons_time_ms" (did you mean '
        + '"response_time_ms"?); expected a field of the schema']],
      ['aggregate: terms(service) > percentile(response_time_ms, 0)', ['aggregate: column 18: percentile 0 is out of range; expected 0 < p ≤ 100']],
      ['aggregate: terms(service) > percentile(response_time_ms, 100.5)', ['aggregate: column 18: percentile 100.5 is out of range; expected 0 < p ≤ 100']],
      ['aggregate: terms(service) > percentile(level, 99)', ['aggregate: column 18: percentile on keyword field "level"; expected an int, long or float field']],
    ];
    for (const [text, expected] of aggCases) {
      it(`reports ${JSON.stringify(text)}`, () => assert.deepEqual(problems('aggregation', text), expected));
    }

    it('accepts percentile 100, terms on numbers, ip, boolean and timestamp, and metrics on every numeric type', () => {
      assert.deepEqual(problems('aggregation', 'aggregate: terms(http_status) > terms(client_ip) > terms(cached) > terms(@timestamp, size=1) '
        + '> percentile(cpu, 100)'), []);
      assert.deepEqual(problems('aggregation', 'aggregate: terms(level) > avg(duration_ns)'), []);
    });

    it('names no example timestamp field when the schema has none', () => {
      const t = parsed('aggregation', 'aggregate: date_histogram(service, interval=1m)');
      assert.deepEqual(checkTemplate(t, [{ name: 'service', type: 'keyword' }]),
        ['aggregate: column 1: date_histogram on keyword field "service"; expected a timestamp field']);
    });
  });

  describe('variablesOf', () => {
    it('names the field each variable is compared with', () => {
      assert.deepEqual(variablesOf(parsed('search', 'trace_id:{{random_trace_id}}')),
        [{ name: 'random_trace_id', field: 'trace_id', part: 'search', pos: { line: 1, column: 1 } }]);
    });

    it('lists every use in reading order, inside NOT and OR, and in an aggregation filter', () => {
      assert.deepEqual(variablesOf(parsed('search', 'a:{{x}} OR (NOT b:{{y}} c:{{x}})')).map((v) => [v.name, v.field]),
        [['x', 'a'], ['y', 'b'], ['x', 'c']]);
      assert.deepEqual(variablesOf(parsed('aggregation', 'filter: service:{{svc}}\naggregate: terms(level)')),
        [{ name: 'svc', field: 'service', part: 'filter', pos: { line: 1, column: 1 } }]);
    });

    it('finds none in a template without variables', () => {
      assert.deepEqual(variablesOf(parsed('search', 'message:"{{x}}" level:ERROR')), []);
    });
  });

  describe('analyseTemplate', () => {
    it('returns syntax errors and no variables when the template does not parse', () => {
      assert.deepEqual(analyseTemplate('search', 'trace_id:', SRE_FIELDS),
        { template: null, problems: ['column 10: expected a value after ":", found the end'], variables: null });
    });

    it('returns the AST, schema problems and variables when it parses', () => {
      const a = analyseTemplate('search', 'trace_idd:{{t}}', SRE_FIELDS);
      assert.equal(a.template?.kind, 'search');
      assert.deepEqual(a.problems, ['column 1: unknown field "trace_idd" (did you mean "trace_id"?); expected a field of the schema']);
      assert.deepEqual(a.variables?.map((v) => v.field), ['trace_idd']);
    });
  });

  describe('sort', () => {
    it('reads field and order, splitting at the last ":"', () => {
      assert.deepEqual(parseSortSpec('@timestamp:desc'), { ok: true, sort: { field: '@timestamp', order: 'desc' } });
      assert.deepEqual(parseSortSpec(' kubernetes.pod_name : ASC '), { ok: true, sort: { field: 'kubernetes.pod_name', order: 'asc' } });
    });

    it('defaults to ascending without an order', () => {
      assert.deepEqual(parseSortSpec('response_time_ms'), { ok: true, sort: { field: 'response_time_ms', order: 'asc' } });
    });

    it('rejects an unknown order with a suggestion', () => {
      assert.deepEqual(parseSortSpec('@timestamp:decs'), { ok: false, message: 'sort order "decs" is not allowed (did you mean '
        + '"desc"?); expected "asc" or "desc", e.g. "@timestamp:desc"' });
    });

    it('rejects a spec without a field', () => {
      assert.deepEqual(parseSortSpec(':desc'), { ok: false, message: 'sort ":desc" names no field; expected "field:asc" or "field:desc"' });
    });

    it('checks the field against the schema and refuses text fields', () => {
      assert.deepEqual(checkSort('@timestamp:desc', SRE_FIELDS), []);
      assert.deepEqual(checkSort('@timestmp:desc', SRE_FIELDS),
        ['unknown sort field "@timestmp" (did you mean "@timestamp"?); expected a field of the schema']);
      assert.deepEqual(checkSort('message:asc', SRE_FIELDS),
        ['cannot sort on text field "message"; expected a keyword, number, timestamp, ip or boolean field']);
      assert.deepEqual(checkSort('@timestamp:up', SRE_FIELDS),
        ['sort order "up" is not allowed; expected "asc" or "desc", e.g. "@timestamp:desc"']);
    });
  });
});
