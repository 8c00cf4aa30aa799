import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  AUXILIARY_PLACEHOLDERS, checkFields, readFields, type CheckFieldsOptions, type FieldSpec,
} from '../../../src/scenario/check-fields.js';
import { formatPath, type DocPath, type ProblemSink } from '../../../src/scenario/problems.js';
import type { FieldDef } from '../../../src/scenario/schema.js';

const TS: FieldDef = { name: '@timestamp', type: 'timestamp', generator: 'now' };
const LEVEL: FieldDef = { name: 'level', type: 'keyword', generator: 'weighted_enum', config: { values: { INFO: 0.9, ERROR: 0.1 } } };
const N: FieldDef = { name: 'n', type: 'int', generator: 'range', config: { min: 1, max: 2 } };

/** A field from loose test data (configs of any shape, as a YAML file can hold). */
function field(name: string, type: string, generator: string, config?: unknown): FieldDef {
  return { name, type, generator, ...(config === undefined ? {} : { config }) } as FieldDef;
}

/** Every problem as `E path: message` (errors) or `W path: message` (warnings), in report order. */
function problems(fields: FieldDef[], opts: Partial<CheckFieldsOptions> = {}): string[] {
  const out: string[] = [];
  const sink: ProblemSink = {
    error: (p: DocPath, m: string) => out.push(`E ${formatPath(p)}: ${m}`),
    warn: (p: DocPath, m: string) => out.push(`W ${formatPath(p)}: ${m}`),
  };
  checkFields(fields, ['schema', 'fields'], sink, { timestampField: '@timestamp', partitionKey: null, ...opts });
  return out;
}

function specs(fields: FieldDef[]): FieldSpec[] {
  const sink: ProblemSink = { error: (p, m) => assert.fail(`${formatPath(p)}: ${m}`), warn: () => {} };
  return readFields(fields, ['fields'], sink);
}

describe('field definitions: the reference scenario (SPEC §5.2)', () => {
  it('checks the SRE-outage fields clean', () => {
    const doc = parse(readFileSync(new URL('../../../../test/unit/generators/sre-outage.fields.yaml', import.meta.url), 'utf8')) as { fields: FieldDef[] };
    assert.deepEqual(problems(doc.fields, { idField: 'trace_id' }), []);
  });

  it('reports nothing for a field set that uses every generator form', () => {
    const fields = [
      TS, LEVEL, N,
      field('epoch', 'long', 'now', { format: 'epoch_millis' }),
      field('f', 'float', 'distribution', { baseline: { type: 'normal', mean: 1, stddev: 1 }, incident: { type: 'uniform', min: 0, max: 1 } }),
      field('e', 'float', 'distribution', { type: 'exponential', mean: 3, max: 100 }),
      field('h', 'keyword', 'hex', { length: 5 }),
      field('addr', 'ip', 'ip', { cidr: '192.168.0.0/16' }),
      field('p', 'keyword', 'pattern', { pattern: '{level}-{x}-{y}', x: { type: 'enum', values: ['a'] }, placeholders: { y: { type: 'hex', length: 3 } } }),
      field('t', 'text', 'template', { key: 'level', templates: { INFO: ['{client_id} {z}'], default: ['x'] }, placeholders: { z: { type: 'range', min: 1, max: 3 } } }),
      field('c', 'int', 'conditional', { condition: 'level == ERROR', generator: 'derived', config: { expression: 'n * 2' }, else: 0 }),
      field('d', 'float', 'derived', { expression: '(n + f) / 2' }),
      field('copy', 'keyword', 'derived', { expression: 'p' }),
    ];
    assert.deepEqual(problems(fields), []);
  });

  it('exports the built-in auxiliary placeholder names of SPEC §5.2', () => {
    assert.deepEqual([...AUXILIARY_PLACEHOLDERS], ['retry_count', 'pool_pct', 'client_id', 'line', 'query_time', 'method', 'args_summary']);
  });

  it('reports at the path of the stream in the multi-stream form', () => {
    const out: string[] = [];
    const sink: ProblemSink = { error: (p, m) => out.push(`${formatPath(p)}: ${m}`), warn: () => {} };
    checkFields([TS, field('x', 'keyword', 'hex', {})], ['data_streams', 0, 'schema', 'fields'], sink,
      { timestampField: 'timestamp', partitionKey: null });
    assert.deepEqual(out, [
      'data_streams[0].schema.fields[1].config: missing required key "length" for generator "hex"',
      'data_streams[0].schema.timestamp_field: timestamp_field "timestamp" names no field (did you mean "@timestamp"?); expected one of "@timestamp", "x"',
    ]);
  });
});

