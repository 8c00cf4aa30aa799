// The Mach5 target adapter (SPEC §8.4): the factory validates the config (secrets read, no network call) and binds
// the steps to it, remembering what prepare created for cleanup and which warehouse owns which query endpoint.
// Must not hold step logic.
//
// `type: sql` needs pg_host. The factory does not see the scenario, so the check runs where the adapter first meets a
// sql query: compile() throws a ConfigError naming pg_host (before any run starts); execute() of a sql query compiled
// elsewhere answers `not_configured`.

import type { Dispatcher } from 'undici';
import { ConfigError, type Problem } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { systemTimers, type Timers } from '../../core/timers.js';
import type { ResolvedQuery } from '../../scenario/resolved.js';
import type {
  CleanupContext, CompiledQuery, PrepareContext, PrepareResult, QueryResult, RunContext, StreamContext,
  TargetAdapter, Vars,
} from '../types.js';
import { compileDsl } from '../opensearch/compile.js';
import { ConfigProblems } from '../opensearch/config-reader.js';
import { processSecretSources, type SecretSources } from '../opensearch/credentials.js';
import { DEFAULT_MAX_IN_FLIGHT, SearchHttpClient } from '../opensearch/http-client.js';
import { SentinelProbe } from '../opensearch/probe.js';
import { cleanupMach5 } from './cleanup.js';
import { parseMach5Config, type Mach5Config } from './config.js';
import { compileMach5Sql, executeMach5, type Mach5Executors } from './execute.js';
import { describeMach5Prepare, prepareMach5 } from './prepare.js';
import { warehouseId } from './readiness.js';
import { Mach5Paths, endpointNeedsId, queryEndpoint } from './resources.js';
import { Mach5SqlClient, warehouseForEndpoint } from './sql.js';

export interface Mach5AdapterOptions {
  /** undici dispatcher for every request (tests: MockAgent); default an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Connections per origin (SPEC §8.1); default 64. */
  maxInFlight?: number;
  /** Environment and file reader for token_env / pg_password_env (read once, by the factory). */
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
  /** Timers of the readiness polling (tests: ManualTimers). */
  timers?: Timers;
}

export class Mach5Adapter implements TargetAdapter {
  readonly name = 'mach5';
  readonly config: Mach5Config;
  private readonly http: SearchHttpClient;
  private readonly timers: Timers;
  private readonly sentinels: SentinelProbe;
  /** Every object this instance's prepare calls created (kept across calls and failures). */
  private readonly createdHere = new Set<string>();
  private prepared: PrepareResult | null = null;
  private readonly warehouseIds: Record<string, string> = {};
  private readonly sql: Mach5SqlClient;
  /** Query endpoint URL → warehouse name, for every endpoint this instance reported or learned from prepare. */
  private readonly endpointWarehouses = new Map<string, string>();
  private readonly executors: Mach5Executors;
  private readonly configFile: string;

  /** `pgPassword`: from pg_password_env (never logged; kept only inside the pg pools' settings). */
  constructor(config: Mach5Config, authorization: string | null, opts: Mach5AdapterOptions = {}, pgPassword: string | null = null) {
    this.config = config;
    this.timers = opts.timers ?? systemTimers;
    this.configFile = opts.configFile ?? 'target config';
    const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.http = new SearchHttpClient({
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      maxInFlight,
      tlsVerify: config.tlsVerify,
      authorization,
    });
    this.sql = new Mach5SqlClient(config, { maxInFlight, password: pgPassword });
    this.executors = {
      http: this.http,
      sql: this.sql,
      warehouseOf: (endpoint) => warehouseForEndpoint(this.config, endpoint, this.endpointWarehouses),
    };
    this.sentinels = new SentinelProbe(this.http, opts.idField ?? null);
  }

