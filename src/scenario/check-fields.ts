// Load-time reading of a stream's field definitions (SPEC §5.2): every generator config checked exactly and
// turned into a typed FieldSpec that the event generators compile. Must not generate values nor throw for user mistakes.

import type { FieldDef, FieldType, GeneratorName } from './schema.js';
import { FIELD_TYPES, GENERATOR_NAMES } from './schema.js';
import type { DocPath, ProblemSink } from './problems.js';
import { show } from './problems.js';
import { didYouMean, oneOf } from './suggest.js';
import { fieldRefs, formatArithError, parseArith, type ArithExpr } from './arith-expression.js';
import { conditionMatcher, formatConditionError, parseCondition, type FieldCondition } from './field-condition.js';

// ---------------------------------------------------------------------------------------------------------
// The normalised form

export const TIMESTAMP_FORMATS = ['iso8601', 'epoch_millis', 'epoch_seconds'] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];
export const DISTRIBUTION_TYPES = ['lognormal', 'normal', 'uniform', 'exponential'] as const;
export type DistributionType = (typeof DISTRIBUTION_TYPES)[number];

/** A field value as emitted: keyword/text/ip → string, int/long/float → number, boolean → boolean. */
export type Scalar = string | number | boolean | null;

/** A weighted choice; `weights` are normalised (sum 1), entries of weight 0 are kept but never drawn. */
export interface WeightedTable {
  values: Scalar[];
  weights: number[];
}

/** One profile's distribution; `min`/`max` null when not clamped on that side. */
export interface DistributionSpec {
  type: DistributionType;
  mean: number;
  stddev: number;
  min: number | null;
  max: number | null;
}

/** Text with placeholders: literal strings, an earlier field's value, or a generated value of this field. */
export type TextPart = string | { field: number } | { generated: number };
export interface TextTemplate {
  parts: TextPart[];
}

/** A placeholder value drawn for the field (sub-generator, built-in auxiliary or config.placeholders). */
export interface GeneratedPlaceholder {
  name: string;
  spec: GenSpec;
}

export type GenSpec =
  | { generator: 'now'; format: TimestampFormat }
  | { generator: 'enum'; values: Scalar[] }
  | { generator: 'weighted_enum'; baseline: WeightedTable; incident: WeightedTable }
  | { generator: 'range'; min: number; max: number }
  | { generator: 'distribution'; baseline: DistributionSpec; incident: DistributionSpec }
  | { generator: 'hex'; length: number }
  | { generator: 'pattern'; text: TextTemplate; generated: GeneratedPlaceholder[] }
  | {
      generator: 'template';
      keyField: number;
      lists: Map<string, TextTemplate[]>;
      fallback: TextTemplate[] | null;
      generated: GeneratedPlaceholder[];
    }
  | { generator: 'conditional'; field: number; condition: FieldCondition; inner: GenSpec; otherwise: Scalar }
  | { generator: 'derived'; mode: 'copy'; field: number }
  | { generator: 'derived'; mode: 'arith'; expression: ArithExpr; fields: Record<string, number> }
  | { generator: 'ip'; network: number; prefix: number };

/** A field after reading; `spec` is null when its definition has problems (they went to the sink). */
export interface FieldSpec {
  name: string;
  type: FieldType;
  spec: GenSpec | null;
}

/** The built-in auxiliary placeholder names of SPEC §5.2, usable in patterns and templates. */
export const AUXILIARY_PLACEHOLDERS = [
  'retry_count', 'pool_pct', 'client_id', 'line', 'query_time', 'method', 'args_summary',
] as const;

export const AUXILIARY_METHOD_NAMES = [
  'processOrder', 'getUserProfile', 'validateToken', 'chargePayment', 'reserveInventory', 'sendNotification',
  'searchCatalog', 'refreshCache',
] as const;

const range = (min: number, max: number): GenSpec => ({ generator: 'range', min, max });

/** What each auxiliary placeholder draws. */
export const AUXILIARY_SPECS: Readonly<Record<(typeof AUXILIARY_PLACEHOLDERS)[number], GenSpec>> = {
  retry_count: range(1, 5),
  pool_pct: range(80, 99),
  client_id: { generator: 'pattern', text: { parts: ['client-', { generated: 0 }] }, generated: [{ name: 'n', spec: range(1, 1000) }] },
  line: range(10, 2000),
  query_time: range(1, 5000),
  method: { generator: 'enum', values: [...AUXILIARY_METHOD_NAMES] },
  args_summary: {
    generator: 'pattern',
    text: { parts: ['{id=', { generated: 0 }, ', n=', { generated: 1 }, '}'] },
    generated: [{ name: 'id', spec: { generator: 'hex', length: 8 } }, { name: 'n', spec: range(1, 50) }],
  },
};