describe('field definitions: names and schema keys', () => {
  it('rejects a duplicate name at the later field', () => {
    assert.deepEqual(problems([TS, LEVEL, { ...LEVEL }]), [
      'E schema.fields[2].name: duplicate field name "level"; fields[1] already has it (names must be unique)']);
  });

  it('rejects empty parts between dots', () => {
    assert.deepEqual(problems([TS, field('a..b', 'keyword', 'hex', { length: 2 })]), [
      'E schema.fields[1].name: field name "a..b" has an empty part between dots; expected names such as "kubernetes.pod_name"']);
  });

  it('rejects a name that is both a value and a prefix, at the later field', () => {
    const a = field('a', 'keyword', 'hex', { length: 2 });
    const ab = field('a.b', 'keyword', 'hex', { length: 2 });
    assert.deepEqual(problems([TS, a, ab]), [
      'E schema.fields[2].name: field "a.b" nests under "a", which is itself a field (fields[1]); a name cannot be both a value and a prefix']);
    assert.deepEqual(problems([TS, ab, a]), [
      'E schema.fields[2].name: field "a" is also the prefix of field "a.b" (fields[1]); a name cannot be both a value and a prefix']);
  });

  it('requires the timestamp field to exist', () => {
    assert.deepEqual(problems([LEVEL], { timestampField: 'ts' }), [
      'E schema.timestamp_field: timestamp_field "ts" names no field; expected "level"']);
  });

  it('requires the timestamp field to have type timestamp and generator now', () => {
    assert.deepEqual(problems([field('@timestamp', 'keyword', 'hex', { length: 3 })]), [
      'E schema.fields[0].type: the timestamp field "@timestamp" must have type "timestamp", got "keyword"',
      'E schema.fields[0].generator: the timestamp field "@timestamp" must use generator "now", got "hex"']);
  });

  it('requires partition_key to name a field, with a suggestion', () => {
    assert.deepEqual(problems([TS, LEVEL], { partitionKey: 'levle' }), [
      'E schema.partition_key: partition_key "levle" names no field (did you mean "level"?); expected one of "@timestamp", "level"']);
  });

  it('requires the id field to exist and hold text', () => {
    assert.deepEqual(problems([TS, LEVEL], { idField: 'trace' }), [
      'E freshness.id_field: id_field "trace" names no field of the schema; expected one of "@timestamp", "level"']);
    assert.deepEqual(problems([TS, N], { idField: 'n', idFieldPath: ['x', 'id'] }), [
      'E x.id: id_field "n" must name a keyword or text field (sentinel ids are text), got type "int"']);
  });
});

