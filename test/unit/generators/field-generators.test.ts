import assert from 'node:assert/strict';
import { EventEncoder } from '../../../src/generators/event-encoder.js';
import { AUXILIARY_METHOD_NAMES } from '../../../src/scenario/check-fields.js';
import type { DataProfile, FieldDef } from '../../../src/scenario/schema.js';

const T0 = Date.UTC(2026, 0, 1);
const TS: FieldDef = { name: '@timestamp', type: 'timestamp', generator: 'now' };
const DRAWS = 100_000;

function field(name: string, type: string, generator: string, config?: unknown): FieldDef {
  return { name, type, generator, ...(config === undefined ? {} : { config }) } as FieldDef;
}

/** The values of one field over `n` events (g = 0 … n − 1). */
function sample(fields: FieldDef[], name: string, n = DRAWS, profile: DataProfile = 'baseline', seed = 42): unknown[] {
  const enc = new EventEncoder({ fields: [TS, ...fields], seed });
  const out: unknown[] = [];
  for (let g = 0; g < n; g++) out.push(enc.values(g, T0 + g, profile)[name]);
  return out;
}

function counts(values: readonly unknown[]): Map<unknown, number> {
  const m = new Map<unknown, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** |observed − expected| within 5 binomial standard deviations. */
function assertFrequency(observed: number, n: number, p: number, what: string): void {
  const sigma = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(observed - n * p) <= 5 * sigma + 1e-9, `${what}: ${observed} of ${n}, expected ${(n * p).toFixed(0)} ± ${(5 * sigma).toFixed(0)}`);
}

function meanAndStddev(xs: readonly number[]): { mean: number; stddev: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, stddev: Math.sqrt(variance) };
}

describe('field generators: choices (SPEC §5.2)', () => {
  it('picks enum values uniformly', () => {
    const c = counts(sample([field('x', 'keyword', 'enum', { values: ['a', 'b', 'c', 'd', 'e'] })], 'x'));
    assert.deepEqual([...c.keys()].sort(), ['a', 'b', 'c', 'd', 'e']);
    for (const [v, k] of c) assertFrequency(k, DRAWS, 0.2, String(v));
  });

  it('picks weighted_enum values by their normalised weights, per profile', () => {
    const f = field('level', 'keyword', 'weighted_enum', {
      baseline: { INFO: 7, WARN: 1.5, ERROR: 1, DEBUG: 0.5 },
      incident: { ERROR: 0.6, WARN: 0.2, INFO: 0.1, DEBUG: 0.1, NEVER: 0 },
    });
    const base = counts(sample([f], 'level', DRAWS, 'baseline'));
    const inc = counts(sample([f], 'level', DRAWS, 'incident'));
    for (const [v, p] of [['INFO', 0.7], ['WARN', 0.15], ['ERROR', 0.1], ['DEBUG', 0.05]] as const) assertFrequency(base.get(v) ?? 0, DRAWS, p, `baseline ${v}`);
    for (const [v, p] of [['ERROR', 0.6], ['WARN', 0.2], ['INFO', 0.1], ['DEBUG', 0.1]] as const) assertFrequency(inc.get(v) ?? 0, DRAWS, p, `incident ${v}`);
    assert.equal(inc.has('NEVER'), false);
  });

  it('emits weighted_enum keys of int/long fields as numbers', () => {
    const c = counts(sample([field('s', 'int', 'weighted_enum', { values: { 200: 0.9, 503: 0.1 } })], 's', 20_000));
    assert.deepEqual([...c.keys()].sort(), [200, 503]);
    assertFrequency(c.get(503)!, 20_000, 0.1, '503');
  });
});