export interface CheckFieldsOptions {
  timestampField: string;
  partitionKey: string | null;
  idField?: string | null;
  /** Where `idField` is written (default `freshness.id_field`). */
  idFieldPath?: DocPath;
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

/** Checks a stream's fields and the schema keys that name them; every problem goes to `sink`. */
export function checkFields(fields: FieldDef[], path: DocPath, sink: ProblemSink, opts: CheckFieldsOptions): void {
  const specs = readFields(fields, path, sink);
  const schemaPath = path.slice(0, -1);
  const byName = new Map<string, number>();
  specs.forEach((f, i) => { if (!byName.has(f.name)) byName.set(f.name, i); });
  const names = [...byName.keys()];
  const known = (n: string) => `${didYouMean(n, names)}; expected ${names.length ? oneOf(names) : 'a field name'}`;

  const ts = byName.get(opts.timestampField);
  if (ts === undefined) {
    sink.error([...schemaPath, 'timestamp_field'], `timestamp_field ${show(opts.timestampField)} names no field${known(opts.timestampField)}`);
  } else {
    const def = fields[ts]!;
    if (def.type !== 'timestamp') {
      sink.error([...path, ts, 'type'], `the timestamp field ${show(def.name)} must have type "timestamp", got ${show(def.type)}`);
    }
    if (def.generator !== 'now') {
      sink.error([...path, ts, 'generator'], `the timestamp field ${show(def.name)} must use generator "now", got ${show(def.generator)}`);
    }
  }
  if (opts.partitionKey !== null && !byName.has(opts.partitionKey)) {
    sink.error([...schemaPath, 'partition_key'], `partition_key ${show(opts.partitionKey)} names no field${known(opts.partitionKey)}`);
  }
  if (opts.idField !== undefined && opts.idField !== null) {
    const where = opts.idFieldPath ?? ['freshness', 'id_field'];
    const id = byName.get(opts.idField);
    if (id === undefined) {
      sink.error(where, `id_field ${show(opts.idField)} names no field of ${formatStreamOf(path)}${known(opts.idField)}`);
    } else if (fields[id]!.type !== 'keyword' && fields[id]!.type !== 'text') {
      sink.error(where, `id_field ${show(opts.idField)} must name a keyword or text field (sentinel ids are text), got type ${show(fields[id]!.type)}`);
    }
  }
}

function formatStreamOf(path: DocPath): string {
  return path[0] === 'data_streams' && typeof path[1] === 'number' ? `data_streams[${path[1]}]` : 'the schema';
}

/**
 * Reads every field definition into a FieldSpec, reporting problems (names, configs, references) to `sink`.
 * Fields are read in order; a field may only use fields defined before it.
 */
export function readFields(fields: FieldDef[], path: DocPath, sink: ProblemSink): FieldSpec[] {
  return new FieldsReader(fields, path, sink).read();
}

// ---------------------------------------------------------------------------------------------------------
// Shared vocabulary

type Cfg = Record<string, unknown>;

const ALL_TYPES: readonly FieldType[] = FIELD_TYPES;
const NUMERIC: readonly FieldType[] = ['int', 'long', 'float'];
const TEXTUAL: readonly FieldType[] = ['keyword', 'text'];
const FITS: Record<Exclude<GeneratorName, 'conditional' | 'derived'>, readonly FieldType[]> = {
  now: ['timestamp', 'long'],
  enum: ALL_TYPES.filter((t) => t !== 'timestamp'),
  weighted_enum: ALL_TYPES.filter((t) => t !== 'timestamp'),
  range: NUMERIC,
  distribution: NUMERIC,
  hex: TEXTUAL,
  pattern: TEXTUAL,
  template: TEXTUAL,
  ip: ['ip', 'keyword', 'text'],
};
const KEYS: Record<Exclude<GeneratorName, 'pattern' | 'conditional'>, readonly string[]> = {
  now: ['format'],
  enum: ['values'],
  weighted_enum: ['values', 'baseline', 'incident'],
  range: ['min', 'max'],
  distribution: ['type', 'mean', 'stddev', 'min', 'max', 'baseline', 'incident'],
  hex: ['length'],
  template: ['templates', 'key', 'placeholders'],
  derived: ['expression'],
  ip: ['cidr'],
};
const DISTRIBUTION_KEYS = ['type', 'mean', 'stddev', 'min', 'max'];
const CONDITIONAL_OWN_KEYS = ['condition', 'generator', 'else', 'config'];
/** Generators a sub-generator (beside a pattern, or under config.placeholders) may name with `type:`. */
const SUB_GENERATORS = ['enum', 'weighted_enum', 'range', 'hex', 'ip'] as const;
const INNER_GENERATORS = GENERATOR_NAMES.filter((g) => g !== 'now' && g !== 'conditional');
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const PLACEHOLDER = /\{([A-Za-z_@][A-Za-z0-9_.@-]*)\}/g;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isMapping(v: unknown): v is Cfg {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return show(v);
}

function typeClass(t: FieldType): 'number' | 'text' | 'timestamp' | 'boolean' {
  if (NUMERIC.includes(t)) return 'number';
  if (t === 'timestamp' || t === 'boolean') return t;
  return 'text';
}

/** "a keyword field", "an int field". */
function aField(type: string): string {
  return `${/^[aeio]/.test(type) ? 'an' : 'a'} ${type} field`;
}

function typesText(types: readonly string[]): string {
  return types.length === 1 ? `type ${types[0]}` : `type ${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`;
}

/** Parses `a.b.c.d` into an unsigned 32-bit number, or null. */
export function parseIpv4(text: string): number | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

/** Parses `a.b.c.d/n` into the network (host bits cleared) and prefix length, or null. */
export function parseCidr(text: string): { network: number; prefix: number } | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const addr = parseIpv4(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (addr === null || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) return null;
  const prefix = Number(bits);
  const hostSize = 2 ** (32 - prefix);
  return { network: addr - (addr % hostSize), prefix };
}

/** Text forms (`String(v)`) a field's values can take, or null when they are not enumerable. */
function possibleValues(specs: readonly FieldSpec[], index: number): string[] | null {
  const spec = specs[index]?.spec;
  if (!spec) return null;
  switch (spec.generator) {
    case 'enum': return [...new Set(spec.values.map(String))];
    case 'weighted_enum': {
      const out = new Set<string>();
      for (const table of [spec.baseline, spec.incident]) {
        table.values.forEach((v, i) => { if (table.weights[i]! > 0) out.add(String(v)); });
      }
      return [...out];
    }
    case 'derived':
      if (spec.mode !== 'copy') return null;
      if (specs[spec.field]!.type === 'float' && (specs[index]!.type === 'int' || specs[index]!.type === 'long')) return null;
      return possibleValues(specs, spec.field);
    default: return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The reader

/** Where an inner config is read from: the mapping and its document path. */
interface At {
  cfg: Cfg;
  path: DocPath;
}

class FieldsReader {
  private readonly specs: FieldSpec[] = [];
  /** Name → index of its first definition (all fields). */
  private readonly firstIndex = new Map<string, number>();
  private current = 0;

  constructor(private readonly fields: FieldDef[], private readonly path: DocPath, private readonly sink: ProblemSink) {
    fields.forEach((f, i) => {
      if (typeof f?.name === 'string' && !this.firstIndex.has(f.name)) this.firstIndex.set(f.name, i);
    });
  }

  read(): FieldSpec[] {
    this.checkNames();
    for (let i = 0; i < this.fields.length; i++) {
      this.current = i;
      const def = this.fields[i]!;
      const type = (FIELD_TYPES as readonly string[]).includes(def?.type) ? def.type : null;
      const generator = (GENERATOR_NAMES as readonly string[]).includes(def?.generator) ? def.generator : null;
      let spec: GenSpec | null = null;
      // An unknown type or generator is the structural check's to report.
      if (type !== null && generator !== null) {
        const fieldPath = [...this.path, i];
        const raw = (def as { config?: unknown }).config;
        if (raw !== undefined && !isMapping(raw)) {
          this.sink.error([...fieldPath, 'config'], `config must be a mapping (key: value), got ${describe(raw)}`);
        } else {
          const at: At = { cfg: raw ?? {}, path: [...fieldPath, 'config'] };
          spec = this.generatorSpec(generator, type, at, [...fieldPath, 'generator']);
        }
      }
      this.specs.push({ name: typeof def?.name === 'string' ? def.name : '', type: type ?? 'keyword', spec });
    }
    return this.specs;
  }

  // ---- names ---------------------------------------------------------------------------------------------

  private checkNames(): void {
    const leaves = new Map<string, number>();
    this.fields.forEach((f, i) => {
      if (typeof f?.name !== 'string') return;
      const namePath = [...this.path, i, 'name'];
      const first = this.firstIndex.get(f.name)!;
      if (first !== i) {
        this.sink.error(namePath, `duplicate field name ${show(f.name)}; fields[${first}] already has it (names must be unique)`);
        return;
      }
      if (f.name.startsWith('.') || f.name.endsWith('.') || f.name.includes('..')) {
        this.sink.error(namePath, `field name ${show(f.name)} has an empty part between dots; expected names such as "kubernetes.pod_name"`);
      }
      leaves.set(f.name, i);
    });
    // A name that is both a value and a prefix (`a` and `a.b`) cannot be mapped to nested objects.
    for (const [name, i] of leaves) {
      for (let dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
        const prefix = name.slice(0, dot);
        const j = leaves.get(prefix);
        if (j === undefined) continue;
        const [later, laterName, other, otherName] = j < i ? [i, name, j, prefix] : [j, prefix, i, name];
        const msg = laterName === name
          ? `field ${show(name)} nests under ${show(prefix)}, which is itself a field (fields[${other}]); a name cannot be both a value and a prefix`
          : `field ${show(prefix)} is also the prefix of field ${show(otherName)} (fields[${other}]); a name cannot be both a value and a prefix`;
        this.sink.error([...this.path, later, 'name'], msg);
      }
    }
  }

  // ---- generators ----------------------------------------------------------------------------------------

  /** Reads one generator's config for a field of `type`; `genPath` is where the generator is named. */
  private generatorSpec(generator: GeneratorName, type: FieldType, at: At, genPath: DocPath): GenSpec | null {
    if (generator !== 'conditional' && generator !== 'derived' && !FITS[generator].includes(type)) {
      this.sink.error(genPath, `generator ${show(generator)} cannot fill ${aField(type)}; expected ${typesText(FITS[generator])}`);
      return null;
    }
    switch (generator) {
      case 'now': return this.now(type, at);
      case 'enum': return this.enumSpec(type, at, generator);
      case 'weighted_enum': return this.weighted(type, at, generator);
      case 'range': return this.range(type, at, generator);
      case 'distribution': return this.distribution(at);
      case 'hex': return this.hex(at, generator);
      case 'ip': return this.ip(at);
      case 'pattern': return this.pattern(at);
      case 'template': return this.template(at);
      case 'conditional': return this.conditional(type, at);
      case 'derived': return this.derived(type, at);
    }
  }

  private unknownKeys(at: At, allowed: readonly string[], owner: string): boolean {
    let ok = true;
    for (const key of Object.keys(at.cfg)) {
      if (allowed.includes(key)) continue;
      ok = false;
      const hint = didYouMean(key, allowed);
      this.sink.error([...at.path, key], hint
        ? `unknown key ${show(key)} for ${owner}${hint}`
        : `unknown key ${show(key)} for ${owner}; expected ${allowed.length ? oneOf(allowed) : 'no keys'}`, 'key');
    }
    return ok;
  }

  private missing(at: At, key: string, owner: string): void {
    this.sink.error(at.path, `missing required key ${show(key)} for ${owner}`);
  }

  /** A number at `key`: undefined when absent (reported when required), null when invalid (reported). */
  private num(at: At, key: string, owner: string, opts: { whole?: boolean; required?: boolean; min?: number; above?: number }): number | null | undefined {
    const v = at.cfg[key];
    if (v === undefined) {
      if (opts.required) this.missing(at, key, owner);
      return undefined;
    }
    const p = [...at.path, key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.sink.error(p, `${key} must be ${opts.whole ? 'a whole number' : 'a number'}, got ${describe(v)}`);
      return null;
    }
    if (opts.whole && !Number.isSafeInteger(v)) {
      this.sink.error(p, `${key} must be a whole number, got ${show(v)}`);
      return null;
    }
    if (opts.min !== undefined && v < opts.min) {
      this.sink.error(p, `${key} must be ≥ ${opts.min}, got ${show(v)}`);
      return null;
    }
    if (opts.above !== undefined && v <= opts.above) {
      this.sink.error(p, `${key} must be > ${opts.above}, got ${show(v)}`);
      return null;
    }
    return v;
  }

  private choice<T extends string>(at: At, key: string, allowed: readonly T[], what: string): T | null | undefined {
    const v = at.cfg[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    const hint = typeof v === 'string' ? didYouMean(v, allowed) : '';
    this.sink.error([...at.path, key], `${show(v)} is not ${what}${hint}; expected ${oneOf(allowed)}`);
    return null;
  }

  /** Converts a constant to the value a field of `type` emits (null type: text of a sub-generator). */
  private coerce(v: unknown, type: FieldType | null, p: DocPath, anchor?: 'key'): { ok: true; value: Scalar } | { ok: false } {
    const fail = (expected: string): { ok: false } => {
      this.sink.error(p, `value ${describe(v)} ${expected}`, anchor);
      return { ok: false };
    };
    const scalar = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (!scalar) return fail(`is not allowed here; expected ${type ? `a value for ${aField(type)}` : 'a text, number or true/false'}`);
    switch (type) {
      case null:
      case 'keyword':
      case 'text':
        return { ok: true, value: String(v) };
      case 'ip':
        return typeof v === 'string' && parseIpv4(v) !== null ? { ok: true, value: v } : fail('is not an IPv4 address, as an ip field needs (e.g. "10.1.2.3")');
      case 'boolean':
        if (v === true || v === 'true') return { ok: true, value: true };
        if (v === false || v === 'false') return { ok: true, value: false };
        return fail('is not true or false, as a boolean field needs');
      case 'int':
      case 'long': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
        if (!Number.isSafeInteger(n)) return fail(`is not a whole number, as ${aField(type)} needs`);
        if (type === 'int' && (n < INT32_MIN || n > INT32_MAX)) return fail(`does not fit an int field (${INT32_MIN} … ${INT32_MAX}); use type long`);
        return { ok: true, value: n };
      }
      case 'float': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        return Number.isFinite(n) ? { ok: true, value: n } : fail('is not a number, as a float field needs');
      }
      case 'timestamp':
        return fail('is not allowed for a timestamp field; expected generator "now"');
    }
  }

  private now(type: FieldType, at: At): GenSpec | null {
    const owner = 'generator "now"';
    this.unknownKeys(at, KEYS.now, owner);
    const format = this.choice(at, 'format', TIMESTAMP_FORMATS, 'a timestamp format');
    if (format === null) return null;
    if (type === 'long' && format !== 'epoch_millis' && format !== 'epoch_seconds') {
      this.sink.error(format === undefined ? at.path : [...at.path, 'format'],
        'a long field holds epoch numbers; expected format "epoch_millis" or "epoch_seconds"');
      return null;
    }
    return { generator: 'now', format: format ?? 'iso8601' };
  }

  private enumSpec(type: FieldType | null, at: At, owner: string, keysOk = true): GenSpec | null {
    const ok = keysOk && this.unknownKeys(at, KEYS.enum, `generator ${show(owner)}`);
    const values = at.cfg.values;
    if (values === undefined) {
      this.missing(at, 'values', `generator ${show(owner)}`);
      return null;
    }
    if (!Array.isArray(values)) {
      this.sink.error([...at.path, 'values'], `values must be a list of ${type ?? 'text'} values, got ${describe(values)}`);
      return null;
    }
    if (values.length === 0) {
      this.sink.error([...at.path, 'values'], 'values must have at least one item');
      return null;
    }
    const out: Scalar[] = [];
    let good = ok;
    values.forEach((v, i) => {
      const c = this.coerce(v, type, [...at.path, 'values', i]);
      if (c.ok) out.push(c.value);
      else good = false;
    });
    return good ? { generator: 'enum', values: out } : null;
  }

  private weightTable(type: FieldType | null, cfgValue: unknown, p: DocPath): WeightedTable | null {
    if (!isMapping(cfgValue)) {
      this.sink.error(p, `expected a mapping of value: weight, got ${describe(cfgValue)}`);
      return null;
    }
    const keys = Object.keys(cfgValue);
    if (keys.length === 0) {
      this.sink.error(p, 'must have at least one value: weight entry');
      return null;
    }
    const values: Scalar[] = [];
    const weights: number[] = [];
    let good = true;
    for (const key of keys) {
      const w = cfgValue[key];
      const c = this.coerce(key, type, [...p, key], 'key');
      if (!c.ok) good = false;
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
        this.sink.error([...p, key], `weight of ${show(key)} must be a number ≥ 0, got ${describe(w)}`);
        good = false;
        continue;
      }
      if (c.ok) {
        values.push(c.value);
        weights.push(w);
      }
    }
    if (!good) return null;
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) {
      this.sink.error(p, 'all weights are 0; expected at least one weight > 0');
      return null;
    }
    return { values, weights: weights.map((w) => w / total) };
  }