describe('field definitions: generator configs', () => {
  it('requires config to be a mapping', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'hex', [1])]), [
      'E schema.fields[1].config: config must be a mapping (key: value), got a list']);
  });

  it('rejects unknown keys at the key, with a did-you-mean', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'range', { min: 1, mx: 3 })]), [
      'E schema.fields[1].config.mx: unknown key "mx" for generator "range" (did you mean "max"?)',
      'E schema.fields[1].config: missing required key "max" for generator "range"']);
  });

  it('lists the allowed keys when no key is close', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'range', { min: 1, max: 3, zzz: 1 })]), [
      'E schema.fields[1].config.zzz: unknown key "zzz" for generator "range"; expected one of "min", "max"']);
  });

  it('rejects values of the wrong type', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'range', { min: '1', max: 3 })]), [
      'E schema.fields[1].config.min: min must be a whole number, got "1"']);
  });

  it('requires min ≤ max', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'range', { min: 5, max: 1 })]), [
      'E schema.fields[1].config.max: max 1 is below min 5; expected min ≤ max']);
    assert.deepEqual(problems([TS, field('x', 'float', 'distribution', { type: 'normal', mean: 0, stddev: 1, min: 2, max: 1 })]), [
      'E schema.fields[1].config.max: max 1 is below min 2; expected min ≤ max']);
  });

  it('requires range bounds that fit an int field', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'range', { min: 0, max: 3000000000 })]), [
      'E schema.fields[1].config: min and max must fit an int field (-2147483648 … 2147483647); use type long']);
  });

  it('requires weights ≥ 0', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'weighted_enum', { values: { a: -1, b: 'x' } })]), [
      'E schema.fields[1].config.values.a: weight of "a" must be a number ≥ 0, got -1',
      'E schema.fields[1].config.values.b: weight of "b" must be a number ≥ 0, got "x"']);
  });

  it('rejects weights that are all 0', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'weighted_enum', { values: { a: 0, b: 0 } })]), [
      'E schema.fields[1].config.values: all weights are 0; expected at least one weight > 0']);
  });

  it('requires hex length ≥ 1', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'hex', { length: 0 })]), [
      'E schema.fields[1].config.length: length must be ≥ 1, got 0']);
    assert.deepEqual(problems([TS, field('x', 'keyword', 'hex')]), [
      'E schema.fields[1].config: missing required key "length" for generator "hex"']);
  });

  it('checks distribution.type with a suggestion', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'distribution', { type: 'lognorm', mean: 1, stddev: 1 })]), [
      'E schema.fields[1].config.type: "lognorm" is not a distribution type (did you mean "lognormal"?); expected one of "lognormal", "normal", "uniform", "exponential"']);
  });

  it('checks the keys each distribution type uses', () => {
    assert.deepEqual(problems([TS, field('x', 'float', 'distribution', { type: 'exponential', mean: 3, stddev: 1 })]), [
      'E schema.fields[1].config.stddev: stddev does not apply to an exponential distribution, whose stddev equals its mean; remove it']);
    assert.deepEqual(problems([TS, field('x', 'float', 'distribution', { type: 'uniform', mean: 3 })]), [
      'E schema.fields[1].config.mean: mean does not apply to a uniform distribution, which is set by min and max; remove it',
      'E schema.fields[1].config: missing required key "min" for a uniform distribution',
      'E schema.fields[1].config: missing required key "max" for a uniform distribution']);
    assert.deepEqual(problems([TS, field('x', 'float', 'distribution', { type: 'lognormal', mean: 0, stddev: 1 })]), [
      'E schema.fields[1].config.mean: mean must be > 0, got 0']);
    assert.deepEqual(problems([TS, field('x', 'float', 'distribution', { type: 'normal', mean: 1, stddev: -1 })]), [
      'E schema.fields[1].config.stddev: stddev must be ≥ 0, got -1']);
  });

  it('checks now.format with a suggestion-free list', () => {
    assert.deepEqual(problems([{ ...TS, config: { format: 'iso' } }]), [
      'E schema.fields[0].config.format: "iso" is not a timestamp format; expected one of "iso8601", "epoch_millis", "epoch_seconds"']);
  });

  it('requires an epoch format for now on a long field', () => {
    assert.deepEqual(problems([TS, field('x', 'long', 'now')]), [
      'E schema.fields[1].config: a long field holds epoch numbers; expected format "epoch_millis" or "epoch_seconds"']);
  });

  it('rejects values: together with profile maps', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'weighted_enum', { values: { a: 1 }, baseline: { a: 1 } })]), [
      'E schema.fields[1].config: use either values: or the profile maps baseline: and incident:, not both']);
  });

  it('requires both profile maps when one is given (weighted_enum and distribution)', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'weighted_enum', { baseline: { a: 1 } })]), [
      'E schema.fields[1].config: missing "incident:"; a per-profile config needs both baseline: and incident:']);
    assert.deepEqual(problems([TS, field('x', 'int', 'distribution', { incident: { type: 'normal', mean: 1, stddev: 1 } })]), [
      'E schema.fields[1].config: missing "baseline:"; a per-profile config needs both baseline: and incident:']);
  });

  it('requires values or profile maps for weighted_enum', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'weighted_enum', {})]), [
      'E schema.fields[1].config: missing required key "values" (or the profile maps baseline: and incident:) for generator "weighted_enum"']);
  });

  it('checks ip.cidr', () => {
    assert.deepEqual(problems([TS, field('x', 'ip', 'ip', { cidr: '10.0.0.0/33' })]), [
      'E schema.fields[1].config.cidr: cidr "10.0.0.0/33" is not valid; expected an IPv4 network such as "10.0.0.0/8"']);
    assert.deepEqual(problems([TS, field('x', 'ip', 'ip', { cidr: '256.0.0.0/8' })]), [
      'E schema.fields[1].config.cidr: cidr "256.0.0.0/8" is not valid; expected an IPv4 network such as "10.0.0.0/8"']);
  });
});

