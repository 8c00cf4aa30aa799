// The Mach5 target adapter (SPEC §8.4): the factory validates the config (secrets read, no network call) and binds
// the steps to it, remembering what prepare created for cleanup. Must not hold step logic.

import type { Dispatcher } from 'undici';
import { ConfigError } from '../../core/errors.js';
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
import { compileMach5Sql, executeMach5 } from './execute.js';
import { describeMach5Prepare, prepareMach5 } from './prepare.js';
import { warehouseId } from './readiness.js';
import { Mach5Paths, endpointNeedsId, queryEndpoint } from './resources.js';

export interface Mach5AdapterOptions {
  /** undici dispatcher for every request (tests: MockAgent); default an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Connections per origin (SPEC §8.1); default 64. */
  maxInFlight?: number;
  /** Environment and file reader for token_env / pg_password_env. */
  secrets?: SecretSources;
  /** The target config file's name, for problem messages. */
  configFile?: string;
  /** Where config warnings go. */
  logger?: Logger;
  /** The plan's freshness id field (harness.freshness.idField) probe looks sentinels up by; default SPEC §20's. */
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

  constructor(config: Mach5Config, authorization: string | null, opts: Mach5AdapterOptions = {}) {
    this.config = config;
    this.timers = opts.timers ?? systemTimers;
    this.http = new SearchHttpClient({
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      maxInFlight: opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      tlsVerify: config.tlsVerify,
      authorization,
    });
    this.sentinels = new SentinelProbe(this.http, opts.idField ?? null);
  }

  async prepare(ctx: PrepareContext): Promise<PrepareResult> {
    const created: string[] = [];
    try {
      const { result, warehouseIds } = await prepareMach5(this.http, this.timers, this.config, ctx, created);
      Object.assign(this.warehouseIds, warehouseIds);
      this.prepared = result;
      return result;
    } finally {
      for (const c of created) this.createdHere.add(c);
    }
  }

  compile(query: ResolvedQuery, stream: StreamContext | null): CompiledQuery {
    return query.type === 'sql' ? compileMach5Sql(query) : compileDsl(query, stream);
  }

  execute(q: CompiledQuery, vars: Vars, endpoint: string, signal: AbortSignal): Promise<QueryResult> {
    return executeMach5(this.http, q, vars, endpoint, signal);
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

  /** Closes keep-alive connections (not part of TargetAdapter). */
  close(): Promise<void> {
    return this.http.close();
  }

  async queryEndpoints(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const w of this.config.warehouses) {
      const url = await this.endpointOf(w);
      if (url !== null) out[w.name] = url;
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
  return new Mach5Adapter(parsed.config, parsed.authorization, opts);
}
