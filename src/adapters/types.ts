// The target adapter interface (SPEC §8.1) and the types every adapter shares: contexts, compiled queries with
// variable slots, results. Types and tiny pure helpers only; must not import Kafka code (SPEC §2).

import type { Logger } from '../core/logger.js';
import type { ResolvedQuery } from '../scenario/resolved.js';
import type { FieldDef } from '../scenario/schema.js';

/** One stream as the target sees it: its schema, its table/index and the Kafka topic it consumes. */
export interface StreamContext {
  name: string;
  /** The stream's index_name (SPEC §3.4); each adapter derives its own object names from it. */
  index: string;
  timestampField: string;
  fields: FieldDef[];
  topic: string;
  partitions: number;
  /**
   * The field carrying this stream's sentinel ids (the plan's streams[].sentinelField): null — the stream has no
   * sentinels; absent — the adapter's configured id field or SPEC §20's default on the stream's own fields.
   */
  sentinelField?: string | null;
}

export interface RunContext {
  run: string;
  runId: string;
  streams: StreamContext[];
  logger: Logger;
}

export interface PrepareContext extends RunContext {
  /** Kafka bootstrap as the target sees it (an adapter config key may override it, e.g. kafka_broker_list). */
  kafkaBootstrap: string[];
  /** --reuse-target: a table/index that already holds rows is accepted (counts taken before/after). */
  reuseTarget: boolean;
}

export interface CleanupContext extends RunContext {
  /** What prepare reported (cleanup removes only what it created, plus run-owned objects); null when unknown. */
  prepared: PrepareResult | null;
}

export interface PrepareResult {
  consumerGroups: Record<string, string> | null;
  created?: string[];
  queryEndpoints: Record<string, string>;
  eventEncoding?: { timestampFormat?: 'iso8601' | 'epoch_millis' | 'epoch_seconds' };
  /** Rows/documents already present per stream when --reuse-target was given (null: not counted). */
  existingRows?: Record<string, number> | null;
  warnings?: string[];
}

/** Values of `{{var}}` placeholders for one execution. */
export type Vars = Readonly<Record<string, string | number | boolean>>;

/** SQL text with variable slots; each slot is escaped for the target when bound. */
export type SqlPart = { text: string } | { variable: string; as: 'string' | 'number' };

export interface CompiledSql {
  language: 'sql';
  parts: SqlPart[];
}

/**
 * A JSON body in which a variable is the object `{ "$ibVar": name, "as": "string" | "number" }`; binding replaces
 * each marker by the (typed) value, so a value can never change the body's structure.
 */
export interface CompiledDsl {
  language: 'dsl';
  /** The index/path the body is sent to (`POST {endpoint}/{index}/_search`). */
  index: string;
  body: unknown;
}

export interface CompiledQuery {
  name: string;
  kind: 'search' | 'aggregation' | 'native';
  stream: string | null;
  index: string | null;
  timeoutMs: number;
  /** Variables the compiled text needs, in order of first use. */
  variables: string[];
  compiled: CompiledSql | CompiledDsl;
}

export interface QueryResult {
  ok: boolean;
  hits: number | null;
  errorClass?: string;
  error?: string;
}

/** PartitionOffsets: per topic and partition, the next offset the target will consume (committed-offset meaning). */
export type PartitionOffsets = Record<string, Record<number, number>>;

export interface TargetAdapter {
  readonly name: string;
  prepare(ctx: PrepareContext): Promise<PrepareResult>;
  compile(query: ResolvedQuery, stream: StreamContext | null): CompiledQuery;
  execute(q: CompiledQuery, vars: Vars, endpoint: string, signal: AbortSignal): Promise<QueryResult>;
  consumedOffsets?(ctx: RunContext): Promise<PartitionOffsets | null>;
  probe(ids: string[], ctx: RunContext): Promise<Set<string>>;
  cleanup(ctx: CleanupContext): Promise<void>;
  describePrepare(ctx: PrepareContext): string[];
  /** Query endpoints known without preparing (the `query` command against an existing target). */
  queryEndpoints(): Promise<Record<string, string>>;
  /** Closes keep-alive pools (optional; callers call it when the run is over). */
  close?(): Promise<void>;
}

/** Error classes of failed queries (SPEC §7.4): stable codes, never message text. */
export const ERROR_CLASSES = {
  timeout: 'timeout',
  connect: 'connect',
  partial: 'partial',
  parse: 'bad_response',
  aborted: 'aborted',
} as const;

/** A non-2xx response's error class: `http_<status>` (e.g. http_503). */
export function httpErrorClass(status: number): string {
  return `http_${status}`;
}