describe('field definitions: value types against field types', () => {
  it('rejects a generator that cannot fill the field type', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'hex', { length: 2 })]), [
      'E schema.fields[1].generator: generator "hex" cannot fill an int field; expected type keyword or text']);
  });

  it('rejects a weighted_enum key that is not a number on an int field', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'weighted_enum', { values: { abc: 1, 200: 1 } })]), [
      'E schema.fields[1].config.values.abc: value "abc" is not a whole number, as an int field needs']);
  });

  it('rejects enum values of the wrong type or out of the int range', () => {
    assert.deepEqual(problems([TS, field('x', 'int', 'enum', { values: [1, 'abc', 3000000000] })]), [
      'E schema.fields[1].config.values[1]: value "abc" is not a whole number, as an int field needs',
      'E schema.fields[1].config.values[2]: value 3000000000 does not fit an int field (-2147483648 … 2147483647); use type long']);
  });

  it('rejects enum values that are not IPv4 addresses on an ip field, and non-booleans on a boolean field', () => {
    assert.deepEqual(problems([TS, field('x', 'ip', 'enum', { values: ['10.0.0.1', 'host'] }), field('b', 'boolean', 'enum', { values: [true, 'yes'] })]), [
      'E schema.fields[1].config.values[1]: value "host" is not an IPv4 address, as an ip field needs (e.g. "10.1.2.3")',
      'E schema.fields[2].config.values[1]: value "yes" is not true or false, as a boolean field needs']);
  });

  it('turns weighted_enum keys into numbers on int/long fields and keeps them text on keyword fields', () => {
    const [, a, b] = specs([TS, field('a', 'long', 'weighted_enum', { values: { 200: 1, 500: 3 } }), field('b', 'keyword', 'enum', { values: [1, true] })]);
    assert.deepEqual(a!.spec, { generator: 'weighted_enum', baseline: { values: [200, 500], weights: [0.25, 0.75] }, incident: { values: [200, 500], weights: [0.25, 0.75] } });
    assert.deepEqual(b!.spec, { generator: 'enum', values: ['1', 'true'] });
  });

  it('rejects an else constant of the wrong type', () => {
    assert.deepEqual(problems([TS, LEVEL, field('e', 'int', 'conditional', { condition: 'level == ERROR', generator: 'range', min: 1, max: 2, else: 'n/a' })]), [
      'E schema.fields[2].config.else: value "n/a" is not a whole number, as an int field needs']);
  });
});

