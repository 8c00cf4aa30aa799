// Projects a JSON Schema (as TypeBox emits it) onto a Kubernetes *structural* OpenAPI v3 schema
// (apiextensions.k8s.io/v1, SPEC §3.1, §15.1). Pure data transformation; must not do I/O or know the scenario.

/** The subset of OpenAPI v3 a CRD schema node may carry, in the order the keys are emitted. */
export interface StructuralSchema {
  description?: string;
  title?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maximum?: number;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema;
  items?: StructuralSchema;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-embedded-resource'?: true;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string }[];
}

type StructuralType = NonNullable<StructuralSchema['type']>;
/** A JSON Schema node, read loosely (TypeBox's symbol keys are not enumerable and play no part). */
type JsonNode = Record<string, unknown>;

/** Formats the Kubernetes API server knows (k8s.io/kube-openapi strfmt); any other `format` is dropped. */
export const KUBERNETES_FORMATS: ReadonlySet<string> = new Set([
  'bsonobjectid', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5',
  'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor', 'byte', 'password', 'date', 'duration',
  'datetime', 'date-time', 'int32', 'int64', 'float', 'double',
]);

/** Keys copied unchanged when present (validation and documentation that k8s understands). */
const COPIED = ['multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems',
  'maxItems', 'minProperties', 'maxProperties'] as const;
const EXTENSIONS = ['x-kubernetes-embedded-resource', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type', 'x-kubernetes-validations'] as const;
/** Constructs with no structural equivalent; meeting one is a bug in the source schema, reported with its path. */
const UNSUPPORTED = ['$ref', 'allOf', 'not', 'if', 'then', 'else'] as const;
const SCALARS: ReadonlySet<string> = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * Converts `schema` into a structural schema:
 * - every node gets a `type` (inferred from properties/items/enum/const when missing), except int-or-string nodes
 *   and nodes of unknown shape, which carry `x-kubernetes-int-or-string` / `x-kubernetes-preserve-unknown-fields`;
 * - an anyOf/oneOf of literals becomes `type` + `enum`; `null` branches become `nullable: true`; integer|number
 *   becomes number; integer|string becomes `x-kubernetes-int-or-string`; objects or arrays of different shapes
 *   become that type with `x-kubernetes-preserve-unknown-fields`; other mixtures keep any value (no type);
 * - Records / patternProperties become `additionalProperties: <value schema>` (key patterns are not enforced);
 * - `additionalProperties: false` is dropped (the API server prunes unknown fields); an object that admits unknown
 *   keys (`additionalProperties` true or absent, or extra patternProperties beside properties) gets
 *   `x-kubernetes-preserve-unknown-fields: true`;
 * - numeric `exclusiveMinimum`/`exclusiveMaximum` N become `minimum`/`maximum` N with the boolean flag;
 * - `$schema`, `$id`, `$defs`, `definitions`, `dependencies`, `additionalItems`, `const`, `uniqueItems`, `examples`
 *   and unknown formats are not emitted; `$ref`, `allOf`, `not`, `if/then/else` throw (not used by our schemas).
 */
export function toStructural(schema: object, path = '$'): StructuralSchema {
  return convert(schema as JsonNode, path);
}

function convert(node: JsonNode, path: string): StructuralSchema {
  for (const key of UNSUPPORTED) {
    if (node[key] !== undefined) throw new Error(`${path}: ${key} has no structural equivalent; rewrite the source schema`);
  }
  const union = (node.anyOf ?? node.oneOf) as JsonNode[] | undefined;
  if (union !== undefined) return withOuter(node, convertUnion(union, path));
  if (Array.isArray(node.type)) {
    return withOuter(node, convertUnion((node.type as string[]).map((t) => ({ ...node, type: t })), path));
  }
  if (node.type === 'null') throw new Error(`${path}: type null alone has no structural equivalent`);

  const out: StructuralSchema = {};
  copyDocs(node, out);
  const type = typeOf(node, path);
  if (type === undefined) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  } else {
    out.type = type;
  }
  if (typeof node.format === 'string' && KUBERNETES_FORMATS.has(node.format)) out.format = node.format;
  const literals = literalsOf(node);
  if (literals !== undefined) out.enum = literals;
  if (node.default !== undefined) out.default = node.default;
  if (node.nullable === true) out.nullable = true;
  copyBounds(node, out);
  for (const key of COPIED) {
    if (node[key] !== undefined) (out as Record<string, unknown>)[key] = node[key];
  }
  if (type === 'object') convertObject(node, out, path);
  if (type === 'array') out.items = convertItems(node, path);
  copyExtensions(node, out);
  return out;
}