  async prepare(ctx: PrepareContext): Promise<PrepareResult> {
    const created: string[] = [];
    try {
      const { result, warehouseIds } = await prepareMach5(this.http, this.timers, this.config, ctx, created);
      Object.assign(this.warehouseIds, warehouseIds);
      this.prepared = result;
      for (const [w, url] of Object.entries(result.queryEndpoints)) this.endpointWarehouses.set(url, w);
      return result;
    } finally {
      for (const c of created) this.createdHere.add(c);
    }
  }

  /** Throws a ConfigError naming pg_host for a `type: sql` query when the config has none. */
  compile(query: ResolvedQuery, stream: StreamContext | null): CompiledQuery {
    if (query.type !== 'sql') return compileDsl(query, stream);
    if (this.config.pg.host === null) {
      const problem: Problem = { file: this.configFile, line: 0, col: 0, path: 'pg_host',
        message: `missing: query ${JSON.stringify(query.name)} is type: sql, which Mach5 serves over the PostgreSQL wire `
          + 'protocol; expected pg_host (with pg_port, pg_user, pg_password_env, pg_dbname as needed)' };
      throw new ConfigError([problem]);
    }
    return compileMach5Sql(query);
  }

  /** DSL: POST to `endpoint`; SQL: the pgwire session of the warehouse that owns `endpoint` (sql.ts). */
  execute(q: CompiledQuery, vars: Vars, endpoint: string, signal: AbortSignal): Promise<QueryResult> {
    return executeMach5(this.executors, q, vars, endpoint, signal);
  }

  /** The §8.3 probe, sent to the first warehouse's query endpoint. */
  async probe(ids: string[], ctx: RunContext): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const endpoint = await this.firstQueryEndpoint();
    if (endpoint === null) return new Set();
    return this.sentinels.probe(endpoint, ids, ctx);
  }

  async cleanup(ctx: CleanupContext): Promise<void> {
    const created = new Set([...(ctx.prepared?.created ?? []), ...this.createdHere]);
    await cleanupMach5(this.http, this.config, ctx, created);
  }

  describePrepare(ctx: PrepareContext): string[] {
    return describeMach5Prepare(this.config, ctx);
  }

  /** Closes keep-alive connections and the PostgreSQL-wire pools. */
  async close(): Promise<void> {
    await Promise.all([this.http.close(), this.sql.close()]);
  }

  async queryEndpoints(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const w of this.config.warehouses) {
      const url = await this.endpointOf(w);
      if (url !== null) {
        out[w.name] = url;
        this.endpointWarehouses.set(url, w.name);
      }
    }
    return out;
  }

  private firstQueryEndpoint(): Promise<string | null> {
    return this.endpointOf(this.config.warehouses[0]!);
  }

  /** From prepare's result, else computed; a template with {warehouse_id} reads the id once (null if unknown). */
  private async endpointOf(w: Mach5Config['warehouses'][number]): Promise<string | null> {
    const known = this.prepared?.queryEndpoints[w.name];
    if (known !== undefined) return known;
    if (!endpointNeedsId(this.config)) return queryEndpoint(this.config, w.name, null);
    if (this.warehouseIds[w.name] === undefined) {
      try {
        const res = await this.http.send('GET', new Mach5Paths(this.config.url, this.config.namespace).warehouse(w.name));
        const id = warehouseId(res.text);
        if (id === null) return null;
        this.warehouseIds[w.name] = id;
      } catch {
        return null;
      }
    }
    return queryEndpoint(this.config, w.name, this.warehouseIds[w.name]!);
  }
}

/** Validates `rawConfig`; throws a ConfigError listing every problem (no network call). */
export function createMach5Adapter(rawConfig: unknown, opts: Mach5AdapterOptions = {}): Mach5Adapter {
  const problems = new ConfigProblems(opts.configFile ?? 'target config');
  const parsed = parseMach5Config(rawConfig, problems, opts.secrets ?? processSecretSources);
  for (const w of problems.warnings) (opts.logger ?? silentLogger).warn(`${w.path}: ${w.message}`);
  if (problems.errors.length > 0 || parsed === null) throw new ConfigError(problems.errors);
  return new Mach5Adapter(parsed.config, parsed.authorization, opts, parsed.pgPassword);
}
