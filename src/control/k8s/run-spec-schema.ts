// JSON Schemas of an IncidentBenchRun's `spec` (all of SPEC §15.1 except `scenario`, which crd.ts projects from
// the scenario schema) and `status`, shaped after run-resource.ts. Schemas only; must not hold checks that need code.

import { Type } from '@sinclair/typebox';
import { ADAPTER_NAMES } from '../../adapters/languages.js';
import { CONDITION_TYPES, RUN_PHASES } from './run-resource.js';

const strict = { additionalProperties: false } as const;
/** Free-form sub-trees passed through unchanged (target config, pod resources). */
const freeForm = (description: string) =>
  Type.Object({}, { additionalProperties: true, description, 'x-kubernetes-preserve-unknown-fields': true });
const literals = (values: readonly string[], description: string) =>
  Type.Unsafe<string>({ type: 'string', enum: [...values], description });
const secretRef = (description: string) =>
  Type.Object({ name: Type.String({ minLength: 1, description: 'name of a Secret in the run\'s namespace' }) },
    { ...strict, description });
const whole = (min: number, description: string, extra: Record<string, unknown> = {}) =>
  Type.Integer({ minimum: min, description, ...extra });

/** The `spec.scenarioRef` → ConfigMap key holding a scenario file's text. */
const ScenarioRefSchema = Type.Object({
  configMap: Type.Object({
    name: Type.String({ minLength: 1, description: 'ConfigMap in the run\'s namespace' }),
    key: Type.String({ minLength: 1, description: 'key whose value is the scenario YAML' }),
  }, strict),
}, { ...strict, description: 'a scenario file stored in a ConfigMap (instead of spec.scenario)' });

const TargetSchema = Type.Object({
  adapter: literals(ADAPTER_NAMES, 'target adapter (SPEC §8)'),
  config: Type.Optional(freeForm('target config (SPEC §8) as in a --target-config file; credentials by env var '
    + 'name (password_env: X), filled from credentialsSecretRef')),
  credentialsSecretRef: Type.Optional(secretRef('Secret whose keys become env vars of the coordinator, query and '
    + 'cleanup pods (e.g. the key named by password_env)')),
  reuse: Type.Optional(Type.Boolean({ description: 'allow a target table/index that already holds rows (--reuse-target)' })),
}, { ...strict, description: 'the platform under test; without it the run only produces to Kafka' });

const KafkaSchema = Type.Object({
  bootstrapServers: Type.String({ minLength: 1, description: 'comma-separated host:port list (--kafka)' }),
  topics: Type.Optional(Type.Object({
    events: Type.Optional(Type.String({ minLength: 1, description: 'events topic of a single-stream scenario' })),
    streams: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1 }),
      { description: 'events topic per stream name (multi-stream scenarios)' })),
  }, { ...strict, description: 'events topic overrides (--events-topic); default ib.<run>.events[.<stream>]' })),
  partitions: Type.Optional(whole(1, 'partitions of the events topic(s); default max(lanes, 4)')),
  acks: Type.Optional(literals(['all', '-1', '0', '1'], 'producer acks, quoted: "all" (= "-1"), "0" or "1"; default all')),
  compression: Type.Optional(literals(['none', 'gzip'], 'producer compression; default none')),
  manageTopics: Type.Optional(Type.Boolean({ description: 'create and delete the run topics; false checks that they exist', default: true })),
  tls: Type.Optional(Type.Object({
    enabled: Type.Boolean({ description: 'connect to the brokers with TLS' }),
    caSecretRef: Type.Optional(secretRef('Secret with ca.crt (and tls.crt/tls.key for mutual TLS)')),
    insecureSkipVerify: Type.Optional(Type.Boolean({ description: 'do not verify the broker certificate' })),
  }, { ...strict, description: 'TLS to the brokers' })),
  saslSecretRef: Type.Optional(secretRef('Secret with IB_KAFKA_SASL_MECHANISM, IB_KAFKA_USERNAME, IB_KAFKA_PASSWORD')),
}, { ...strict, description: 'the Kafka cluster the run uses' });

const HarnessSchema = Type.Object({
  maxInflightBatches: Type.Optional(whole(1, 'batches in flight per lane; default 4')),
  maxInFlight: Type.Optional(whole(1, 'queries in flight per query worker; default 256')),
  freshness: Type.Optional(Type.Object({
    enabled: Type.Optional(Type.Boolean({ description: 'emit and probe freshness sentinels (SPEC §8.6)' })),
    intervalSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'seconds between sentinels; default 1' })),
    idField: Type.Optional(Type.String({ minLength: 1, description: 'field carrying the sentinel id; default trace_id' })),
  }, { ...strict, description: 'overrides of the scenario\'s freshness: block' })),
}, { ...strict, description: 'harness settings (SPEC §20)' });

const Resources = freeForm('Kubernetes resource requirements of the pods (requests, limits)');