  /**
   * Either `values:` (one table for both profiles) or the profile maps `baseline:` and `incident:` — both of
   * them, so an incident never silently reuses the baseline mix.
   */
  private profiles<T>(at: At, plainKeys: readonly string[], readOne: (v: unknown, p: DocPath) => T | null,
    plain: () => T | null): { baseline: T; incident: T } | null {
    const hasProfile = at.cfg.baseline !== undefined || at.cfg.incident !== undefined;
    const plainPresent = plainKeys.filter((k) => at.cfg[k] !== undefined);
    if (hasProfile && plainPresent.length > 0) {
      this.sink.error(at.path, `use either ${plainPresent.map((k) => `${k}:`).join(', ')} or the profile maps baseline: and incident:, not both`);
      return null;
    }
    if (!hasProfile) {
      const one = plain();
      return one === null ? null : { baseline: one, incident: one };
    }
    for (const profile of ['baseline', 'incident'] as const) {
      if (at.cfg[profile] === undefined) {
        this.sink.error(at.path, `missing "${profile}:"; a per-profile config needs both baseline: and incident:`);
        return null;
      }
    }
    const baseline = readOne(at.cfg.baseline, [...at.path, 'baseline']);
    const incident = readOne(at.cfg.incident, [...at.path, 'incident']);
    return baseline === null || incident === null ? null : { baseline, incident };
  }

