// The resolved scenario: a validated scenario file after defaults, the stream normalisation of
// SPEC §3.4 and scaling (§3.3). Types only; must not carry YAML positions or raw file shapes.

import type { DataProfile, FieldDef, PhaseRole, QueryType, VariableDef } from './schema.js';

export interface ResolvedStream {
  name: string;
  index: string;
  timestampField: string;
  partitionKey: string | null;
  fields: FieldDef[];
  seed: number;
  kafkaPartitions: number | null;
  ingestReplicas: number | null;
  /** One entry per phase, in timeline order; targetEps already scaled. */
  phases: { targetEps: number; batchSize: number }[];
  /** The field carrying this stream's sentinel ids (sentinel-field.ts); null: the stream has no sentinels. */
  sentinelField: string | null;
}

export interface ResolvedQuery {
  name: string;
  type: QueryType;
  /** Resolved weight: the file's weight, or 1/n when the mix has none (SPEC §7.1). */
  weight: number;
  category: string | null;
  template: string | null; // null for native queries
  sort: { field: string; order: 'asc' | 'desc' } | null;
  limit: number | null;
  timeRange: string | null;
  timeoutMs: number;
  variables: Record<string, VariableDef>;
  sql: string | null; // inline sql or the content of sql_file
  sqlFile: string | null;
  dsl: Record<string, unknown> | null;
  /** The index named by `index:` ('' → null); for template queries, the stream's index. */
  index: string | null;
  /** The stream queried, or null (native queries of a query-only scenario). */
  stream: string | null;
  description: string;
}

export interface ResolvedPhase {
  name: string;
  displayName: string;
  durationS: number; // scaled, whole seconds ≥ 1
  profile: DataProfile;
  role: PhaseRole | null; // explicit `role:` only; derived roles are in the plan
  targetQps: number; // scaled
  mixOverride: Record<string, number> | null;
  users: number | null;
  description: string;
}

export interface ResolvedSession {
  thinkTimeMs: number;
  categories: {
    name: string;
    iteration: 'sequential' | 'weighted_random';
    parallelism: number;
    queries: ResolvedQuery[];
  }[];
}

export interface ResolvedScenario {
  name: string;
  version: string;
  displayName: string;
  description: string;
  domain: string;
  streams: ResolvedStream[];
  queries: ResolvedQuery[];
  arrivals: 'constant' | 'poisson';
  queryGroups: { name: string; weight: number; mixOverride: Record<string, number> | null; endpoint: string | null }[];
  session: ResolvedSession | null;
  defaultTimeoutMs: number;
  phases: ResolvedPhase[];
  rules: { name: string; condition: string; message: string }[];
  thresholds: string[];
  freshness: { enabled: boolean; intervalS: number; idField: string | null };
  report: { title: string | null; emphasis: string[] };
}