describe('field generators: numbers', () => {
  it('draws range values uniformly with both ends included', () => {
    const xs = sample([field('x', 'int', 'range', { min: -3, max: 6 })], 'x') as number[];
    const c = counts(xs);
    assert.deepEqual([...c.keys()].sort((a, b) => (a as number) - (b as number)), [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6]);
    for (const [v, k] of c) assertFrequency(k, DRAWS, 0.1, `value ${v}`);
  });

  it('covers wide long ranges with whole numbers within bounds', () => {
    const xs = sample([field('x', 'long', 'range', { min: 0, max: 2 ** 40 })], 'x', 20_000) as number[];
    for (const x of xs) assert.ok(Number.isInteger(x) && x >= 0 && x <= 2 ** 40);
    const { mean } = meanAndStddev(xs);
    assert.ok(Math.abs(mean / 2 ** 39 - 1) < 0.02, `mean ${mean}`);
  });

  it('draws normal values with the configured mean and stddev', () => {
    const xs = sample([field('x', 'float', 'distribution', { type: 'normal', mean: 100, stddev: 15 })], 'x') as number[];
    const { mean, stddev } = meanAndStddev(xs);
    assert.ok(Math.abs(mean - 100) < 5 * 15 / Math.sqrt(DRAWS), `mean ${mean}`);
    assert.ok(Math.abs(stddev / 15 - 1) < 0.02, `stddev ${stddev}`);
  });

  it('gives a lognormal the configured mean and stddev of the resulting values (clamping negligible)', () => {
    const xs = sample([field('x', 'float', 'distribution', { type: 'lognormal', mean: 50, stddev: 30, min: 0.001, max: 1e9 })], 'x') as number[];
    const { mean, stddev } = meanAndStddev(xs);
    assert.ok(Math.abs(mean / 50 - 1) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(stddev / 30 - 1) < 0.03, `stddev ${stddev}`);
    assert.ok(xs.every((x) => x > 0));
  });

  it('follows the profile for per-profile distributions', () => {
    const f = field('x', 'float', 'distribution', {
      baseline: { type: 'lognormal', mean: 50, stddev: 30 }, incident: { type: 'lognormal', mean: 500, stddev: 400 },
    });
    assert.ok(Math.abs(meanAndStddev(sample([f], 'x', 50_000, 'baseline') as number[]).mean / 50 - 1) < 0.02);
    assert.ok(Math.abs(meanAndStddev(sample([f], 'x', 50_000, 'incident') as number[]).mean / 500 - 1) < 0.03);
  });

  it('draws exponential values with the configured mean and uniform values over [min, max]', () => {
    const e = meanAndStddev(sample([field('x', 'float', 'distribution', { type: 'exponential', mean: 20 })], 'x') as number[]);
    assert.ok(Math.abs(e.mean / 20 - 1) < 0.02 && Math.abs(e.stddev / 20 - 1) < 0.03, `exponential ${JSON.stringify(e)}`);
    const us = sample([field('x', 'float', 'distribution', { type: 'uniform', min: 10, max: 30 })], 'x') as number[];
    assert.ok(us.every((u) => u >= 10 && u <= 30));
    const u = meanAndStddev(us);
    assert.ok(Math.abs(u.mean - 20) < 0.1 && Math.abs(u.stddev - 20 / Math.sqrt(12)) < 0.1, `uniform ${JSON.stringify(u)}`);
  });

  it('clamps to [min, max] and rounds half up for int fields', () => {
    const xs = sample([field('x', 'int', 'distribution', { type: 'normal', mean: 0, stddev: 10, min: -5, max: 5 })], 'x', 20_000) as number[];
    for (const x of xs) assert.ok(Number.isInteger(x) && x >= -5 && x <= 5);
    const c = counts(xs);
    assert.ok(c.get(5)! > 20_000 * 0.25 && c.get(-5)! > 20_000 * 0.25, 'clamped mass at both ends');
    assert.ok(xs.every((x) => !Object.is(x, -0)), 'JSON has no negative zero');
  });
});

