// The one place target adapters are registered (SPEC §8.1, §8.5): adapter name → factory. createAdapter validates the
// config through the factory (no network call). Must not hold adapter behaviour — each adapter's folder does.

import type { Dispatcher } from 'undici';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { didYouMean, oneOf } from '../scenario/suggest.js';
import { createClickHouseAdapter } from './clickhouse/index.js';
import { createMach5Adapter } from './mach5/index.js';
import { createElasticsearchAdapter, createOpenSearchAdapter } from './opensearch/index.js';
import type { TargetAdapter } from './types.js';

/** What every factory may be given besides the raw config; each field has a production default. */
export interface AdapterOptions {
  /** undici dispatcher for every request (tests: MockAgent); default the adapter's own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Queries in flight per worker (SPEC §20 max_in_flight): sizes the keep-alive pool per origin. */
  maxInFlight?: number;
  /** Environment and file reader for password_env / password_file / …_env keys. */
  secrets?: { env: Readonly<Record<string, string | undefined>>; readFile(path: string): string };
  /** The target config file's name, for problem messages (default "target config"). */
  configFile?: string;
  logger?: Logger;
  /**
   * The plan's freshness id field (harness.freshness.idField): probe uses it for a stream whose context carries no
   * sentinelField and that has the field; else SPEC §20's default on the stream's own fields.
   */
  idField?: string | null;
}

export type AdapterFactory = (rawConfig: unknown, opts: AdapterOptions) => TargetAdapter;

/**
 * Registered adapters. ── To add one: import its factory and add one entry here. Names must be those of
 * ADAPTER_LANGUAGES (languages.ts). ──
 */
const FACTORIES: Readonly<Record<string, AdapterFactory>> = {
  clickhouse: createClickHouseAdapter,
  opensearch: createOpenSearchAdapter,
  elasticsearch: createElasticsearchAdapter,
  mach5: createMach5Adapter,
};

/** Names of the adapters this build can create, in registration order. */
export function adapterNames(): string[] {
  return Object.keys(FACTORIES);
}

/**
 * The adapter `name` bound to `rawConfig`. Throws a UsageError for an unknown name (listing the known ones, with a
 * "did you mean") and the factory's ConfigError for an invalid config.
 */
export function createAdapter(name: string, rawConfig: unknown, opts: AdapterOptions = {}): TargetAdapter {
  const factory = Object.prototype.hasOwnProperty.call(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (factory === undefined) {
    const known = adapterNames();
    throw new UsageError(`unknown target adapter ${JSON.stringify(name)}${didYouMean(name, known)}; expected ${oneOf(known)}`);
  }
  return factory(rawConfig, opts);
}