const WorkersSchema = Type.Object({
  ingest: Type.Optional(Type.Object({
    replicas: Type.Optional(whole(1, 'ingest workers; default the scenario\'s ingest_replicas sum, else 10')),
    threads: Type.Optional(whole(1, 'lane threads per ingest worker; default 2')),
    resources: Type.Optional(Resources),
  }, strict)),
  query: Type.Optional(Type.Object({
    replicas: Type.Optional(whole(1, 'query workers per query group; default 4')),
    resources: Type.Optional(Resources),
  }, strict)),
  queryGroups: Type.Optional(Type.Array(Type.Object({
    name: Type.String({ pattern: '^[a-z0-9-]+$', description: 'a query group of the scenario (query_groups[].name)' }),
    replicas: whole(1, 'query workers of this group'),
  }, strict), { description: 'per-group query workers; weights and endpoints live in the scenario (SPEC §7.5)',
    'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
}, { ...strict, description: 'worker counts and pod resources' });

/** Every `spec` field of SPEC §15.1 except `scenario`; the CEL rule needs crd.ts to add `scenario`. */
export const RunSpecSchema = Type.Object({
  scenarioRef: Type.Optional(ScenarioRefSchema),
  target: Type.Optional(TargetSchema),
  kafka: KafkaSchema,
  harness: Type.Optional(HarnessSchema),
  drainTimeoutSeconds: Type.Optional(whole(1, 'seconds to wait for lag 0 after the timeline; default 120 × durationScale, ≥ 10')),
  readyTimeoutSeconds: Type.Optional(whole(1, 'READY barrier timeout in seconds', { default: 120 })),
  scaling: Type.Optional(Type.Object({
    durationScale: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'multiplies every phase duration; default 1' })),
    rateScale: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'multiplies every EPS and QPS target; default 1' })),
  }, { ...strict, description: 'SPEC §3.3' })),
  workers: Type.Optional(WorkersSchema),
  seed: Type.Optional(whole(0, 'a single stream gets seed S, stream i of several S + i; default each stream\'s own',
    { maximum: 4294967295 })),
  image: Type.Optional(Type.String({ minLength: 1, description: 'container image of the run\'s pods; default incidentbench:<version>' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'only build the plan and put its summary in status', default: false })),
  thresholds: Type.Optional(Type.Array(Type.String({ minLength: 1 }),
    { description: 'threshold expressions (SPEC §12.4), e.g. "p99_degradation_ratio < 3"' })),
  cleanupOnDelete: Type.Optional(Type.Boolean({ description: 'on delete, clean up the target and the run topics', default: true })),
}, {
  ...strict,
  description: 'what to run and where (SPEC §15.1, §20)',
  'x-kubernetes-validations': [{ rule: 'has(self.scenario) != has(self.scenarioRef)', message: 'exactly one of spec.scenario and spec.scenarioRef' }],
});

const nullableNumber = (description: string) => Type.Number({ nullable: true, description });
const time = (description: string) => Type.String({ format: 'date-time', description });

const ConditionSchema = Type.Object({
  type: literals(CONDITION_TYPES, 'condition type'),
  status: literals(['True', 'False', 'Unknown'], 'condition status'),
  reason: Type.String({ description: 'CamelCase reason, e.g. InvalidSpec' }),
  message: Type.String({ description: 'human-readable details' }),
  lastTransitionTime: time('when the status last changed'),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
}, strict);

const WorkerCount = Type.Object({ desired: Type.Integer({ minimum: 0 }), ready: Type.Integer({ minimum: 0 }) }, strict);

/** `status`, written by the operator only (RunStatus of run-resource.ts). */
export const RunStatusSchema = Type.Object({
  phase: Type.Optional(literals(RUN_PHASES, 'lifecycle phase (SPEC §15.2)')),
  conditions: Type.Optional(Type.Array(ConditionSchema,
    { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  runId: Type.Optional(Type.String()),
  startTime: Type.Optional(time('when the benchmark timeline started')),
  completionTime: Type.Optional(time('when the run finished')),
  currentBenchmarkPhase: Type.Optional(Type.String({ description: 'the scenario phase running now' })),
  currentBenchmarkPhaseIndex: Type.Optional(Type.Integer({ minimum: 0 })),
  workers: Type.Optional(Type.Object({ ingest: WorkerCount, query: WorkerCount }, strict)),
  progress: Type.Optional(Type.Object({
    elapsedSeconds: Type.Number(),
    totalSeconds: Type.Number(),
    targetIngestEPS: Type.Number(),
    achievedIngestEPS: Type.Number(),
    consumedIngestEPS: nullableNumber('events per second consumed by the target, when known'),
    targetQueryQPS: Type.Number(),
    achievedQueryQPS: Type.Number(),
    queryP99Ms: nullableNumber('p99 query latency of the last window'),
    kafkaConsumerLag: nullableNumber('consumer lag of the target, when known'),
    updatedAt: Type.Optional(time('when the operator last mirrored a live point')),
  }, { ...strict, description: 'the live stream, mirrored at most every 5 s' })),
  results: Type.Optional(Type.Object({
    valid: Type.Boolean(),
    validityViolations: Type.Array(Type.String()),
    warnings: Type.Array(Type.String()),
    harnessSaturated: Type.Boolean(),
    scorecard: Type.Record(Type.String(), nullableNumber('a scorecard metric (SPEC §11)'),
      { description: 'the scorecard of run.json' }),
    reportConfigMap: Type.String({ nullable: true, description: 'ConfigMap with run.json.gz and report.html.gz' }),
    reportNote: Type.Optional(Type.String({ description: 'how to rebuild report.html when it did not fit' })),
    exitCode: Type.Optional(Type.Integer()),
  }, { ...strict, description: 'the run summary (SPEC §13)' })),
  planSummary: Type.Optional(Type.String({ description: 'dry run: the plan summary' })),
}, { ...strict, description: 'observed state, written by the operator' });