  private weighted(type: FieldType | null, at: At, owner: string, keysOk = true): GenSpec | null {
    const gen = `generator ${show(owner)}`;
    const ok = keysOk && this.unknownKeys(at, KEYS.weighted_enum, gen);
    if (at.cfg.values === undefined && at.cfg.baseline === undefined && at.cfg.incident === undefined) {
      this.sink.error(at.path, `missing required key "values" (or the profile maps baseline: and incident:) for ${gen}`);
      return null;
    }
    const both = this.profiles(at, ['values'], (v, p) => this.weightTable(type, v, p),
      () => this.weightTable(type, at.cfg.values, [...at.path, 'values']));
    return both && ok ? { generator: 'weighted_enum', ...both } : null;
  }

  private range(type: FieldType | null, at: At, owner: string, keysOk = true): GenSpec | null {
    const gen = `generator ${show(owner)}`;
    const ok = keysOk && this.unknownKeys(at, KEYS.range, gen);
    const min = this.num(at, 'min', gen, { whole: true, required: true });
    const max = this.num(at, 'max', gen, { whole: true, required: true });
    if (typeof min !== 'number' || typeof max !== 'number' || !ok) return null;
    if (min > max) {
      this.sink.error([...at.path, 'max'], `max ${max} is below min ${min}; expected min ≤ max`);
      return null;
    }
    if (type === 'int' && (min < INT32_MIN || max > INT32_MAX)) {
      this.sink.error(at.path, `min and max must fit an int field (${INT32_MIN} … ${INT32_MAX}); use type long`);
      return null;
    }
    return { generator: 'range', min, max };
  }