describe('field definitions: references to earlier fields', () => {
  it('rejects an unknown pattern placeholder, listing what exists', () => {
    const fields = [TS, field('svc', 'keyword', 'enum', { values: ['a'] }),
      field('x', 'keyword', 'pattern', { pattern: '{svc}-{pod}', pod_id: { type: 'range', min: 1, max: 2 } })];
    assert.deepEqual(problems(fields), [
      'E schema.fields[2].config.pattern: unknown placeholder {pod}; expected an earlier field, a sub-generator beside the pattern, '
        + 'a built-in value or a name under config.placeholders: @timestamp, svc, pod_id, retry_count, pool_pct, client_id, line, query_time, method, args_summary',
      'W schema.fields[2].config.pod_id: sub-generator "pod_id" is not used by the pattern']);
  });

  it('rejects a placeholder naming a later field, or the field itself', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'pattern', { pattern: '{svc}' }), field('svc', 'keyword', 'enum', { values: ['a'] })]), [
      'E schema.fields[1].config.pattern: placeholder {svc} refers to field "svc", which is defined later (fields[2]); a field can only use fields defined before it']);
    assert.deepEqual(problems([TS, field('x', 'keyword', 'pattern', { pattern: '{x}' })]), [
      'E schema.fields[1].config.pattern: placeholder {x} refers to this field itself; a field can only use fields defined before it']);
  });

  it('checks sub-generators beside a pattern', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'pattern', { pattern: '{a}-{b}-{c}', a: 3, b: { min: 1 }, c: { type: 'rnage' } })]), [
      'E schema.fields[1].config.a: sub-generator "a" must be a mapping with type: (enum, weighted_enum, range, hex, ip) and its config, got 3',
      'E schema.fields[1].config.b: sub-generator "b" needs type:; expected one of "enum", "weighted_enum", "range", "hex", "ip"',
      'E schema.fields[1].config.c.type: "rnage" is not a sub-generator (did you mean "range"?); expected one of "enum", "weighted_enum", "range", "hex", "ip"']);
  });

  it('checks a sub-generator\'s own config', () => {
    assert.deepEqual(problems([TS, field('x', 'keyword', 'pattern', { pattern: '{a}', a: { type: 'range', min: 1, mx: 2 } })]), [
      'E schema.fields[1].config.a.mx: unknown key "mx" for sub-generator "a" (type range) (did you mean "max"?)',
      'E schema.fields[1].config.a: missing required key "max" for generator "range"']);
  });

  it('rejects an unknown template placeholder with a suggestion', () => {
    assert.deepEqual(problems([TS, LEVEL, field('m', 'text', 'template', { templates: { INFO: ['{retry_cnt}'], ERROR: ['x'] } })]), [
      'E schema.fields[2].config.templates.INFO[0]: unknown placeholder {retry_cnt} (did you mean "retry_count"?); expected an earlier field, '
        + 'a built-in value or a name under config.placeholders: @timestamp, level, retry_count, pool_pct, client_id, line, query_time, method, args_summary']);
  });

  it('warns when a built-in placeholder shadows a field defined later', () => {
    assert.deepEqual(problems([TS, LEVEL, field('m', 'text', 'template', { templates: { INFO: ['{method}'], ERROR: ['x'] } }),
      field('method', 'keyword', 'enum', { values: ['GET'] })]), [
      'W schema.fields[2].config.templates.INFO[0]: placeholder {method} takes the built-in value; "method" is also a field defined later (fields[3]), which a placeholder cannot use']);
  });

  it('requires the default template key field "level" to be defined earlier', () => {
    assert.deepEqual(problems([TS, field('m', 'text', 'template', { templates: { INFO: ['ok'] } })]), [
      'E schema.fields[1].config: templates are chosen by the field "level" (the default key:), which is not defined before this field; set key: to an earlier field: @timestamp']);
  });

  it('rejects a template key naming a later field', () => {
    assert.deepEqual(problems([TS, field('m', 'text', 'template', { key: 'lvl', templates: { INFO: ['ok'] } }), field('lvl', 'keyword', 'enum', { values: ['INFO'] })]), [
      'E schema.fields[1].config.key: key refers to field "lvl", which is defined later (fields[2]); a field can only use fields defined before it']);
  });

  it('rejects a condition on an unknown field with a suggestion', () => {
    assert.deepEqual(problems([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'lvl in [ERROR]', generator: 'enum', values: ['x'] })]), [
      'E schema.fields[2].config.condition: condition refers to unknown field "lvl" (did you mean "level"?); expected a field defined before this one: @timestamp, level']);
  });

  it('reports a condition syntax error with its column', () => {
    assert.deepEqual(problems([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'level = ERROR', generator: 'enum', values: ['x'] })]), [
      'E schema.fields[2].config.condition: condition: column 7: expected "in", "==" or "!=" after the field name, found "= ERROR"']);
  });

  it('warns about condition values the field never takes', () => {
    assert.deepEqual(problems([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'level in [EROR]', generator: 'enum', values: ['x'] })]), [
      'W schema.fields[2].config.condition: condition: column 11: field "level" never takes the value "EROR" (did you mean "ERROR"?)',
      'W schema.fields[2].config.condition: condition never holds: field "level" takes only "INFO", "ERROR"']);
  });

  it('rejects inner generators that cannot be conditional', () => {
    assert.deepEqual(problems([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'level == ERROR', generator: 'now' })]), [
      'E schema.fields[2].config.generator: "now" cannot be used inside a conditional; expected one of "enum", "weighted_enum", "range", "distribution", "hex", "pattern", "template", "derived", "ip"']);
  });

  it('rejects inner keys both beside generator: and under config:', () => {
    assert.deepEqual(problems([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'level == ERROR', generator: 'enum', values: ['x'], config: { values: ['y'] } })]), [
      'E schema.fields[2].config.values: key "values" must go under config: (the inner generator\'s keys are either all beside generator: or all under config:)']);
  });

  it('checks the inner generator\'s keys where they are written', () => {
    assert.deepEqual(problems([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'level == ERROR', generator: 'hex', config: { lenght: 4 } })]), [
      'E schema.fields[2].config.config.lenght: unknown key "lenght" for generator "hex" (did you mean "length"?)',
      'E schema.fields[2].config.config: missing required key "length" for generator "hex"']);
  });

  it('rejects arithmetic over a non-numeric field', () => {
    assert.deepEqual(problems([TS, LEVEL, field('d', 'long', 'derived', { expression: 'level * 2' })]), [
      'E schema.fields[2].config.expression: expression (column 1) uses "level", a keyword field; arithmetic needs int, long or float fields']);
  });

  it('rejects arithmetic into a non-numeric field', () => {
    assert.deepEqual(problems([TS, N, field('d', 'keyword', 'derived', { expression: 'n * 2' })]), [
      'E schema.fields[2].config.expression: arithmetic gives numbers, which cannot fill a keyword field; expected type int, long or float (or a plain field name to copy)']);
  });

  it('reports an expression syntax error with its column', () => {
    assert.deepEqual(problems([TS, N, field('d', 'long', 'derived', { expression: 'n * ' })]), [
      'E schema.fields[2].config.expression: expression: column 5: expected a field name, a number or "(" after "*", found the end of the expression']);
  });

  it('rejects an unknown expression field with a suggestion', () => {
    assert.deepEqual(problems([TS, N, field('d', 'long', 'derived', { expression: 'nn * 2' })]), [
      'E schema.fields[2].config.expression: expression (column 1) refers to unknown field "nn" (did you mean "n"?); expected a field defined before this one: @timestamp, n']);
  });

  it('rejects a copy between incompatible types', () => {
    assert.deepEqual(problems([TS, N, field('d', 'keyword', 'derived', { expression: 'n' })]), [
      'E schema.fields[2].config.expression: expression copies "n", an int field, into a keyword field; expected a field of type keyword, text or ip']);
  });

  it('rejects a copy of a later field', () => {
    assert.deepEqual(problems([TS, field('d', 'long', 'derived', { expression: 'n' }), N]), [
      'E schema.fields[1].config.expression: expression refers to field "n", which is defined later (fields[2]); a field can only use fields defined before it']);
  });

  it('copies a field whose name is not an arithmetic name', () => {
    const [, , d] = specs([TS, field('my-host', 'keyword', 'hex', { length: 4 }), field('d', 'keyword', 'derived', { expression: 'my-host' })]);
    assert.deepEqual(d!.spec, { generator: 'derived', mode: 'copy', field: 1 });
  });
});

