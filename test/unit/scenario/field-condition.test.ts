import assert from 'node:assert/strict';
import { conditionMatcher, formatConditionError, parseCondition, type FieldCondition } from '../../../src/scenario/field-condition.js';

function parsed(text: string): FieldCondition {
  const r = parseCondition(text);
  if (!r.ok) assert.fail(`expected "${text}" to parse: ${formatConditionError(r.error)}`);
  return r.condition;
}

function error(text: string): string {
  const r = parseCondition(text);
  if (r.ok) assert.fail(`expected "${text}" not to parse`);
  return formatConditionError(r.error);
}

describe('conditional conditions: parsing (SPEC §5.2)', () => {
  it('parses "in" with bare words, numbers and quoted strings', () => {
    assert.deepEqual(parsed('level in [ERROR, "WARN", \'a b\', 200.0]'), {
      field: 'level', fieldCol: 1, op: 'in', values: [
        { kind: 'text', text: 'ERROR', quoted: false, col: 11 },
        { kind: 'text', text: 'WARN', quoted: true, col: 18 },
        { kind: 'text', text: 'a b', quoted: true, col: 26 },
        { kind: 'text', text: '200', quoted: false, col: 33 },
      ],
    });
  });

  it('parses == and != with or without spaces, and dotted field names', () => {
    assert.deepEqual(parsed('kubernetes.namespace==prod'),
      { field: 'kubernetes.namespace', fieldCol: 1, op: '==', values: [{ kind: 'text', text: 'prod', quoted: false, col: 23 }] });
    assert.equal(parsed('@timestamp != null').values[0]!.kind, 'null');
  });

  it('unescapes backslashes in quoted strings', () => {
    assert.equal((parsed('m == "say \\"hi\\""').values[0] as { text: string }).text, 'say "hi"');
  });

  it('reports a missing operator', () => {
    assert.equal(error('level = ERROR'), 'column 7: expected "in", "==" or "!=" after the field name, found "= ERROR"');
  });

  it('reports a list that is not opened', () => {
    assert.equal(error('level in ERROR'), 'column 10: expected "[" after "in", found "ERROR"');
  });

  it('reports an unclosed list', () => {
    assert.equal(error('level in [A, B'), 'column 15: expected "," or "]" to close the "[" at column 10, found the end of the condition');
  });

  it('reports an empty list', () => {
    assert.equal(error('level in []'), 'column 11: the list is empty; expected at least one value');
  });

  it('reports a missing value', () => {
    assert.equal(error('level =='), 'column 9: expected a value after "==", found the end of the condition');
  });

  it('reports an unclosed string', () => {
    assert.equal(error('level == "ERROR'), 'column 10: unclosed " string; expected a closing "');
  });

  it('reports text after the condition', () => {
    assert.equal(error('level == A B'), 'column 12: unexpected "B" after the condition; expected the end');
  });

  it('reports an empty condition', () => {
    assert.equal(error(''), 'column 1: expected a field name, found the end of the condition');
  });
});

describe('conditional conditions: matching', () => {
  it('matches "in" by the text form of the value', () => {
    const m = conditionMatcher(parsed('http_status in [500, 502]'));
    assert.equal(m(500), true);
    assert.equal(m('502'), true);
    assert.equal(m(200), false);
  });

  it('negates with !=', () => {
    const m = conditionMatcher(parsed('level != INFO'));
    assert.equal(m('INFO'), false);
    assert.equal(m('ERROR'), true);
    assert.equal(m(null), true);
  });

  it('matches null only with a bare null', () => {
    assert.equal(conditionMatcher(parsed('e == null'))(null), true);
    assert.equal(conditionMatcher(parsed('e == "null"'))(null), false);
    assert.equal(conditionMatcher(parsed('e == "null"'))('null'), true);
  });

  it('matches booleans by their text', () => {
    assert.equal(conditionMatcher(parsed('ok == true'))(true), true);
    assert.equal(conditionMatcher(parsed('ok == true'))(false), false);
  });
});