describe('field generators: text', () => {
  it('draws lowercase hex of the configured length with uniform digits', () => {
    for (const length of [1, 7, 8, 9, 32]) {
      const xs = sample([field('h', 'keyword', 'hex', { length })], 'h', 2000) as string[];
      for (const x of xs) assert.match(x, new RegExp(`^[0-9a-f]{${length}}$`));
    }
    const digits = new Map<string, number>();
    for (const x of sample([field('h', 'keyword', 'hex', { length: 16 })], 'h', 10_000) as string[]) {
      for (const ch of x) digits.set(ch, (digits.get(ch) ?? 0) + 1);
    }
    assert.equal(digits.size, 16);
    for (const [d, k] of digits) assertFrequency(k, 160_000, 1 / 16, `digit ${d}`);
  });

  it('draws IPv4 addresses within the cidr, 10.0.0.0/8 by default', () => {
    const inNet = (ip: string, net: number, prefix: number) => {
      const n = ip.split('.').map(Number).reduce((a, b) => a * 256 + b, 0);
      return Math.floor(n / 2 ** (32 - prefix)) === Math.floor(net / 2 ** (32 - prefix));
    };
    const a = sample([field('a', 'ip', 'ip', { cidr: '172.16.32.0/20' })], 'a', 20_000) as string[];
    for (const ip of a) assert.ok(inNet(ip, (172 * 256 + 16) * 65536 + 32 * 256, 20), ip);
    assert.ok(new Set(a).size > 3000);
    for (const ip of sample([field('b', 'ip', 'ip')], 'b', 2000) as string[]) assert.ok(ip.startsWith('10.') && inNet(ip, 10 * 2 ** 24, 8), ip);
    assert.deepEqual(new Set(sample([field('c', 'ip', 'ip', { cidr: '192.168.1.7/32' })], 'c', 100)), new Set(['192.168.1.7']));
    for (const ip of sample([field('d', 'keyword', 'ip', { cidr: '0.0.0.0/0' })], 'd', 2000) as string[]) assert.match(ip, /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  });

  it('fills pattern placeholders from earlier fields, sub-generators, built-ins and config.placeholders', () => {
    const fields = [
      field('service', 'keyword', 'enum', { values: ['api', 'db'] }),
      field('host', 'keyword', 'pattern', { pattern: '{service}-{pod_id}.{zone}/{retry_count}', pod_id: { type: 'range', min: 1, max: 20 }, placeholders: { zone: { type: 'enum', values: ['eu', 'us'] } } }),
    ];
    const enc = new EventEncoder({ fields: [TS, ...fields], seed: 1 });
    const pods = new Set<number>();
    for (let g = 0; g < 5000; g++) {
      const v = enc.values(g, T0, 'baseline');
      const m = /^(api|db)-(\d+)\.(eu|us)\/(\d)$/.exec(v.host as string);
      assert.ok(m, String(v.host));
      assert.equal(m[1], v.service);
      pods.add(Number(m[2]));
      assert.ok(Number(m[4]) >= 1 && Number(m[4]) <= 5);
    }
    assert.deepEqual([...pods].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('draws every built-in auxiliary value within its stated range', () => {
    const t = field('m', 'text', 'template', { key: 'k', templates: { x: ['{retry_count}|{pool_pct}|{client_id}|{line}|{query_time}|{method}|{args_summary}'] } });
    const seen = { retry: new Set<number>(), method: new Set<string>() };
    for (const m of sample([field('k', 'keyword', 'enum', { values: ['x'] }), t], 'm', 20_000) as string[]) {
      const [retry, pool, client, line, query, method, args] = m.split('|');
      const inRange = (s: string, lo: number, hi: number) => Number(s) >= lo && Number(s) <= hi && /^\d+$/.test(s);
      assert.ok(inRange(retry!, 1, 5) && inRange(pool!, 80, 99) && inRange(line!, 10, 2000) && inRange(query!, 1, 5000), m);
      assert.match(client!, /^client-\d+$/);
      assert.ok(inRange(client!.slice(7), 1, 1000), m);
      assert.ok((AUXILIARY_METHOD_NAMES as readonly string[]).includes(method!), m);
      assert.match(args!, /^\{id=[0-9a-f]{8}, n=(\d+)\}$/);
      assert.ok(inRange(/n=(\d+)/.exec(args!)![1]!, 1, 50), m);
      seen.retry.add(Number(retry));
      seen.method.add(method!);
    }
    assert.equal(seen.retry.size, 5);
    assert.equal(seen.method.size, 8);
  });

  it('uses one value per placeholder name within a field', () => {
    for (const m of sample([field('k', 'keyword', 'enum', { values: ['x'] }), field('m', 'text', 'template', { key: 'k', templates: { x: ['{line}={line}'] } })], 'm', 2000) as string[]) {
      const [a, b] = m.split('=');
      assert.equal(a, b);
    }
  });

  it('chooses the template list by the key field, else the default list, else null', () => {
    const fields = [
      field('level', 'keyword', 'enum', { values: ['INFO', 'ERROR', 'DEBUG'] }),
      field('m', 'text', 'template', { templates: { INFO: ['i1', 'i2'], ERROR: ['e1'], default: ['d'] } }),
      field('h', 'keyword', 'hex', { length: 1 }),
      field('n', 'text', 'template', { key: 'h', templates: { a: ['was a'] } }),
    ];
    const enc = new EventEncoder({ fields: [TS, ...fields], seed: 3 });
    const byLevel = new Map<string, Set<unknown>>();
    for (let g = 0; g < 3000; g++) {
      const v = enc.values(g, T0, 'baseline');
      if (!byLevel.has(v.level as string)) byLevel.set(v.level as string, new Set());
      byLevel.get(v.level as string)!.add(v.m);
      assert.equal(v.n, v.h === 'a' ? 'was a' : null);
    }
    assert.deepEqual(byLevel.get('INFO'), new Set(['i1', 'i2']));
    assert.deepEqual(byLevel.get('ERROR'), new Set(['e1']));
    assert.deepEqual(byLevel.get('DEBUG'), new Set(['d']));
  });
});

describe('field generators: conditional and derived', () => {
  const level = field('level', 'keyword', 'weighted_enum', { values: { INFO: 0.5, WARN: 0.25, ERROR: 0.25 } });

  it('gives the inner value when the condition holds and else (default null) otherwise', () => {
    const fields = [
      level,
      field('code', 'keyword', 'conditional', { condition: 'level in [ERROR, WARN]', generator: 'weighted_enum', values: { A: 1, B: 1 } }),
      field('n', 'int', 'conditional', { condition: 'level != INFO', generator: 'range', config: { min: 1, max: 3 }, else: -1 }),
    ];
    const enc = new EventEncoder({ fields: [TS, ...fields], seed: 5 });
    let held = 0;
    for (let g = 0; g < 20_000; g++) {
      const v = enc.values(g, T0, 'baseline');
      if (v.level === 'INFO') {
        assert.equal(v.code, null);
        assert.equal(v.n, -1);
      } else {
        held++;
        assert.ok(v.code === 'A' || v.code === 'B');
        assert.ok([1, 2, 3].includes(v.n as number));
      }
    }
    assertFrequency(held, 20_000, 0.5, 'condition held');
  });

  it('copies earlier fields and computes arithmetic, rounding half up for int/long', () => {
    const fields = [
      field('ms', 'float', 'distribution', { type: 'uniform', min: 0, max: 10 }),
      field('ns', 'long', 'derived', { expression: 'ms * 1000000' }),
      field('half', 'int', 'derived', { expression: '(ms - ms) + 2.5' }),
      field('neg', 'int', 'derived', { expression: '-(ms - ms) - 2.5' }),
      field('ratio', 'float', 'derived', { expression: 'ms / 4' }),
      field('copy', 'float', 'derived', { expression: 'ms' }),
      field('whole', 'int', 'derived', { expression: 'ms' }),
    ];
    const enc = new EventEncoder({ fields: [TS, ...fields], seed: 6 });
    for (let g = 0; g < 5000; g++) {
      const v = enc.values(g, T0, 'baseline');
      const ms = v.ms as number;
      assert.equal(v.ns, Math.floor(ms * 1e6 + 0.5));
      assert.equal(v.half, 3);
      assert.equal(v.neg, -2);
      assert.equal(v.ratio, ms / 4);
      assert.equal(v.copy, ms);
      assert.equal(v.whole, Math.floor(ms + 0.5));
    }
  });

  it('gives null for arithmetic over a null value and for a division by zero', () => {
    const fields = [
      field('lvl', 'keyword', 'enum', { values: ['a', 'b'] }),
      field('x', 'int', 'conditional', { condition: 'lvl == a', generator: 'range', min: 1, max: 9 }),
      field('y', 'long', 'derived', { expression: 'x * 2' }),
      field('z', 'float', 'derived', { expression: 'x / (x - x)' }),
    ];
    const enc = new EventEncoder({ fields: [TS, ...fields], seed: 8 });
    const lvls = new Set<unknown>();
    for (let g = 0; g < 2000; g++) {
      const v = enc.values(g, T0, 'baseline');
      lvls.add(v.lvl);
      assert.equal(v.y, v.lvl === 'a' ? (v.x as number) * 2 : null);
      assert.equal(v.z, null);
    }
    assert.equal(lvls.size, 2);
  });
});

describe('field generators: timestamps', () => {
  it('writes the scheduled time as ISO-8601, epoch milliseconds or whole epoch seconds', () => {
    const fields = [field('ms', 'long', 'now', { format: 'epoch_millis' }), field('s', 'long', 'now', { format: 'epoch_seconds' })];
    const enc = new EventEncoder({ fields: [TS, ...fields], seed: 1 });
    for (const ms of [T0, T0 + 1, T0 + 999, T0 + 1000, T0 + 86_399_999, Date.UTC(1999, 11, 31, 23, 59, 59, 7)]) {
      const v = enc.values(0, ms, 'baseline');
      assert.deepEqual(v, { '@timestamp': new Date(ms).toISOString(), ms, s: Math.floor(ms / 1000) });
    }
  });

  it('lets an adapter override the timestamp field\'s format', () => {
    const enc = new EventEncoder({ fields: [TS], seed: 1, timestampFormat: 'epoch_millis' });
    assert.equal(enc.encode(0, T0 + 5, 'baseline'), `{"@timestamp":${T0 + 5}}`);
  });
});