/** Applies the outer node's documentation, default and extensions to a converted union. */
function withOuter(node: JsonNode, inner: StructuralSchema): StructuralSchema {
  const out: StructuralSchema = {};
  copyDocs(node, out);
  const { description, title, ...rest } = inner;
  if (out.description === undefined && description !== undefined) out.description = description;
  if (out.title === undefined && title !== undefined) out.title = title;
  Object.assign(out, rest);
  if (node.default !== undefined) out.default = node.default;
  if (node.nullable === true) out.nullable = true;
  copyExtensions(node, out);
  return out;
}

function copyDocs(node: JsonNode, out: StructuralSchema): void {
  if (typeof node.description === 'string') out.description = node.description;
  if (typeof node.title === 'string') out.title = node.title;
}

function copyExtensions(node: JsonNode, out: StructuralSchema): void {
  for (const key of EXTENSIONS) {
    if (node[key] !== undefined) (out as Record<string, unknown>)[key] = node[key];
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    out['x-kubernetes-int-or-string'] = true;
    delete out.type;
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true && out['x-kubernetes-int-or-string'] !== true) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
}

/** Draft-2019 numeric exclusive bounds → OpenAPI v3 `minimum` + boolean `exclusiveMinimum` (the stricter bound wins). */
function copyBounds(node: JsonNode, out: StructuralSchema): void {
  const bound = (inclusive: 'minimum' | 'maximum', exclusive: 'exclusiveMinimum' | 'exclusiveMaximum', stricter: (a: number, b: number) => boolean) => {
    const inc = typeof node[inclusive] === 'number' ? node[inclusive] as number : undefined;
    const exc = node[exclusive];
    if (typeof exc === 'number' && (inc === undefined || stricter(exc, inc) || exc === inc)) {
      out[inclusive] = exc;
      out[exclusive] = true;
    } else if (inc !== undefined) {
      out[inclusive] = inc;
      if (exc === true) out[exclusive] = true;
    }
  };
  bound('minimum', 'exclusiveMinimum', (a, b) => a > b);
  bound('maximum', 'exclusiveMaximum', (a, b) => a < b);
}

function typeOf(node: JsonNode, path: string): StructuralType | undefined {
  const t = node.type;
  if (typeof t === 'string') {
    if (t === 'object' || t === 'array' || SCALARS.has(t)) return t as StructuralType;
    throw new Error(`${path}: unknown type ${JSON.stringify(t)}`);
  }
  if (node.properties !== undefined || node.patternProperties !== undefined || node.additionalProperties !== undefined) return 'object';
  if (node.items !== undefined) return 'array';
  const literals = literalsOf(node);
  if (literals !== undefined) return widest(literals.map(valueType));
  return undefined;
}

function literalsOf(node: JsonNode): unknown[] | undefined {
  if (Array.isArray(node.enum)) return [...node.enum as unknown[]];
  if (node.const !== undefined) return [node.const];
  return undefined;
}

function valueType(v: unknown): StructuralType | 'null' | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return undefined;
}

/** The one type that admits every value of `types`, or undefined when none does. */
function widest(types: (StructuralType | 'null' | undefined)[]): StructuralType | undefined {
  const set = new Set(types.filter((t) => t !== 'null'));
  if (set.size === 1) return [...set][0];
  if (set.size === 2 && set.has('integer') && set.has('number')) return 'number';
  return undefined;
}

