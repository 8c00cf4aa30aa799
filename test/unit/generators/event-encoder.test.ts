import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../../../src/core/errors.js';
import { EventEncoder } from '../../../src/generators/event-encoder.js';
import type { DataProfile, FieldDef } from '../../../src/scenario/schema.js';

const T0 = Date.UTC(2026, 0, 1);
const TS: FieldDef = { name: '@timestamp', type: 'timestamp', generator: 'now' };
const SRE = (parse(readFileSync(new URL('../../../../test/unit/generators/sre-outage.fields.yaml', import.meta.url), 'utf8')) as { fields: FieldDef[] }).fields;

function field(name: string, type: string, generator: string, config?: unknown): FieldDef {
  return { name, type, generator, ...(config === undefined ? {} : { config }) } as FieldDef;
}

const profileOf = (g: number): DataProfile => (g % 3 === 0 ? 'baseline' : 'incident');

describe('event encoder: determinism (SPEC §5.1)', () => {
  it('produces byte-identical events for the same seed, and different ones for another seed', () => {
    const a = new EventEncoder({ fields: SRE, seed: 42 });
    const b = new EventEncoder({ fields: SRE, seed: 42 });
    const c = new EventEncoder({ fields: SRE, seed: 43 });
    let differs = 0;
    for (let g = 0; g < 2000; g++) {
      const ms = T0 + g * 3;
      const ea = a.encode(g, ms, profileOf(g));
      assert.equal(ea, b.encode(g, ms, profileOf(g)));
      if (ea !== c.encode(g, ms, profileOf(g))) differs++;
    }
    assert.equal(differs, 2000);
  });

  it('gives the same event for g whatever was generated before (no hidden state)', () => {
    const fresh = (g: number) => new EventEncoder({ fields: SRE, seed: 7 }).encode(g, T0 + g, profileOf(g));
    const shared = new EventEncoder({ fields: SRE, seed: 7 });
    for (const g of [900, 3, 2 ** 40, 3, 17, 900]) assert.equal(shared.encode(g, T0 + g, profileOf(g)), fresh(g));
  });

  it('keeps earlier fields unchanged when fields are appended', () => {
    const short = new EventEncoder({ fields: SRE.slice(0, 8), seed: 42 });
    const long = new EventEncoder({ fields: SRE, seed: 42 });
    for (let g = 0; g < 500; g++) {
      const all = long.values(g, T0, 'incident');
      const part = short.values(g, T0, 'incident');
      for (const k of Object.keys(part)) assert.deepEqual(part[k], all[k], `${k} of g ${g}`);
    }
  });
});

