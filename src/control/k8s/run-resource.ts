// The IncidentBenchRun resource of SPEC §15.1 as TypeScript types, plus the names, labels and paths every
// Kubernetes piece (CRD, operator, render, CLI) agrees on. Types and constants only; must not do I/O.

export const API_GROUP = 'incidentbench.io';
export const API_VERSION = 'v1alpha1';
export const RUN_API_VERSION = `${API_GROUP}/${API_VERSION}`;
export const RUN_KIND = 'IncidentBenchRun';
export const RUN_PLURAL = 'incidentbenchruns';
export const RUN_SINGULAR = 'incidentbenchrun';
export const RUN_SHORT_NAME = 'ibrun';
export const FINALIZER = 'incidentbench.io/cleanup';

/** Labels on every child object; `RUN_LABEL` selects a run's children. */
export const RUN_LABEL = 'incidentbench.io/run';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const GROUP_LABEL = 'incidentbench.io/query-group';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export type Component = 'coordinator' | 'ingest' | 'query' | 'cleanup' | 'operator';

/** Child object names. Job and ConfigMap names are DNS-1123 subdomains ≤ 253; pods add a suffix, so keep runs ≤ 40 chars. */
export const childNames = {
  planConfigMap: (run: string) => `${run}-plan`,
  reportConfigMap: (run: string) => `${run}-report`,
  coordinatorJob: (run: string) => `${run}-coordinator`,
  ingestJob: (run: string) => `${run}-ingest`,
  queryJob: (run: string, group: string) => `${run}-query-${group}`,
  cleanupJob: (run: string) => `${run}-cleanup`,
};

/** Where the plan ConfigMap (key `plan.json`) is mounted in every pod of a run. */
export const PLAN_KEY = 'plan.json';
export const PLAN_MOUNT_DIR = '/etc/incidentbench/plan';
export const PLAN_PATH = `${PLAN_MOUNT_DIR}/${PLAN_KEY}`;
/** Report ConfigMap keys (gzip, binaryData). */
export const REPORT_KEYS = { runJson: 'run.json.gz', reportHtml: 'report.html.gz' } as const;
/** Above this many bytes of gzip data, the report ConfigMap holds only run.json (SPEC §15.2). */
export const REPORT_HTML_LIMIT_BYTES = 900 * 1024;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface SecretRef { name: string }

/** Kubernetes resource requirements, passed through to the pods. */
export interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface RunSpec {
  /** Inline scenario (SPEC §3), exactly as a scenario file's content. One of `scenario` and `scenarioRef`. */
  scenario?: Record<string, unknown>;
  scenarioRef?: { configMap: { name: string; key: string } };
  target?: {
    adapter: string;
    /** Target config (SPEC §8), credentials by env var name (`password_env`) filled from `credentialsSecretRef`. */
    config?: Record<string, unknown>;
    /** Secret whose keys become env vars of the coordinator and query pods. */
    credentialsSecretRef?: SecretRef;
    reuse?: boolean;
  };
  kafka: {
    bootstrapServers: string;
    /** Events topic override: `events` for a single stream, `streams.<name>` per stream (= `--events-topic`). */
    topics?: { events?: string; streams?: Record<string, string> };
    partitions?: number;
    acks?: 'all' | '-1' | '0' | '1';
    compression?: 'none' | 'gzip';
    manageTopics?: boolean;
    /** TLS to the brokers; `caSecretRef` holds `ca.crt` (and `tls.crt`/`tls.key` for mutual TLS). */
    tls?: { enabled: boolean; caSecretRef?: SecretRef; insecureSkipVerify?: boolean };
    /** Secret with the IB_KAFKA_SASL_MECHANISM / IB_KAFKA_USERNAME / IB_KAFKA_PASSWORD keys. */
    saslSecretRef?: SecretRef;
  };
  harness?: {
    maxInflightBatches?: number;
    maxInFlight?: number;
    freshness?: { enabled?: boolean; intervalSeconds?: number; idField?: string };
  };
  drainTimeoutSeconds?: number;
  readyTimeoutSeconds?: number;
  scaling?: { durationScale?: number; rateScale?: number };
  workers?: {
    ingest?: { replicas?: number; threads?: number; resources?: Resources };
    query?: { replicas?: number; resources?: Resources };
    queryGroups?: { name: string; replicas: number }[];
  };
  seed?: number;
  image?: string;
  dryRun?: boolean;
  thresholds?: string[];
  cleanupOnDelete?: boolean;
}

export const RUN_PHASES = ['Pending', 'Preparing', 'Initializing', 'Running', 'Aggregating', 'Reporting', 'Completed', 'Failed'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];
export const CONDITION_TYPES = ['Validated', 'Prepared', 'WorkersReady', 'RunComplete'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** The standard Kubernetes Condition shape (metav1.Condition). */
export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  /** CamelCase, e.g. `InvalidSpec`, `CoordinatorFailed`, `ReadyTimeout`. */
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface RunProgress {
  elapsedSeconds: number;
  totalSeconds: number;
  targetIngestEPS: number;
  achievedIngestEPS: number;
  consumedIngestEPS: number | null;
  targetQueryQPS: number;
  achievedQueryQPS: number;
  queryP99Ms: number | null;
  kafkaConsumerLag: number | null;
  /** When the operator last mirrored a LivePoint (RFC 3339); mirrors are ≥ 5 s apart. */
  updatedAt?: string;
}

export interface RunResults {
  valid: boolean;
  validityViolations: string[];
  warnings: string[];
  harnessSaturated: boolean;
  /** The scorecard of run.json (SPEC §11), numbers or null. */
  scorecard: Record<string, number | null>;
  reportConfigMap: string | null;
  /** Set when report.html did not fit: how to rebuild it. */
  reportNote?: string;
  exitCode?: number;
}

export interface RunStatus {
  phase?: RunPhase;
  conditions?: Condition[];
  observedGeneration?: number;
  runId?: string;
  startTime?: string;
  completionTime?: string;
  currentBenchmarkPhase?: string;
  currentBenchmarkPhaseIndex?: number;
  workers?: { ingest: { desired: number; ready: number }; query: { desired: number; ready: number } };
  progress?: RunProgress;
  results?: RunResults;
  /** Dry run: the plan summary (phases, totals, workers). */
  planSummary?: string;
}

/** Printer columns of the CRD (SPEC §15.1). */
export const PRINTER_COLUMNS = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Benchmark-Phase', type: 'string', jsonPath: '.status.currentBenchmarkPhase' },
  { name: 'Elapsed', type: 'integer', jsonPath: '.status.progress.elapsedSeconds' },
  { name: 'Valid', type: 'boolean', jsonPath: '.status.results.valid' },
  { name: 'Degradation', type: 'number', jsonPath: '.status.results.scorecard.p99_degradation_ratio' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
] as const;

export interface IncidentBenchRun {
  apiVersion: typeof RUN_API_VERSION;
  kind: typeof RUN_KIND;
  metadata: ObjectMeta;
  spec: RunSpec;
  status?: RunStatus;
}