describe('field definitions: template coverage', () => {
  it('requires a list for every value of an enumerable key field unless default exists, and warns on unused lists', () => {
    assert.deepEqual(problems([TS, LEVEL, field('m', 'text', 'template', { templates: { INFO: ['ok'], EROR: ['bad'] } })]), [
      'E schema.fields[2].config.templates: no template list for "ERROR" (a value of field "level"); add a list for each, or a "default:" list',
      'W schema.fields[2].config.templates.EROR: field "level" never takes the value "EROR" (did you mean "ERROR"?), so this list is never used']);
  });

  it('accepts missing lists when a default list exists', () => {
    assert.deepEqual(problems([TS, LEVEL, field('m', 'text', 'template', { templates: { INFO: ['ok'], default: ['other'] } })]), []);
  });

  it('counts every profile\'s keys of a weighted_enum, and number keys by their text', () => {
    const status = field('status', 'int', 'weighted_enum', { baseline: { 200: 1, 500: 0 }, incident: { 500: 1 } });
    assert.deepEqual(problems([TS, status, field('m', 'text', 'template', { key: 'status', templates: { 200: ['ok'] } })]), [
      'E schema.fields[2].config.templates: no template list for "500" (a value of field "status"); add a list for each, or a "default:" list']);
  });

  it('follows copies of an enumerable field', () => {
    const copy = field('lvl', 'keyword', 'derived', { expression: 'level' });
    assert.deepEqual(problems([TS, LEVEL, copy, field('m', 'text', 'template', { key: 'lvl', templates: { INFO: ['ok'] } })]), [
      'E schema.fields[3].config.templates: no template list for "ERROR" (a value of field "lvl"); add a list for each, or a "default:" list']);
  });

  it('rejects empty lists and non-text entries', () => {
    assert.deepEqual(problems([TS, LEVEL, field('m', 'text', 'template', { templates: { INFO: [], ERROR: [3] } })]), [
      'E schema.fields[2].config.templates.INFO: expected a non-empty list of texts, got an empty list',
      'E schema.fields[2].config.templates.ERROR[0]: expected a text, got 3']);
  });
});

