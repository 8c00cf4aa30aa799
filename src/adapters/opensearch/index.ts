// The OpenSearch and Elasticsearch target adapters (SPEC §8.3): the factory validates the config (secrets read,
// no network call) and binds the prepare/compile/execute/probe/cleanup steps to it. Must not hold step logic.

import type { Dispatcher } from 'undici';
import { ConfigError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { ResolvedQuery } from '../../scenario/resolved.js';
import type {
  CleanupContext, CompiledQuery, PartitionOffsets, PrepareContext, PrepareResult, QueryResult, RunContext,
  StreamContext, TargetAdapter, Vars,
} from '../types.js';
import { cleanupSearchTarget } from './cleanup.js';
import { compileDsl } from './compile.js';
import { ConfigProblems } from './config-reader.js';
import { parseSearchConfig, type SearchTargetConfig, type SearchVariant } from './config.js';
import { processSecretSources, type SecretSources } from './credentials.js';
import { executeSearch } from './execute.js';
import { DEFAULT_MAX_IN_FLIGHT, SearchHttpClient } from './http-client.js';
import { consumedOffsetsFromState } from './offsets.js';
import { describeSearchPrepare, prepareSearchTarget } from './prepare.js';
import { SentinelProbe } from './probe.js';

/** What the search-family factories need besides the raw config; every field has a production default. */
export interface SearchAdapterOptions {
  /** undici dispatcher for every request (tests: MockAgent); default an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Connections per origin (SPEC §8.1); default 64. */
  maxInFlight?: number;
  /** Environment and file reader for password_env / password_file / api_key_env / token_env. */
  secrets?: SecretSources;
  /** The target config file's name, for problem messages. */
  configFile?: string;
  /** Where config warnings go. */
  logger?: Logger;
  /**
   * The plan's freshness id field (harness.freshness.idField): probe uses it for a stream whose context carries no
   * sentinelField and that has the field; else SPEC §20's default on the stream's own fields.
   */
  idField?: string | null;
}

export const DEFAULT_CONFIG_FILE = 'target config';

export class SearchFamilyAdapter implements TargetAdapter {
  readonly name: SearchVariant;
  readonly config: SearchTargetConfig;
  /** Present only with pull-based ingestion, where no Kafka consumer group exists (SPEC §8.1). */
  readonly consumedOffsets?: (ctx: RunContext) => Promise<PartitionOffsets | null>;
  private readonly http: SearchHttpClient;
  private readonly sentinels: SentinelProbe;
  private readonly configFile: string;
  /** What prepare calls of this instance created; null until one ran. */
  private createdHere: Set<string> | null = null;

  constructor(config: SearchTargetConfig, authorization: string | null, opts: SearchAdapterOptions = {}) {
    this.name = config.variant;
    this.config = config;
    this.configFile = opts.configFile ?? DEFAULT_CONFIG_FILE;
    this.http = new SearchHttpClient({
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      maxInFlight: opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      tlsVerify: config.tlsVerify,
      authorization,
    });
    this.sentinels = new SentinelProbe(this.http, opts.idField ?? null);
    if (config.ingest.mode === 'pull') {
      this.consumedOffsets = (ctx) => consumedOffsetsFromState(this.http, this.config.url, ctx);
    }
  }

  async prepare(ctx: PrepareContext): Promise<PrepareResult> {
    const created: string[] = [];
    try {
      return await prepareSearchTarget(this.http, this.config, ctx, this.configFile, created);
    } finally {
      this.createdHere = new Set([...(this.createdHere ?? []), ...created]);
    }
  }

  compile(query: ResolvedQuery, stream: StreamContext | null): CompiledQuery {
    return compileDsl(query, stream);
  }

  execute(q: CompiledQuery, vars: Vars, endpoint: string, signal: AbortSignal): Promise<QueryResult> {
    return executeSearch(this.http, q, vars, endpoint, signal);
  }

  probe(ids: string[], ctx: RunContext): Promise<Set<string>> {
    return this.sentinels.probe(this.config.url, ids, ctx);
  }

  /** Deletes what prepare created (per ctx.prepared and this instance's own prepare calls), else every stream index. */
  async cleanup(ctx: CleanupContext): Promise<void> {
    const known = ctx.prepared === null && this.createdHere === null ? null
      : new Set([...(ctx.prepared?.created ?? []), ...(this.createdHere ?? [])]);
    await cleanupSearchTarget(this.http, this.config.url, ctx, known);
  }

  describePrepare(ctx: PrepareContext): string[] {
    return describeSearchPrepare(this.config, ctx);
  }

  /** Closes keep-alive connections (not part of TargetAdapter; harmless to skip at process exit). */
  async queryEndpoints(): Promise<Record<string, string>> {
    return { default: this.config.url };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** Validates `rawConfig` for `variant`; throws a ConfigError listing every problem (no network call). */
export function createSearchAdapter(variant: SearchVariant, rawConfig: unknown, opts: SearchAdapterOptions = {})
  : SearchFamilyAdapter {
  const problems = new ConfigProblems(opts.configFile ?? DEFAULT_CONFIG_FILE);
  const parsed = parseSearchConfig(rawConfig, variant, problems, opts.secrets ?? processSecretSources);
  for (const w of problems.warnings) (opts.logger ?? silentLogger).warn(`${w.path}: ${w.message}`);
  if (problems.errors.length > 0 || parsed === null) throw new ConfigError(problems.errors);
  return new SearchFamilyAdapter(parsed.config, parsed.authorization, opts);
}

export function createOpenSearchAdapter(rawConfig: unknown, opts: SearchAdapterOptions = {}): SearchFamilyAdapter {
  return createSearchAdapter('opensearch', rawConfig, opts);
}

export function createElasticsearchAdapter(rawConfig: unknown, opts: SearchAdapterOptions = {}): SearchFamilyAdapter {
  return createSearchAdapter('elasticsearch', rawConfig, opts);
}