  private distributionOne(cfg: unknown, p: DocPath): DistributionSpec | null {
    if (!isMapping(cfg)) {
      this.sink.error(p, `expected a mapping with type:, mean:, stddev:, min:, max:, got ${describe(cfg)}`);
      return null;
    }
    const at: At = { cfg, path: p };
    const gen = 'generator "distribution"';
    const ok = this.unknownKeys(at, DISTRIBUTION_KEYS, gen);
    const type = this.choice(at, 'type', DISTRIBUTION_TYPES, 'a distribution type');
    if (type === undefined) this.missing(at, 'type', gen);
    if (!type) return null;
    const owner = `${/^[aeio]/.test(type) ? 'an' : 'a'} ${type} distribution`;
    const uses = type === 'uniform' ? [] : type === 'exponential' ? ['mean'] : ['mean', 'stddev'];
    let good = ok;
    for (const key of ['mean', 'stddev']) {
      if (!uses.includes(key) && cfg[key] !== undefined) {
        const why = type === 'uniform' ? 'which is set by min and max' : 'whose stddev equals its mean';
        this.sink.error([...p, key], `${key} does not apply to ${owner}, ${why}; remove it`);
        good = false;
      }
    }
    const needMinMax = type === 'uniform';
    const positiveMean = type === 'lognormal' || type === 'exponential';
    const mean = uses.includes('mean') ? this.num(at, 'mean', owner, { required: true, ...(positiveMean ? { above: 0 } : {}) }) : 0;
    const stddev = uses.includes('stddev') ? this.num(at, 'stddev', owner, { required: true, min: 0 }) : 0;
    const min = this.num(at, 'min', owner, { required: needMinMax });
    const max = this.num(at, 'max', owner, { required: needMinMax });
    if (typeof mean !== 'number' || typeof stddev !== 'number' || min === null || max === null || !good) return null;
    if (needMinMax && (min === undefined || max === undefined)) return null;
    if (min !== undefined && max !== undefined && min > max) {
      this.sink.error([...p, 'max'], `max ${max} is below min ${min}; expected min ≤ max`);
      return null;
    }
    // An exponential distribution's stddev is its mean; recorded so every spec states both.
    return { type, mean, stddev: type === 'exponential' ? mean : stddev, min: min ?? null, max: max ?? null };
  }

  private distribution(at: At): GenSpec | null {
    const gen = 'generator "distribution"';
    this.unknownKeys(at, KEYS.distribution, gen);
    const plainKeys = DISTRIBUTION_KEYS.filter((k) => at.cfg[k] !== undefined);
    const both = this.profiles(at, DISTRIBUTION_KEYS, (v, p) => this.distributionOne(v, p), () => {
      const plain: Cfg = {};
      for (const k of plainKeys) plain[k] = at.cfg[k];
      return this.distributionOne(plain, at.path);
    });
    return both ? { generator: 'distribution', ...both } : null;
  }

  private hex(at: At, owner: string, keysOk = true): GenSpec | null {
    const gen = `generator ${show(owner)}`;
    const ok = keysOk && this.unknownKeys(at, KEYS.hex, gen);
    const length = this.num(at, 'length', gen, { whole: true, required: true, min: 1 });
    return typeof length === 'number' && ok ? { generator: 'hex', length } : null;
  }

  private ip(at: At, keysOk = true): GenSpec | null {
    const ok = keysOk && this.unknownKeys(at, KEYS.ip, 'generator "ip"');
    const cidr = at.cfg.cidr;
    if (cidr === undefined) return ok ? { generator: 'ip', network: 10 * 2 ** 24, prefix: 8 } : null;
    const parsed = typeof cidr === 'string' ? parseCidr(cidr) : null;
    if (parsed === null) {
      this.sink.error([...at.path, 'cidr'], `cidr ${describe(cidr)} is not valid; expected an IPv4 network such as "10.0.0.0/8"`);
      return null;
    }
    return ok ? { generator: 'ip', ...parsed } : null;
  }

  // ---- placeholders ----------------------------------------------------------------------------------------

