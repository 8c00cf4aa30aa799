// The one schema of the scenario format (SPEC §3): it validates files, documents the format, and is
// projected into the CRD's OpenAPI schema. Must not hold semantic checks (those live in check-*.ts).

import { Type, type Static, type TSchema } from '@sinclair/typebox';

const strict = { additionalProperties: false } as const;
/** Sub-trees whose shape depends on a generator or adapter: kept open here, checked in code. */
const open = (description: string) =>
  Type.Object({}, { additionalProperties: true, description, 'x-kubernetes-preserve-unknown-fields': true });

export const FIELD_TYPES = ['timestamp', 'keyword', 'text', 'int', 'long', 'float', 'ip', 'boolean'] as const;
export const GENERATOR_NAMES = [
  'now', 'enum', 'weighted_enum', 'range', 'distribution', 'hex', 'pattern', 'template', 'conditional',
  'derived', 'ip',
] as const;
export const STANDARD_PHASES = [
  'baseline', 'incident_trigger', 'ingestion_surge', 'overlap', 'recovery', 'post_incident',
] as const;
export const QUERY_TYPES = ['search', 'aggregation', 'sql', 'dsl'] as const;
export const PHASE_ROLES = ['baseline', 'overlap', 'recovery', 'warmup'] as const;
export const DATA_PROFILES = ['baseline', 'incident'] as const;
export const VARIABLE_SOURCES = ['recently_ingested', 'enum', 'range', 'hex'] as const;

const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

const WeightMap = (description: string) =>
  Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description, nullable: true,
    'x-kubernetes-preserve-unknown-fields': true });

export const FieldDefSchema = Type.Object({
  name: Type.String({ minLength: 1, description: 'field name; dotted names are emitted as flat keys' }),
  type: literals(FIELD_TYPES),
  generator: literals(GENERATOR_NAMES),
  config: Type.Optional(open('generator configuration, SPEC §5.2')),
}, strict);

export const SchemaSchema = Type.Object({
  index_name: Type.String({ minLength: 1 }),
  timestamp_field: Type.String({ minLength: 1 }),
  partition_key: Type.Optional(Type.String({ minLength: 1, description: '(ext) field used as the Kafka key' })),
  fields: Type.Array(FieldDefSchema, { minItems: 1 }),
}, strict);

export const DataGeneratorSchema = Type.Object({
  type: literals(['template'] as const, 'generator family; the reference format writes "template"'),
  config: Type.Optional(Type.Object({
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
  }, { additionalProperties: true, 'x-kubernetes-preserve-unknown-fields': true })),
}, strict);

export const IngestSchema = Type.Object({
  target_eps: Type.Number({ minimum: 0 }),
  batch_size: Type.Optional(Type.Integer({ minimum: 1 })),
}, strict);

export const DataStreamSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9-]+$', description: 'unique stream name [a-z0-9-]+' }),
  schema: SchemaSchema,
  data_generator: DataGeneratorSchema,
  kafka_partitions: Type.Optional(Type.Integer({ minimum: 1 })),
  ingest_replicas: Type.Optional(Type.Integer({ minimum: 0 })),
  ingest: Type.Record(Type.String(), IngestSchema, { description: 'one entry for every phase' }),
}, strict);

export const VariableSchema = Type.Object({
  source: literals(VARIABLE_SOURCES),
  field: Type.Optional(Type.String({ minLength: 1 })),
  lag_s: Type.Optional(Type.Number({ minimum: 0 })),
  values: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { minItems: 1 })),
  min: Type.Optional(Type.Integer()),
  max: Type.Optional(Type.Integer()),
  length: Type.Optional(Type.Integer({ minimum: 1 })),
}, strict);

export const QueryDefSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: literals(QUERY_TYPES),
  weight: Type.Optional(Type.Number({ minimum: 0 })),
  category: Type.Optional(Type.String({ minLength: 1 })),
  template: Type.Optional(Type.String()),
  sort: Type.Optional(Type.String({ minLength: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  time_range: Type.Optional(Type.String({ pattern: '^[1-9][0-9]*[smhd]$' })),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 0 })),
  variables: Type.Optional(Type.Record(Type.String(), VariableSchema)),
  sql: Type.Optional(Type.String()),
  sql_file: Type.Optional(Type.String({ minLength: 1 })),
  dsl: Type.Optional(open('(ext) native OpenSearch-family query body')),
  index: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
}, strict);