describe('event encoder: the JSON text', () => {
  it('equals JSON.stringify of values(): keys in schema order, flat dotted keys, numbers and nulls alike', () => {
    const enc = new EventEncoder({ fields: SRE, seed: 42 });
    for (let g = 0; g < 5000; g++) {
      const text = enc.encode(g, T0 + g * 7, profileOf(g));
      const values = enc.values(g, T0 + g * 7, profileOf(g));
      assert.equal(text, JSON.stringify(values));
      assert.deepEqual(JSON.parse(text), values);
    }
    assert.deepEqual(Object.keys(enc.values(0, T0, 'baseline')), SRE.map((f) => f.name));
  });

  it('gives the same bytes from encodeBytes as the UTF-8 of encode', () => {
    const enc = new EventEncoder({ fields: [TS, field('m', 'text', 'enum', { values: ['plain', 'naïve ☃ 𝄞'] })], seed: 1 });
    for (let g = 0; g < 200; g++) {
      const text = enc.encode(g, T0, 'baseline');
      assert.deepEqual(Buffer.from(enc.encodeBytes(g, T0, 'baseline')), Buffer.from(text, 'utf8'));
    }
  });

  it('escapes quotes, backslashes, control characters and unicode exactly as JSON.stringify', () => {
    const nasty = ['say "hi"', 'C:\\path\\', 'tab\tnew\nline\r\u0000\u001f\u007f', 'naïve ☃', 'clef 𝄞', 'lone \ud800 high', 'lone \udc00 low', '\u2028\u2029', '</script>'];
    const fields = [
      TS,
      field('e', 'keyword', 'enum', { values: nasty }),
      field('w', 'keyword', 'weighted_enum', { values: Object.fromEntries(nasty.map((v) => [v, 1])) }),
      field('p', 'keyword', 'pattern', { pattern: '«{e}» \\ "{w}"\t{x}', x: { type: 'enum', values: nasty } }),
      field('t', 'text', 'template', { key: 'e', templates: { default: ['{e}|"{p}"|\u0001|é'] } }),
      field('c', 'keyword', 'derived', { expression: 't' }),
      field('q', 'keyword', 'conditional', { condition: 'e == "say \\"hi\\""', generator: 'enum', values: ['"'], else: '\\' }),
    ];
    const enc = new EventEncoder({ fields, seed: 9 });
    const seen = new Set<unknown>();
    for (let g = 0; g < 3000; g++) {
      const text = enc.encode(g, T0, 'baseline');
      const values = enc.values(g, T0, 'baseline');
      assert.equal(text, JSON.stringify(values));
      assert.equal(values.c, values.t);
      assert.equal(values.q, values.e === 'say "hi"' ? '"' : '\\');
      seen.add(values.e);
    }
    assert.equal(seen.size, nasty.length);
  });

  it('allows field names that are special to objects or JSON', () => {
    const fields = [TS, field('__proto__', 'keyword', 'enum', { values: ['x'] }), field('we"ird\\name', 'int', 'range', { min: 1, max: 1 }), field('κλειδί', 'keyword', 'enum', { values: ['ü'] })];
    const enc = new EventEncoder({ fields, seed: 1 });
    const text = enc.encode(3, T0, 'baseline');
    const values = enc.values(3, T0, 'baseline');
    assert.equal(text, `{"@timestamp":"2026-01-01T00:00:00.000Z","__proto__":"x","we\\"ird\\\\name":1,"κλειδί":"ü"}`);
    assert.deepEqual(JSON.parse(text), values);
    assert.equal(Object.getPrototypeOf(values), Object.prototype);
  });

  it('sizes its buffer for the largest possible event (long texts, copies, multi-byte characters)', () => {
    const long = '€'.repeat(3000);
    const fields = [
      TS,
      field('h', 'keyword', 'hex', { length: 20_000 }),
      field('e', 'text', 'enum', { values: [long, 'x'] }),
      field('p', 'text', 'pattern', { pattern: '{h}{e}{h}{e}{args_summary}' }),
      field('c1', 'text', 'derived', { expression: 'p' }),
      field('c2', 'text', 'derived', { expression: 'p' }),
      field('t', 'text', 'template', { key: 'e', templates: { default: ['{c1}{c2}{p}'] } }),
    ];
    const enc = new EventEncoder({ fields, seed: 2 });
    for (let g = 0; g < 20; g++) {
      const text = enc.encode(g, T0, 'baseline');
      assert.equal(text, JSON.stringify(enc.values(g, T0, 'baseline')));
    }
  });
});

describe('event encoder: sentinels (SPEC §5.3)', () => {
  it('replaces only the id field\'s value; later fields keep the drawn id', () => {
    const fields = [TS, field('trace_id', 'keyword', 'hex', { length: 32 }), field('m', 'text', 'pattern', { pattern: 'key {trace_id}' }), field('copy', 'keyword', 'derived', { expression: 'trace_id' })];
    const enc = new EventEncoder({ fields, seed: 42, idField: 'trace_id' });
    const plain = enc.values(11, T0, 'baseline');
    const text = enc.encode(11, T0, 'baseline', 'ib-3f2a9c1e-5');
    const expected: Record<string, unknown> = { ...plain, trace_id: 'ib-3f2a9c1e-5' };
    assert.equal(text, JSON.stringify(expected));
    assert.deepEqual(enc.values(11, T0, 'baseline', 'ib-3f2a9c1e-5'), expected);
    assert.equal(expected.m, `key ${plain.trace_id as string}`);
    assert.deepEqual(Buffer.from(enc.encodeBytes(11, T0, 'baseline', 'ib-3f2a9c1e-5')), Buffer.from(text));
  });

  it('tells a field of the event just encoded without generating it again, sentinel id included', () => {
    const fields = [TS, field('trace_id', 'keyword', 'hex', { length: 8 }), field('svc', 'keyword', 'enum', { values: ['a', 'b'] }), field('n', 'int', 'range', { min: 1, max: 9 })];
    const enc = new EventEncoder({ fields, seed: 4, idField: 'trace_id' });
    for (let g = 0; g < 50; g++) {
      const parsed = JSON.parse(enc.encode(g, T0, 'baseline')) as Record<string, unknown>;
      for (const name of ['@timestamp', 'trace_id', 'svc', 'n']) assert.equal(enc.lastValue(name), parsed[name]);
    }
    enc.encodeBytes(3, T0, 'incident');
    assert.equal(enc.lastValue('n'), enc.values(3, T0, 'incident').n);
    enc.encode(5, T0, 'baseline', 'ib-abc-1');
    assert.equal(enc.lastValue('trace_id'), 'ib-abc-1');
    assert.equal(enc.lastValue('nope'), undefined);
  });

  it('refuses a sentinel id when it has no id field', () => {
    const enc = new EventEncoder({ fields: [TS], seed: 1 });
    assert.throws(() => enc.encode(0, T0, 'baseline', 'ib-x-0'), RangeError);
  });
});