  /** A sub-generator mapping (`{type: range, min: 1, max: 20}`), beside a pattern or under config.placeholders. */
  private subGenerator(v: unknown, p: DocPath, name: string, hintKeys: readonly string[]): GenSpec | null {
    if (!isMapping(v)) {
      const hint = didYouMean(name, hintKeys);
      this.sink.error(p, `sub-generator ${show(name)} must be a mapping with type: (${SUB_GENERATORS.join(', ')}) and its config, got ${describe(v)}${hint}`);
      return null;
    }
    const { type, ...rest } = v;
    const at: At = { cfg: rest, path: p };
    if (type === undefined) {
      this.sink.error(p, `sub-generator ${show(name)} needs type:; expected ${oneOf(SUB_GENERATORS)}`);
      return null;
    }
    if (typeof type !== 'string' || !(SUB_GENERATORS as readonly string[]).includes(type)) {
      const hint = typeof type === 'string' ? didYouMean(type, SUB_GENERATORS) : '';
      this.sink.error([...p, 'type'], `${show(type)} is not a sub-generator${hint}; expected ${oneOf(SUB_GENERATORS)}`);
      return null;
    }
    const sub = type as (typeof SUB_GENERATORS)[number];
    const withType = [...KEYS[sub], 'type'];
    const ok = this.unknownKeys({ cfg: v, path: p }, withType, `sub-generator ${show(name)} (type ${sub})`);
    switch (sub) {
      case 'enum': return this.enumSpec(null, at, sub, ok);
      case 'weighted_enum': return this.weighted(null, at, sub, ok);
      case 'range': return this.range(null, at, sub, ok);
      case 'hex': return this.hex(at, sub, ok);
      case 'ip': return this.ip(at, ok);
    }
  }

  private extPlaceholders(at: At): Map<string, GenSpec | null> {
    const out = new Map<string, GenSpec | null>();
    const v = at.cfg.placeholders;
    if (v === undefined) return out;
    if (!isMapping(v)) {
      this.sink.error([...at.path, 'placeholders'], `placeholders must be a mapping of name: {type: …}, got ${describe(v)}`);
      return out;
    }
    for (const [name, sub] of Object.entries(v)) out.set(name, this.subGenerator(sub, [...at.path, 'placeholders', name], name, []));
    return out;
  }

  /**
   * Parses `{name}` placeholders in `text`, resolving each name in the order of SPEC §5.2: an earlier field,
   * a sub-generator beside the pattern, a built-in auxiliary value, a name under config.placeholders.
   * `generated` collects the drawn values, one per name for the whole field.
   */
  private parseText(text: string, p: DocPath, beside: Map<string, GenSpec | null> | null, ext: Map<string, GenSpec | null>,
    generated: GeneratedPlaceholder[], used: Set<string>): TextTemplate | null {
    const parts: TextPart[] = [];
    let last = 0;
    let good = true;
    for (const m of text.matchAll(PLACEHOLDER)) {
      const name = m[1]!;
      if (m.index > last) parts.push(text.slice(last, m.index));
      last = m.index + m[0].length;
      used.add(name);
      const part = this.resolvePlaceholder(name, p, beside, ext, generated);
      if (part === null) good = false;
      else if (part !== undefined) parts.push(part);
    }
    if (last < text.length) parts.push(text.slice(last));
    return good ? { parts: mergeLiterals(parts) } : null;
  }

  /** A resolved part; null on a problem (reported); undefined when the name's own definition is broken. */
  private resolvePlaceholder(name: string, p: DocPath, beside: Map<string, GenSpec | null> | null, ext: Map<string, GenSpec | null>,
    generated: GeneratedPlaceholder[]): TextPart | null | undefined {
    const inPattern = beside !== null;
    const index = this.firstIndex.get(name);
    if (index !== undefined && index < this.current) return { field: index };
    const drawn = (spec: GenSpec | null): TextPart | undefined => {
      if (spec === null) return undefined;
      let g = generated.findIndex((x) => x.name === name);
      if (g < 0) g = generated.push({ name, spec }) - 1;
      return { generated: g };
    };
    const laterNote = index !== undefined
      ? `${show(name)} is also ${index === this.current ? 'this field itself' : `a field defined later (fields[${index}])`}, which a placeholder cannot use`
      : '';
    if (beside?.has(name)) return drawn(beside.get(name)!);
    if ((AUXILIARY_PLACEHOLDERS as readonly string[]).includes(name)) {
      if (laterNote) this.sink.warn(p, `placeholder {${name}} takes the built-in value; ${laterNote}`);
      return drawn(AUXILIARY_SPECS[name as (typeof AUXILIARY_PLACEHOLDERS)[number]]);
    }
    if (ext.has(name)) return drawn(ext.get(name)!);
    if (index !== undefined) {
      const which = index === this.current ? 'this field itself' : `field ${show(name)}, which is defined later (fields[${index}])`;
      this.sink.error(p, `placeholder {${name}} refers to ${which}; a field can only use fields defined before it`);
      return null;
    }
    const candidates = [...this.earlierNames(), ...(beside?.keys() ?? []), ...AUXILIARY_PLACEHOLDERS, ...ext.keys()];
    const kinds = inPattern ? 'an earlier field, a sub-generator beside the pattern,' : 'an earlier field,';
    this.sink.error(p, `unknown placeholder {${name}}${didYouMean(name, candidates)}; expected ${kinds} `
      + `a built-in value or a name under config.placeholders: ${candidates.join(', ')}`);
    return null;
  }

  private earlierNames(): string[] {
    return this.fields.slice(0, this.current).map((f) => f.name).filter((n, i) => this.firstIndex.get(n) === i);
  }