function convertObject(node: JsonNode, out: StructuralSchema, path: string): void {
  const props = node.properties as Record<string, JsonNode> | undefined;
  const patterns = node.patternProperties as Record<string, JsonNode> | undefined;
  const additional = node.additionalProperties;
  const hasProps = props !== undefined && Object.keys(props).length > 0;
  if (Array.isArray(node.required) && node.required.length > 0) out.required = [...node.required as string[]];
  if (hasProps) {
    out.properties = {};
    for (const [k, v] of Object.entries(props)) out.properties[k] = convert(v, `${path}.${k}`);
  }
  // Values of a map: patternProperties (every pattern's schema) and a schema-valued additionalProperties.
  const valueSchemas: StructuralSchema[] = [];
  for (const [pattern, v] of Object.entries(patterns ?? {})) valueSchemas.push(convert(v, `${path}[${JSON.stringify(pattern)}]`));
  if (additional !== null && typeof additional === 'object') valueSchemas.push(convert(additional as JsonNode, `${path}.*`));
  const admitsUnknown = additional === true || (additional === undefined && patterns === undefined);
  if (!hasProps && valueSchemas.length > 0) {
    out.additionalProperties = allEqual(valueSchemas) ? valueSchemas[0]! : { 'x-kubernetes-preserve-unknown-fields': true };
    if (admitsUnknown) out['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (valueSchemas.length > 0 || admitsUnknown) {
    // properties and additionalProperties exclude each other in a CRD: keep the extra keys instead of typing them.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
}

function convertItems(node: JsonNode, path: string): StructuralSchema {
  const items = node.items ?? node.prefixItems;
  if (items === undefined || items === true) return { 'x-kubernetes-preserve-unknown-fields': true };
  if (Array.isArray(items)) {
    const each = (items as JsonNode[]).map((it, i) => convert(it, `${path}[${i}]`));
    return each.length > 0 && allEqual(each) ? each[0]! : { 'x-kubernetes-preserve-unknown-fields': true };
  }
  return convert(items as JsonNode, `${path}[]`);
}

function convertUnion(branches: JsonNode[], path: string): StructuralSchema {
  const nullable = branches.some((b) => b.type === 'null' || (b.const === null));
  const rest = branches.filter((b) => !(b.type === 'null' || b.const === null));
  const withNull = (s: StructuralSchema): StructuralSchema => (nullable ? { ...s, nullable: true } : s);
  if (rest.length === 0) throw new Error(`${path}: a union of null only has no structural equivalent`);
  if (rest.length === 1) return withNull(convert(rest[0]!, path));

  // A union of literals (Type.Literal / Type.Unsafe enums): one enum of their values.
  if (rest.every((b) => literalsOf(b) !== undefined && Object.keys(b).every((k) => ['const', 'enum', 'type', 'description', 'title'].includes(k)))) {
    const values = rest.flatMap((b) => literalsOf(b)!);
    const type = widest(values.map(valueType));
    if (type !== undefined) return withNull({ type, enum: values });
  }
  const converted = rest.map((b, i) => convert(b, `${path}|${i}`));
  const types = new Set(converted.map((c) => c.type));
  if (types.size === 1 && !types.has(undefined)) {
    if (allEqual(converted)) return withNull(converted[0]!);
    const type = [...types][0]!;
    if (type === 'array') return withNull({ type, items: { 'x-kubernetes-preserve-unknown-fields': true } });
    if (type === 'object') return withNull({ type, 'x-kubernetes-preserve-unknown-fields': true });
    return withNull({ type });
  }
  if (types.size === 2 && types.has('integer') && types.has('number')) return withNull({ type: 'number' });
  if (types.size === 2 && types.has('integer') && types.has('string')) return withNull({ 'x-kubernetes-int-or-string': true });
  return withNull({ 'x-kubernetes-preserve-unknown-fields': true });
}

function allEqual(schemas: StructuralSchema[]): boolean {
  const first = JSON.stringify(schemas[0]);
  return schemas.every((s) => JSON.stringify(s) === first);
}
