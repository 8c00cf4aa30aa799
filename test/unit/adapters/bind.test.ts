import assert from 'node:assert/strict';
import { bindDsl, bindSql, dslVar } from '../../../src/adapters/bind.js';
import { clickhouseStringLiteral } from '../../../src/adapters/clickhouse/compile.js';
import type { SqlPart } from '../../../src/adapters/types.js';
import { TargetError } from '../../../src/core/errors.js';

const PARTS: SqlPart[] = [
  { text: 'SELECT * FROM t WHERE s = ' }, { variable: 's', as: 'string' },
  { text: ' AND n = ' }, { variable: 'n', as: 'number' },
];

const isBadVariable = (pattern: RegExp) => (e: unknown) => e instanceof TargetError && e.errorClass === 'bad_variable'
  && e.code === 'IB_TARGET' && pattern.test(e.message);

describe('binding variables (SPEC §7.3)', () => {
  describe('bindSql', () => {
    it('renders string slots through the escaper and number slots as numbers', () => {
      assert.equal(bindSql(PARTS, { s: 'abc', n: 42 }, clickhouseStringLiteral), "SELECT * FROM t WHERE s = 'abc' AND n = 42");
      assert.equal(bindSql(PARTS, { s: 'abc', n: -1.5 }, clickhouseStringLiteral), "SELECT * FROM t WHERE s = 'abc' AND n = -1.5");
    });

    it('escapes hostile string values into one literal', () => {
      assert.equal(bindSql(PARTS, { s: "'; DROP TABLE x; --\n\\", n: 1 }, clickhouseStringLiteral),
        "SELECT * FROM t WHERE s = '\\'; DROP TABLE x; --\\n\\\\' AND n = 1");
    });

    it('passes the value to the escaper as text (numbers and booleans in string slots)', () => {
      const seen: string[] = [];
      const out = bindSql([{ variable: 'a', as: 'string' }, { text: ',' }, { variable: 'b', as: 'string' }], { a: 7, b: false },
        (v) => {
          seen.push(v);
          return `<${v}>`;
        });
      assert.equal(out, '<7>,<false>');
      assert.deepEqual(seen, ['7', 'false']);
    });

    it('accepts a decimal string in a number slot, digit for digit', () => {
      assert.equal(bindSql(PARTS, { s: 'x', n: '9007199254740993' }, clickhouseStringLiteral),
        "SELECT * FROM t WHERE s = 'x' AND n = 9007199254740993");
    });

    it('refuses a missing variable, naming it and those bound', () => {
      assert.throws(() => bindSql(PARTS, { n: 1 }, clickhouseStringLiteral), isBadVariable(/"s" has no value.*bound: "n"/));
    });

    it('refuses non-finite numbers and non-numeric text in number slots', () => {
      for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1; DROP TABLE x', '', '0x10', true]) {
        assert.throws(() => bindSql(PARTS, { s: 'x', n }, clickhouseStringLiteral), isBadVariable(/"n" is .*not a finite number/),
          String(n));
      }
    });
  });

  describe('bindDsl', () => {
    const body = {
      query: { bool: { filter: [{ term: { trace_id: dslVar('t', 'string') } }, { range: { n: { gte: dslVar('n', 'number') } } }] } },
      size: 10,
      tags: ['a', dslVar('t', 'string')],
    };

    it('replaces markers by typed JSON values and keeps everything else', () => {
      assert.deepEqual(bindDsl(body, { t: 'abc', n: '500' }), {
        query: { bool: { filter: [{ term: { trace_id: 'abc' } }, { range: { n: { gte: 500 } } }] } }, size: 10, tags: ['a', 'abc'],
      });
    });

    it('returns a new body and leaves the compiled one untouched', () => {
      const before = JSON.stringify(body);
      const bound = bindDsl(body, { t: 'abc', n: 1 });
      assert.equal(JSON.stringify(body), before);
      assert.notEqual(bound, body);
    });

    it('keeps hostile values as plain strings, so the body keeps its structure', () => {
      const hostile = '"}}]},"size":10000,"x":{"a":"';
      const bound = bindDsl(body, { t: hostile, n: 1 }) as typeof body;
      assert.equal(bound.query.bool.filter[0]!.term!.trace_id, hostile);
      assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(bound)) as object), ['query', 'size', 'tags']);
    });

    it('turns a number or boolean into text in a string marker', () => {
      assert.deepEqual(bindDsl([dslVar('a', 'string'), dslVar('b', 'string')], { a: 1.5, b: true }), ['1.5', 'true']);
    });

    it('keeps an integer beyond 2^53 given as text as its digits', () => {
      assert.deepEqual(bindDsl({ x: dslVar('n', 'number') }, { n: '9007199254740993' }), { x: '9007199254740993' });
      assert.deepEqual(bindDsl({ x: dslVar('n', 'number') }, { n: 12 }), { x: 12 });
    });

    it('joins a text marker into one string', () => {
      assert.deepEqual(bindDsl({ m: { $ibText: ['user ', dslVar('u', 'string'), ' failed'] } }, { u: 'bob' }), { m: 'user bob failed' });
    });

    it('refuses a missing variable and a non-numeric value in a number marker', () => {
      assert.throws(() => bindDsl(body, { n: 1 }), isBadVariable(/"t" has no value/));
      assert.throws(() => bindDsl(body, { t: 'x', n: 'lots' }), isBadVariable(/"n" is "lots"/));
      assert.throws(() => bindDsl(body, { t: 'x', n: Number.NaN }), isBadVariable(/"n" is .*not a finite number/));
    });

    it('treats an object with more keys than a marker as ordinary JSON', () => {
      const notMarker = { $ibVar: 't', as: 'string', extra: 1 };
      assert.deepEqual(bindDsl(notMarker, {}), notMarker);
    });
  });
});