  private pattern(at: At): GenSpec | null {
    const pattern = at.cfg.pattern;
    const beside = new Map<string, GenSpec | null>();
    for (const [key, v] of Object.entries(at.cfg)) {
      if (key === 'pattern' || key === 'placeholders') continue;
      beside.set(key, this.subGenerator(v, [...at.path, key], key, ['pattern', 'placeholders']));
    }
    const ext = this.extPlaceholders(at);
    if (pattern === undefined) {
      this.missing(at, 'pattern', 'generator "pattern"');
      return null;
    }
    if (typeof pattern !== 'string') {
      this.sink.error([...at.path, 'pattern'], `pattern must be text such as "{service}-{pod_id}.internal", got ${describe(pattern)}`);
      return null;
    }
    const generated: GeneratedPlaceholder[] = [];
    const used = new Set<string>();
    const text = this.parseText(pattern, [...at.path, 'pattern'], beside, ext, generated, used);
    for (const key of beside.keys()) {
      if (!used.has(key)) this.sink.warn([...at.path, key], `sub-generator ${show(key)} is not used by the pattern`);
    }
    const broken = [...beside.values(), ...ext.values()].some((s) => s === null);
    return text && !broken ? { generator: 'pattern', text, generated } : null;
  }

  private template(at: At): GenSpec | null {
    const gen = 'generator "template"';
    const keysOk = this.unknownKeys(at, KEYS.template, gen);
    const ext = this.extPlaceholders(at);
    // The key field.
    const keyRaw = at.cfg.key;
    let keyField: number | null = null;
    if (keyRaw !== undefined && typeof keyRaw !== 'string') {
      this.sink.error([...at.path, 'key'], `key must be a field name, got ${describe(keyRaw)}`);
    } else {
      keyField = keyRaw === undefined ? this.defaultKeyField(at.path) : this.reference(keyRaw, [...at.path, 'key'], 'key');
    }
    // The lists.
    const templates = at.cfg.templates;
    if (templates === undefined) {
      this.missing(at, 'templates', gen);
      return null;
    }
    const tPath = [...at.path, 'templates'];
    if (!isMapping(templates) || Object.keys(templates).length === 0) {
      this.sink.error(tPath, `templates must map each value of the key field to a list of texts, got ${isMapping(templates) ? 'an empty mapping' : describe(templates)}`);
      return null;
    }
    const generated: GeneratedPlaceholder[] = [];
    const lists = new Map<string, TextTemplate[]>();
    let fallback: TextTemplate[] | null = null;
    let good = keysOk;
    for (const [value, list] of Object.entries(templates)) {
      const lp = [...tPath, value];
      if (!Array.isArray(list) || list.length === 0) {
        this.sink.error(lp, `expected a non-empty list of texts, got ${Array.isArray(list) ? 'an empty list' : describe(list)}`);
        good = false;
        continue;
      }
      const parsed: TextTemplate[] = [];
      list.forEach((text, i) => {
        if (typeof text !== 'string') {
          this.sink.error([...lp, i], `expected a text, got ${describe(text)}`);
          good = false;
          return;
        }
        const t = this.parseText(text, [...lp, i], null, ext, generated, new Set());
        if (t) parsed.push(t);
        else good = false;
      });
      if (value === 'default') fallback = parsed;
      else lists.set(value, parsed);
    }
    if ([...ext.values()].some((s) => s === null)) good = false;
    if (keyField === null || !good) return null;
    this.checkCoverage(keyField, lists, fallback !== null, tPath);
    return { generator: 'template', keyField, lists, fallback, generated };
  }

  /** Without `key:` templates are chosen by the earlier field `level`. */
  private defaultKeyField(p: DocPath): number | null {
    const index = this.firstIndex.get('level');
    if (index !== undefined && index < this.current) return index;
    const earlier = this.earlierNames();
    this.sink.error(p, 'templates are chosen by the field "level" (the default key:), which is not defined before this field; '
      + `set key: to ${earlier.length ? `an earlier field: ${earlier.join(', ')}` : 'an earlier field (there is none)'}`);
    return null;
  }

  /** Every value the key field can take needs a list (when they are enumerable), unless `default` exists. */
  private checkCoverage(keyField: number, lists: Map<string, TextTemplate[]>, hasDefault: boolean, tPath: DocPath): void {
    const values = possibleValues(this.specs, keyField);
    if (values === null) return;
    const keyName = this.specs[keyField]!.name;
    const missing = values.filter((v) => !lists.has(v));
    if (missing.length > 0 && !hasDefault) {
      this.sink.error(tPath, `no template list for ${missing.map((v) => show(v)).join(', ')} (${missing.length === 1 ? 'a value' : 'values'} of field ${show(keyName)}); `
        + 'add a list for each, or a "default:" list');
    }
    for (const key of lists.keys()) {
      if (!values.includes(key)) {
        this.sink.warn([...tPath, key], `field ${show(keyName)} never takes the value ${show(key)}${didYouMean(key, values)}, so this list is never used`, 'key');
      }
    }
  }

  /**
   * Resolves a reference to an earlier field, reporting later/unknown names at `p`; `what` starts the message.
   */
  private reference(name: string, p: DocPath, what: string): number | null {
    const index = this.firstIndex.get(name);
    if (index !== undefined && index < this.current) return index;
    if (index !== undefined) {
      const which = index === this.current ? 'this field itself' : `field ${show(name)}, which is defined later (fields[${index}])`;
      this.sink.error(p, `${what} refers to ${which}; a field can only use fields defined before it`);
      return null;
    }
    const earlier = this.earlierNames();
    this.sink.error(p, `${what} refers to unknown field ${show(name)}${didYouMean(name, earlier)}; expected `
      + `${earlier.length ? `a field defined before this one: ${earlier.join(', ')}` : 'a field defined before this one (there is none)'}`);
    return null;
  }