describe('event encoder: construction', () => {
  it('throws a ConfigError listing every problem of invalid fields', () => {
    assert.throws(
      () => new EventEncoder({ fields: [TS, field('x', 'int', 'range', { min: 3 }), field('y', 'keyword', 'hex', {})], seed: 1, idField: 'id' }),
      (err: unknown) => err instanceof ConfigError && err.problems.map((p) => `${p.path}: ${p.message}`).join('\n') === [
        'fields[1].config: missing required key "max" for generator "range"',
        'fields[2].config: missing required key "length" for generator "hex"',
        ': id field "id" names no field',
      ].join('\n'));
  });

  it('writes an empty object for an empty field list', () => {
    assert.equal(new EventEncoder({ fields: [], seed: 1 }).encode(0, T0, 'baseline'), '{}');
  });

  it('rejects a seed outside [0, 2^32)', () => {
    assert.throws(() => new EventEncoder({ fields: [TS], seed: -1 }), RangeError);
    assert.throws(() => new EventEncoder({ fields: [TS], seed: 1.5 }), RangeError);
  });
});

describe('event encoder: the reference SRE-outage scenario', () => {
  it('generates consistent events: copies, derived values, conditional codes, hosts and messages', () => {
    const enc = new EventEncoder({ fields: SRE, seed: 42 });
    const levels = { baseline: new Map<string, number>(), incident: new Map<string, number>() };
    for (let g = 0; g < 40_000; g++) {
      const profile = g % 2 === 0 ? 'baseline' : 'incident';
      const v = enc.values(g, T0 + g, profile);
      levels[profile].set(v.level as string, (levels[profile].get(v.level as string) ?? 0) + 1);
      assert.equal(v['kubernetes.pod_name'], v.host);
      assert.equal(v['kubernetes.container_name'], v.service);
      assert.equal(v['kubernetes.namespace'], 'production');
      assert.equal(v.duration_ns, (v.response_time_ms as number) * 1_000_000);
      assert.equal(v.error_code === null, v.level !== 'ERROR' && v.level !== 'WARN');
      assert.match(v.host as string, new RegExp(`^${v.service as string}-([1-9]|1[0-9]|20)\\.internal$`));
      assert.equal(typeof v.http_status, 'number');
      assert.ok(Number.isInteger(v.response_time_ms) && (v.response_time_ms as number) >= 1 && (v.response_time_ms as number) <= 30_000);
      assert.match(v.trace_id as string, /^[0-9a-f]{32}$/);
      if (v.level === 'DEBUG') assert.match(v.message as string, /^(Entering \w+ with args: \{id=[0-9a-f]{8}, n=\d+\}|SQL query executed in \d+ms)$/);
    }
    const share = (m: Map<string, number>, k: string) => (m.get(k) ?? 0) / 20_000;
    assert.ok(Math.abs(share(levels.baseline, 'INFO') - 0.7) < 0.02 && Math.abs(share(levels.incident, 'ERROR') - 0.6) < 0.02);
  });
});
