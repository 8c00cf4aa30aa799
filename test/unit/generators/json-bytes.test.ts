import assert from 'node:assert/strict';
import { byteLiteral, JsonBytes } from '../../../src/generators/fields/json-bytes.js';

function written(write: (out: JsonBytes) => void): string {
  const out = new JsonBytes(4096);
  write(out);
  return out.decode();
}

describe('JSON byte sink', () => {
  it('writes the decimal digits of safe integers as String does', () => {
    const cases = [0, 9, 10, 99, 100, 101, 999, 1000, 45_000_000, 2 ** 31, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER];
    for (let k = 1; k <= 15; k++) cases.push(10 ** k - 1, 10 ** k, 10 ** k + 1);
    for (let i = 0; i < 20_000; i++) cases.push(Math.floor(Math.random() * 2 ** (1 + (i % 53))));
    for (const n of cases) assert.equal(written((o) => o.uint(n)), String(n));
  });

  it('writes any finite number as JSON.stringify does', () => {
    for (const v of [-1, -1234567, 0.1, -2.5e-7, 1e21, 123.456, Number.MIN_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2]) {
      assert.equal(written((o) => o.number(v)), JSON.stringify(v));
    }
  });

  it('writes literals of every length and copies earlier bytes, adjacent or not', () => {
    const texts = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', '{"kubernetes.namespace":', 'é€𝄞'];
    assert.equal(written((o) => texts.forEach((t) => o.lit(byteLiteral(t)))), texts.join(''));
    assert.equal(written((o) => {
      o.lit(byteLiteral('0123456789'));
      o.copy(2, 9); // adjacent to what it reads
      o.copy(0, 3);
    }), '0123456789' + '2345678' + '012');
  });

  it('reports overflow past its capacity', () => {
    const out = new JsonBytes(4);
    out.lit(byteLiteral('abcd'));
    assert.equal(out.overflowed, false);
    out.byte(1);
    assert.equal(out.overflowed, true);
  });
});
