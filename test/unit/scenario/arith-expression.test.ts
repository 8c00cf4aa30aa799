import assert from 'node:assert/strict';
import { evaluateArith, fieldRefs, formatArithError, parseArith, type ArithExpr } from '../../../src/scenario/arith-expression.js';

function parsed(text: string): ArithExpr {
  const r = parseArith(text);
  if (!r.ok) assert.fail(`expected "${text}" to parse: ${formatArithError(r.error)}`);
  return r.expr;
}

function error(text: string): string {
  const r = parseArith(text);
  if (r.ok) assert.fail(`expected "${text}" not to parse`);
  return formatArithError(r.error);
}

describe('derived expressions: parsing (SPEC §5.2)', () => {
  it('parses a lone field name with dots, @ and underscores as a field reference', () => {
    assert.deepEqual(parsed('kubernetes.pod_name'), { kind: 'field', name: 'kubernetes.pod_name', col: 1 });
    assert.deepEqual(parsed(' @timestamp '), { kind: 'field', name: '@timestamp', col: 2 });
  });

  it('gives * and / precedence over + and -, left to right', () => {
    const e = parsed('a + b * 2 - c / 4');
    assert.equal(evaluateArith(e, (n) => ({ a: 1, b: 3, c: 8 })[n]), 1 + 3 * 2 - 8 / 4);
    assert.equal(evaluateArith(parsed('10 - 4 - 3'), () => 0), 3);
    assert.equal(evaluateArith(parsed('64 / 4 / 2'), () => 0), 8);
  });

  it('honours parentheses and unary minus', () => {
    assert.equal(evaluateArith(parsed('-(a + 2) * 3'), () => 1), -9);
    assert.equal(evaluateArith(parsed('a - -2'), () => 1), 3);
    assert.equal(evaluateArith(parsed('--a'), () => 5), 5);
  });

  it('reads decimal and exponent numbers', () => {
    assert.equal(evaluateArith(parsed('1.5e3 + .5'), () => 0), 1500.5);
  });

  it('records the columns of field references', () => {
    assert.deepEqual(fieldRefs(parsed('response_time_ms * 1000000 + (x - y)')), [
      { name: 'response_time_ms', col: 1 }, { name: 'x', col: 31 }, { name: 'y', col: 35 }]);
  });

  it('reports a missing operand with its column', () => {
    assert.equal(error('a * '), 'column 5: expected a field name, a number or "(" after "*", found the end of the expression');
  });

  it('reports an unclosed parenthesis at the end', () => {
    assert.equal(error('(a + 1'), 'column 7: expected ")" to close the "(" at column 1');
  });

  it('reports a stray closing parenthesis', () => {
    assert.equal(error('a + 1)'), 'column 6: unexpected ")" (no "(" to close)');
  });

  it('reports two operands without an operator', () => {
    assert.equal(error('a b'), 'column 3: unexpected "b"; expected an operator + - * /');
  });

  it('reports characters that belong to no token', () => {
    assert.equal(error('a % 2'), 'column 3: unexpected "%"; expected a field name, a number, + - * / or parentheses');
  });

  it('reports a number glued to a name', () => {
    assert.equal(error('2x'), 'column 1: "2x" is neither a number nor a field name');
  });

  it('reports an empty expression', () => {
    assert.equal(error('   '), 'column 1: is empty; expected a field name or arithmetic such as "a * 1000"');
  });
});

describe('derived expressions: evaluation', () => {
  it('gives null when a field is not a number', () => {
    assert.equal(evaluateArith(parsed('a * 2'), () => null), null);
    assert.equal(evaluateArith(parsed('a * 2'), () => 'x'), null);
  });

  it('gives null for a non-finite result such as a division by zero', () => {
    assert.equal(evaluateArith(parsed('a / 0'), () => 1), null);
  });

  it('never gives negative zero', () => {
    assert.ok(Object.is(evaluateArith(parsed('a * 0'), () => -3), 0));
  });
});
