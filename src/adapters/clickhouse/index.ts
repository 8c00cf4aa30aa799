// The ClickHouse target adapter (SPEC §8.2): the factory validates the config (secrets read, no network call) and
// binds prepare/compile/execute/probe/cleanup to it and to one keep-alive HTTP pool. Must not hold step logic.

import type { Dispatcher } from 'undici';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { ResolvedQuery } from '../../scenario/resolved.js';
import type {
  CleanupContext, CompiledQuery, PrepareContext, PrepareResult, QueryResult, RunContext, StreamContext, TargetAdapter,
  Vars,
} from '../types.js';
import { cleanupClickHouse } from './cleanup.js';
import { compileClickHouse, type ClickHouseDialect } from './compile.js';
import { DEFAULT_CONFIG_FILE, parseClickHouseConfig, type ClickHouseConfig, type SecretSources } from './config.js';
import { detectDialect } from './dialect.js';
import { executeClickHouse } from './execute.js';
import { ClickHouseHttp, DEFAULT_MAX_IN_FLIGHT } from './http.js';
import { tableFor } from './objects.js';
import { describeClickHousePrepare, prepareClickHouse } from './prepare.js';
import { probeSentinels } from './probe.js';
import { StatementRunner } from './statement.js';

/** What the factory needs besides the raw config; every field has a production default. */
export interface ClickHouseAdapterOptions {
  /** undici dispatcher for every request (tests: MockAgent); default an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Connections per origin (SPEC §8.1, max_in_flight); default 64. */
  maxInFlight?: number;
  /** Environment and file reader for password_env / password_file. */
  secrets?: SecretSources;
  /** The target config file's name, for problem messages. */
  configFile?: string;
  logger?: Logger;
  /**
   * The plan's freshness id field (harness.freshness.idField): probe uses it for a stream whose context carries no
   * sentinelField and that has the field; else SPEC §20's default on the stream's own fields.
   */
  idField?: string | null;
}

/**
 * The dialect compile uses before one was detected (and none is set by `dialect:`): v18's SQL runs on every release,
 * the current dialect's not on 18.x.
 */
export const FALLBACK_DIALECT: ClickHouseDialect = 'v18';

export class ClickHouseAdapter implements TargetAdapter {
  readonly name = 'clickhouse';
  readonly config: ClickHouseConfig;
  private readonly http: ClickHouseHttp;
  private readonly sql: StatementRunner;
  private readonly configFile: string;
  private readonly idField: string | null;
  private readonly logger: Logger;
  private detected: { version: string; dialect: ClickHouseDialect } | null = null;
  /** What prepare calls of this instance created. */
  private readonly createdHere = new Set<string>();

  /** `password`: the secret read by parseClickHouseConfig (null: none); it goes to the HTTP client only. */
  constructor(config: ClickHouseConfig, password: string | null, opts: ClickHouseAdapterOptions = {}) {
    this.config = config;
    this.configFile = opts.configFile ?? DEFAULT_CONFIG_FILE;
    this.idField = opts.idField ?? null;
    this.logger = opts.logger ?? silentLogger;
    this.http = new ClickHouseHttp({
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      maxInFlight: opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      tlsVerify: config.tlsVerify,
      user: config.user,
      password,
      database: config.database,
    });
    this.sql = new StatementRunner(this.http, config.url);
  }

  /** The dialect compile uses now: the config's, else the detected one, else FALLBACK_DIALECT. */
  get dialect(): ClickHouseDialect {
    if (this.config.dialect !== 'auto') return this.config.dialect;
    return this.detected?.dialect ?? FALLBACK_DIALECT;
  }

  /**
   * Reads `SELECT version()` once (prepare does it too) so that later compiles use the server's dialect; roles that
   * compile without preparing call it first. Rejects with a TargetError when the server does not answer.
   */
  async detectDialect(): Promise<ClickHouseDialect> {
    this.detected ??= await detectDialect(this.sql);
    if (this.config.dialect === 'auto') this.logger.debug('ClickHouse dialect', { ...this.detected });
    return this.dialect;
  }

  async prepare(ctx: PrepareContext): Promise<PrepareResult> {
    await this.detectDialect();
    const result = await prepareClickHouse(this.sql, this.config, ctx, {
      configFile: this.configFile, dialect: this.dialect, version: this.detected?.version ?? 'unknown',
    });
    for (const c of result.created ?? []) this.createdHere.add(c);
    return result;
  }

  compile(query: ResolvedQuery, stream: StreamContext | null): CompiledQuery {
    const table = stream !== null ? tableFor(this.config, stream) : (query.index ?? '');
    return compileClickHouse(query, stream, { table, dialect: this.dialect });
  }

  execute(q: CompiledQuery, vars: Vars, endpoint: string, signal: AbortSignal): Promise<QueryResult> {
    return executeClickHouse(this.http, q, vars, endpoint === '' ? this.config.url : endpoint, signal);
  }

  probe(ids: string[], ctx: RunContext): Promise<Set<string>> {
    return probeSentinels(this.sql, this.config, ids, ctx, this.idField);
  }

  /** Drops the run's views and Kafka tables, and data tables this run created (ctx.prepared, own prepares, mark). */
  cleanup(ctx: CleanupContext): Promise<void> {
    const known = new Set([...(ctx.prepared?.created ?? []), ...this.createdHere]);
    return cleanupClickHouse(this.sql, this.config, ctx, known);
  }

  describePrepare(ctx: PrepareContext): string[] {
    return describeClickHousePrepare(this.config, ctx, {
      configFile: this.configFile, dialect: this.config.dialect === 'auto' ? null : this.config.dialect,
    });
  }

  /** Closes keep-alive connections (not part of TargetAdapter; harmless to skip at process exit). */
  async queryEndpoints(): Promise<Record<string, string>> {
    return { default: this.config.url };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** Validates `rawConfig`; throws a ConfigError listing every problem (no network call). */
export function createClickHouseAdapter(rawConfig: unknown, opts: ClickHouseAdapterOptions = {}): ClickHouseAdapter {
  const { config, password } = parseClickHouseConfig(rawConfig, {
    ...(opts.configFile !== undefined ? { configFile: opts.configFile } : {}),
    ...(opts.secrets !== undefined ? { secrets: opts.secrets } : {}),
  });
  return new ClickHouseAdapter(config, password, opts);
}