export const PhaseSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9_-]+$' }),
  display_name: Type.Optional(Type.String()),
  duration_seconds: Type.Integer({ minimum: 1 }),
  data_profile: Type.Optional(literals(DATA_PROFILES)),
  role: Type.Optional(literals(PHASE_ROLES)),
  ingest: Type.Optional(IngestSchema),
  query: Type.Optional(Type.Object({
    target_qps: Type.Optional(Type.Number({ minimum: 0 })),
    mix_override: Type.Optional(WeightMap('query name → weight; weights sum to 1')),
    users: Type.Optional(Type.Integer({ minimum: 0, description: '(ext) session-mode users' })),
  }, strict)),
  description: Type.Optional(Type.String()),
}, strict);

export const ScenarioSchema = Type.Object({
  scenario: Type.Object({
    name: Type.String({ pattern: '^[a-z0-9-]+$' }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$' }),
    display_name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    domain: Type.Optional(Type.String()),
  }, strict),
  schema: Type.Optional(SchemaSchema),
  data_generator: Type.Optional(DataGeneratorSchema),
  data_streams: Type.Optional(Type.Array(DataStreamSchema)),
  query_mix: Type.Optional(Type.Object({
    queries: Type.Array(QueryDefSchema),
    arrivals: Type.Optional(literals(['constant', 'poisson'] as const)),
  }, strict)),
  query_groups: Type.Optional(Type.Array(Type.Object({
    name: Type.String({ pattern: '^[a-z0-9-]+$' }),
    weight: Type.Number({ exclusiveMinimum: 0 }),
    mix_override: Type.Optional(WeightMap('query name → weight; beats a phase override')),
    endpoint: Type.Optional(Type.String({ minLength: 1 })),
  }, strict), { minItems: 1 })),
  query_session: Type.Optional(Type.Object({
    think_time_ms: Type.Optional(Type.Integer({ minimum: 0 })),
    categories: Type.Array(Type.Object({
      name: Type.String({ minLength: 1 }),
      iteration: Type.Optional(Type.Unsafe<string>({ type: 'string',
        enum: ['Sequential', 'WeightedRandom', 'sequential', 'weighted_random'] })),
      parallelism: Type.Optional(Type.Integer({ minimum: 1 })),
      queries: Type.Array(QueryDefSchema, { minItems: 1 }),
    }, strict), { minItems: 1 }),
  }, strict)),
  default_timeout_ms: Type.Optional(Type.Integer({ minimum: 1 })),
  timeline: Type.Object({ phases: Type.Array(PhaseSchema, { minItems: 1 }) }, strict),
  valid_run_criteria: Type.Optional(Type.Object({
    rules: Type.Optional(Type.Array(Type.Object({
      name: Type.String({ minLength: 1 }),
      condition: Type.String({ minLength: 1 }),
      message: Type.Optional(Type.String()),
    }, strict))),
  }, strict)),
  thresholds: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  freshness: Type.Optional(Type.Object({
    enabled: Type.Optional(Type.Boolean()),
    interval_s: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    id_field: Type.Optional(Type.String({ minLength: 1 })),
  }, strict)),
  report: Type.Optional(Type.Object({
    title: Type.Optional(Type.String()),
    emphasis: Type.Optional(Type.Array(Type.String())),
  }, strict)),
}, strict);

export type ScenarioDoc = Static<typeof ScenarioSchema>;
export type FieldDef = Static<typeof FieldDefSchema>;
export type FieldType = (typeof FIELD_TYPES)[number];
export type GeneratorName = (typeof GENERATOR_NAMES)[number];
export type SchemaDef = Static<typeof SchemaSchema>;
export type DataStreamDef = Static<typeof DataStreamSchema>;
export type QueryDef = Static<typeof QueryDefSchema>;
export type VariableDef = Static<typeof VariableSchema>;
export type PhaseDef = Static<typeof PhaseSchema>;
export type QueryType = (typeof QUERY_TYPES)[number];
export type PhaseRole = (typeof PHASE_ROLES)[number];
export type DataProfile = (typeof DATA_PROFILES)[number];
export type AnySchema = TSchema;