describe('field definitions: the normalised specs', () => {
  it('resolves placeholders in SPEC order and shares a generated value per name within a field', () => {
    const [, , p] = specs([TS, LEVEL, field('p', 'keyword', 'pattern', { pattern: '{level}:{line}:{x}:{line}', x: { type: 'hex', length: 2 } })]);
    assert.ok(p!.spec?.generator === 'pattern');
    assert.deepEqual(p!.spec.text.parts, [{ field: 1 }, ':', { generated: 0 }, ':', { generated: 1 }, ':', { generated: 0 }]);
    assert.deepEqual(p!.spec.generated.map((g) => g.name), ['line', 'x']);
  });

  it('prefers a sub-generator beside the pattern over a built-in of the same name', () => {
    const [, p] = specs([TS, field('p', 'keyword', 'pattern', { pattern: '{line}', line: { type: 'enum', values: ['L'] } })]);
    assert.ok(p!.spec?.generator === 'pattern');
    assert.deepEqual(p!.spec.generated[0]!.spec, { generator: 'enum', values: ['L'] });
  });

  it('reads the inner generator from beside generator: and from under config: alike', () => {
    const beside = specs([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'level == ERROR', generator: 'enum', values: ['x'] })])[2]!;
    const under = specs([TS, LEVEL, field('e', 'keyword', 'conditional', { condition: 'level == ERROR', generator: 'enum', config: { values: ['x'] } })])[2]!;
    assert.deepEqual(beside.spec, under.spec);
  });

  it('normalises the ip network and defaults it to 10.0.0.0/8', () => {
    const [, a, b] = specs([TS, field('a', 'ip', 'ip', { cidr: '192.168.7.9/16' }), field('b', 'ip', 'ip')]);
    assert.deepEqual(a!.spec, { generator: 'ip', network: 192 * 2 ** 24 + 168 * 2 ** 16, prefix: 16 });
    assert.deepEqual(b!.spec, { generator: 'ip', network: 10 * 2 ** 24, prefix: 8 });
  });
});
