// The RunPlan of SPEC §4: the exact instructions every role follows. It crosses process boundaries
// (plan.json, the control topic), so its shape is pinned by the spec. Types only.

import type { PhaseRole, DataProfile } from './schema.js';
import type { ResolvedScenario } from './resolved.js';

export interface PlanPhase {
  name: string;
  role?: PhaseRole;
  offsetS: number;
  durationS: number;
  profile: DataProfile;
  targetEps: number; // Σ streams, scaled (informational beside `events`)
  targetQps: number;
  events: number; // Σ streams, exact
}

export interface PlanStreamPhase {
  targetEps: number;
  batchSize: number;
  firstG: number;
  events: number;
}

export interface PlanStream {
  name: string;
  index: string;
  topic: string;
  partitions: number;
  seed: number;
  phases: PlanStreamPhase[];
  /** The field carrying this stream's sentinel ids (SPEC §5.3); null: freshness off, or the stream has no such field. */
  sentinelField: string | null;
}

export interface PlanLane {
  stream: string;
  lane: number;
  worker: number;
  thread: number;
  events: number[]; // per phase, exact
  eps: number[]; // informational
}

export interface PlanQueryRate {
  worker: number;
  group: string;
  qps: number[];
  arrivals: number[]; // per phase, exact
}

export interface PlanTarget {
  adapter: string;
  config: Record<string, unknown>; // secrets by reference only
  configHash: string;
}

export interface RunPlan {
  planVersion: 1;
  run: { name: string; id: string; seed: number };
  scenario: ResolvedScenario;
  target: PlanTarget | null;
  kafka: {
    bootstrap: string[];
    topics: { control: string; metrics: string; live: string };
    manageTopics: boolean;
    acks: -1 | 0 | 1;
    compression: string;
  };
  scaling: { durationScale: number; rateScale: number };
  harness: {
    maxInflightBatches: number;
    maxInFlight: number;
    drainTimeoutS: number;
    readyTimeoutS: number;
    reuseTarget: boolean;
    freshness: { enabled: boolean; intervalS: number; idField: string | null };
  };
  thresholds: string[];
  workers: {
    ingest: { count: number; threads: number };
    query: { group: string; count: number; endpoint: string }[];
  };
  phases: PlanPhase[];
  streams: PlanStream[];
  lanes: PlanLane[];
  queryRates: PlanQueryRate[];
  totals: { events: number; queries: number; durationS: number };
}