  private conditional(type: FieldType, at: At): GenSpec | null {
    const gen = 'generator "conditional"';
    const { condition, generator, config } = at.cfg;
    const hasElse = Object.prototype.hasOwnProperty.call(at.cfg, 'else');
    // The condition.
    let cond: { field: number; condition: FieldCondition } | null = null;
    if (condition === undefined) this.missing(at, 'condition', gen);
    else if (typeof condition !== 'string') {
      this.sink.error([...at.path, 'condition'], `condition must be text such as "level in [ERROR, WARN]", got ${describe(condition)}`);
    } else {
      const parsed = parseCondition(condition);
      if (!parsed.ok) this.sink.error([...at.path, 'condition'], `condition: ${formatConditionError(parsed.error)}`);
      else {
        const field = this.reference(parsed.condition.field, [...at.path, 'condition'], 'condition');
        if (field !== null) {
          cond = { field, condition: parsed.condition };
          this.checkConditionValues(field, parsed.condition, [...at.path, 'condition']);
        }
      }
    }
    // The else constant.
    let otherwise: Scalar = null;
    let good = true;
    if (hasElse && at.cfg.else !== null) {
      const c = this.coerce(at.cfg.else, type, [...at.path, 'else']);
      if (c.ok) otherwise = c.value;
      else good = false;
    }
    // The inner generator: named by generator:, its keys beside it or under config:.
    if (generator === undefined) {
      this.missing(at, 'generator', gen);
      return null;
    }
    const gPath = [...at.path, 'generator'];
    if (typeof generator !== 'string' || !(INNER_GENERATORS as readonly string[]).includes(generator)) {
      const hint = typeof generator === 'string' ? didYouMean(generator, INNER_GENERATORS) : '';
      const why = generator === 'now' || generator === 'conditional' ? ' cannot be used inside a conditional' : ' is not a generator';
      this.sink.error(gPath, `${show(generator)}${why}${hint}; expected ${oneOf(INNER_GENERATORS)}`);
      return null;
    }
    const besideKeys = Object.keys(at.cfg).filter((k) => !CONDITIONAL_OWN_KEYS.includes(k));
    let inner: At;
    if (config !== undefined) {
      if (!isMapping(config)) {
        this.sink.error([...at.path, 'config'], `config must be a mapping of the inner generator's keys, got ${describe(config)}`);
        return null;
      }
      for (const k of besideKeys) {
        this.sink.error([...at.path, k], `key ${show(k)} must go under config: (the inner generator's keys are either all beside generator: or all under config:)`, 'key');
        good = false;
      }
      inner = { cfg: config, path: [...at.path, 'config'] };
    } else {
      const cfg: Cfg = {};
      for (const k of besideKeys) cfg[k] = at.cfg[k];
      inner = { cfg, path: at.path };
    }
    const innerSpec = this.generatorSpec(generator as GeneratorName, type, inner, gPath);
    if (innerSpec === null || cond === null || !good) return null;
    return { generator: 'conditional', field: cond.field, condition: cond.condition, inner: innerSpec, otherwise };
  }

  /** Values the condition names but its field never takes are probably typos: a warning each. */
  private checkConditionValues(field: number, condition: FieldCondition, p: DocPath): void {
    const values = possibleValues(this.specs, field);
    if (values === null) return;
    const matches = conditionMatcher(condition);
    for (const v of condition.values) {
      if (v.kind !== 'text' || values.includes(v.text)) continue;
      this.sink.warn(p, `condition: column ${v.col}: field ${show(condition.field)} never takes the value ${show(v.text)}${didYouMean(v.text, values)}`);
    }
    if (condition.op !== '!=' && !values.some(matches)) {
      this.sink.warn(p, `condition never holds: field ${show(condition.field)} takes only ${values.map((v) => show(v)).join(', ')}`);
    }
  }

  private derived(type: FieldType, at: At): GenSpec | null {
    const ok = this.unknownKeys(at, KEYS.derived, 'generator "derived"');
    const expression = at.cfg.expression;
    const p = [...at.path, 'expression'];
    if (expression === undefined) {
      this.missing(at, 'expression', 'generator "derived"');
      return null;
    }
    if (typeof expression !== 'string') {
      this.sink.error(p, `expression must be a field name or arithmetic such as "response_time_ms * 1000000", got ${describe(expression)}`);
      return null;
    }
    const trimmed = expression.trim();
    // A field name as written (whatever characters it holds) is a copy.
    if (this.firstIndex.has(trimmed)) {
      const field = this.reference(trimmed, p, 'expression');
      return field !== null && this.copyFits(field, type, p) && ok ? { generator: 'derived', mode: 'copy', field } : null;
    }
    const parsed = parseArith(expression);
    if (!parsed.ok) {
      this.sink.error(p, `expression: ${formatArithError(parsed.error)}`);
      return null;
    }
    if (parsed.expr.kind === 'field') {
      const field = this.reference(parsed.expr.name, p, 'expression');
      return field !== null && this.copyFits(field, type, p) && ok ? { generator: 'derived', mode: 'copy', field } : null;
    }
    let good = ok;
    if (!NUMERIC.includes(type)) {
      this.sink.error(p, `arithmetic gives numbers, which cannot fill ${aField(type)}; expected type int, long or float (or a plain field name to copy)`);
      good = false;
    }
    const fields: Record<string, number> = {};
    for (const ref of fieldRefs(parsed.expr)) {
      if (ref.name in fields) continue;
      const field = this.reference(ref.name, p, `expression (column ${ref.col})`);
      if (field === null) {
        good = false;
        continue;
      }
      const refType = this.specs[field]!.type;
      if (!NUMERIC.includes(refType)) {
        this.sink.error(p, `expression (column ${ref.col}) uses ${show(ref.name)}, ${aField(refType)}; arithmetic needs int, long or float fields`);
        good = false;
        continue;
      }
      fields[ref.name] = field;
    }
    return good ? { generator: 'derived', mode: 'arith', expression: parsed.expr, fields } : null;
  }

  private copyFits(field: number, type: FieldType, p: DocPath): boolean {
    const source = this.specs[field]!;
    if (typeClass(source.type) === typeClass(type)) return true;
    const fits = ALL_TYPES.filter((t) => typeClass(t) === typeClass(type));
    this.sink.error(p, `expression copies ${show(source.name)}, ${aField(source.type)}, into ${aField(type)}; expected a field of ${typesText(fits)}`);
    return false;
  }
}

function mergeLiterals(parts: TextPart[]): TextPart[] {
  const out: TextPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else if (p !== '') out.push(p);
  }
  return out;
}
