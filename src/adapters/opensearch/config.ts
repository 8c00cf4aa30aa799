// The OpenSearch / Elasticsearch target config (SPEC §8.3 table): keys, defaults, checks, and the secrets it
// names read up front so a missing variable or file is reported before any network call. Must not do HTTP.

import type { DocPath, ProblemSink } from '../../scenario/problems.js';
import { show } from '../../scenario/problems.js';
import { ConfigReader, aliasedKey, describeValue, isMap, type ConfigMap } from './config-reader.js';
import { basicAuthHeader, secretFromEnv, secretFromFile, type SecretSources } from './credentials.js';

export type SearchVariant = 'opensearch' | 'elasticsearch';

export const SEARCH_CONFIG_KEYS = [
  'url', 'endpoint', 'username', 'password_env', 'password_file', 'api_key_env', 'tls_verify', 'shards', 'replicas',
  'refresh_interval', 'ingest',
] as const;
export const INGEST_KEYS = ['mode', 'consumer_group', 'consumer_groups', 'pull'] as const;
export const PULL_KEYS = [
  'pointer_init_reset', 'pointer_init_reset_value', 'error_strategy', 'mapper_type', 'bootstrap_servers',
  'kafka_params', 'poll_max_batch_size', 'poll_timeout', 'num_processor_threads', 'internal_queue_size',
  'all_active', 'pointer_based_lag_update_interval',
] as const;
export const INGEST_MODES = ['external', 'pull'] as const;
export const POINTER_RESETS = [
  'earliest', 'latest', 'reset_by_offset', 'reset_by_timestamp', 'rewind_by_offset', 'rewind_by_timestamp',
] as const;
export const ERROR_STRATEGIES = ['DROP', 'BLOCK'] as const;
export const MAPPER_TYPES = ['raw_payload', 'default'] as const;

export const SEARCH_DEFAULTS = {
  refreshInterval: '1s',
  replicas: 0,
  externalShards: 1,
  pointerInitReset: 'earliest',
  errorStrategy: 'DROP',
  mapperType: 'raw_payload',
} as const;

/** Settings of OpenSearch pull-based ingestion (`ingestion_source`); optional ones are absent when not given. */
export interface PullIngestConfig {
  pointerInitReset: string;
  pointerInitResetValue?: string;
  errorStrategy: string;
  mapperType: string;
  /** null: the run's Kafka bootstrap. */
  bootstrapServers: string | null;
  kafkaParams: Record<string, string | number | boolean>;
  pollMaxBatchSize?: number;
  pollTimeoutMs?: number;
  numProcessorThreads?: number;
  internalQueueSize?: number;
  allActive?: boolean;
  pointerBasedLagUpdateInterval?: string;
}

export type IngestConfig =
  | { mode: 'external'; consumerGroup: string | null; consumerGroups: Record<string, string> }
  | { mode: 'pull'; pull: PullIngestConfig };

/** The validated config, secrets excluded (safe to log). */
export interface SearchTargetConfig {
  variant: SearchVariant;
  url: string;
  tlsVerify: boolean;
  /** null: the default (partition count when pulling, else 1). */
  shards: number | null;
  replicas: number;
  refreshInterval: string;
  ingest: IngestConfig;
  auth: 'none' | 'basic' | 'api_key';
}

export interface ParsedSearchConfig {
  config: SearchTargetConfig;
  /** Authorization header value (secret), or null. */
  authorization: string | null;
}

/** OpenSearch/Elasticsearch time value: `-1`, or a number with a unit (`1s`, `500ms`, `2m`). */
const TIME_VALUE = /^(-1|\d+(\.\d+)?(nanos|micros|ms|s|m|h|d))$/;

/** Validates `raw`; every problem goes to `sink` under `base`. Returns null when any error was found. */
export function parseSearchConfig(raw: unknown, variant: SearchVariant, sink: ProblemSink, src: SecretSources,
  base: DocPath = []): ParsedSearchConfig | null {
  let errors = 0;
  const counting: ProblemSink = {
    error: (p, m, a) => { errors++; sink.error(p, m, a); },
    warn: (p, m, a) => sink.warn(p, m, a),
  };
  if (!isMap(raw)) {
    counting.error(base, `expected a mapping of target settings (url: …), got ${describeValue(raw)}`);
    return null;
  }
  const r = new ConfigReader(raw, base, counting, SEARCH_CONFIG_KEYS);
  const urlKey = aliasedKey(r, 'url', 'endpoint');
  let url: string | undefined;
  if (urlKey !== null) {
    if (r.has(urlKey)) url = r.baseUrl(urlKey);
    else r.error('url', `missing: expected the cluster's base URL, e.g. url: http://localhost:9200`);
  }
  const { authorization, auth } = readAuth(r, variant, src);
  const tlsVerify = r.boolean('tls_verify') ?? true;
  const shards = r.integer('shards', 1, 'the number of primary shards') ?? null;
  const replicas = r.integer('replicas', 0, 'the number of replicas') ?? SEARCH_DEFAULTS.replicas;
  let refreshInterval: string = SEARCH_DEFAULTS.refreshInterval;
  if (r.has('refresh_interval')) {
    const v = r.map.refresh_interval;
    if (typeof v !== 'string' || !TIME_VALUE.test(v)) {
      r.error('refresh_interval', `expected a time value such as "1s" or "500ms" (or "-1"), got ${describeValue(v)}`);
    } else {
      refreshInterval = v;
    }
  }
  const ingest = readIngest(raw, base, counting, variant);
  if (errors > 0 || url === undefined || ingest === null) return null;
  return { config: { variant, url, tlsVerify, shards, replicas, refreshInterval, ingest, auth }, authorization };
}

function readAuth(r: ConfigReader, variant: SearchVariant, src: SecretSources)
  : { authorization: string | null; auth: SearchTargetConfig['auth'] } {
  const none = { authorization: null, auth: 'none' as const };
  if (r.has('api_key_env')) {
    if (variant !== 'elasticsearch') {
      r.error('api_key_env', 'API keys are for Elasticsearch only; expected username with password_env or '
        + 'password_file for OpenSearch');
      return none;
    }
    if (r.has('username') || r.has('password_env') || r.has('password_file')) {
      r.error('api_key_env', 'both an API key and a username/password are given; expected only one way to authenticate');
      return none;
    }
    const key = secretFromEnv(r, 'api_key_env', 'the API key', src);
    return key === undefined ? none : { authorization: `ApiKey ${key}`, auth: 'api_key' };
  }
  const username = r.string('username', 'the user name for basic auth');
  const hasEnv = r.has('password_env');
  const hasFile = r.has('password_file');
  if (hasEnv && hasFile) {
    r.error('password_file', 'both password_env and password_file are given; expected only one source of the password');
    return none;
  }
  if (username === undefined) {
    if (!r.has('username') && (hasEnv || hasFile)) {
      r.error(hasEnv ? 'password_env' : 'password_file', 'a password is given without username; expected username too');
    }
    return none;
  }
  if (!hasEnv && !hasFile) {
    r.error('username', 'username is given without a password; expected password_env (an environment variable) '
      + 'or password_file (a file) naming it');
    return none;
  }
  const password = hasEnv ? secretFromEnv(r, 'password_env', 'the password', src)
    : secretFromFile(r, 'password_file', 'the password', src);
  return password === undefined ? none : { authorization: basicAuthHeader(username, password), auth: 'basic' };
}

function readIngest(raw: ConfigMap, base: DocPath, sink: ProblemSink, variant: SearchVariant): IngestConfig | null {
  const r = ConfigReader.at(raw, 'ingest', base, sink, INGEST_KEYS);
  if (raw.ingest !== undefined && raw.ingest !== null && r === null) return null;
  const ingestPath: DocPath = [...base, 'ingest'];
  const mode = r?.choice('mode', INGEST_MODES)?.toLowerCase() ?? (r?.has('mode') ? null : 'external');
  if (mode === null) return null;
  if (mode === 'pull') {
    if (variant !== 'opensearch') {
      sink.error([...ingestPath, 'mode'], `${show(r?.map.mode)} is OpenSearch only (≥ 3.0); expected "external" `
        + 'for Elasticsearch, with a sink connector you run and name by ingest.consumer_group');
      return null;
    }
    let ok = true;
    for (const key of ['consumer_group', 'consumer_groups'] as const) {
      if (r?.has(key)) {
        r.error(key, 'consumer groups are for ingest.mode external; pull-based ingestion has no Kafka consumer group '
          + '(remove this key)');
        ok = false;
      }
    }
    const pull = readPull(r, sink, ingestPath);
    return ok && pull ? { mode: 'pull', pull } : null;
  }
  if (r?.has('pull')) {
    r.error('pull', 'ingest.pull is only for ingest.mode pull; expected no ingest.pull with ingest.mode external');
    return null;
  }
  const consumerGroup = r?.string('consumer_group', 'the consumer group of the sink connector') ?? null;
  const consumerGroups = r?.stringMap('consumer_groups', 'stream names to consumer groups') ?? {};
  if (consumerGroup === null && Object.keys(consumerGroups).length === 0) {
    if (!r?.has('consumer_group') && !r?.has('consumer_groups')) {
      sink.error([...ingestPath, 'consumer_group'], 'missing: ingest.mode external needs the consumer group of the sink '
        + 'you run (a Kafka Connect sink\'s is connect-<connector name>), or ingest.consumer_groups per stream');
    }
    return null;
  }
  return { mode: 'external', consumerGroup, consumerGroups };
}

function readPull(ingest: ConfigReader | null, sink: ProblemSink, ingestPath: DocPath): PullIngestConfig | null {
  const out: PullIngestConfig = {
    pointerInitReset: SEARCH_DEFAULTS.pointerInitReset,
    errorStrategy: SEARCH_DEFAULTS.errorStrategy,
    mapperType: SEARCH_DEFAULTS.mapperType,
    bootstrapServers: null,
    kafkaParams: {},
  };
  const r = ingest ? ConfigReader.at(ingest.map, 'pull', ingestPath, sink, PULL_KEYS) : null;
  if (!r) return ingest?.has('pull') ? null : out;
  let ok = true;
  const fail = (key: string, message: string) => { r.error(key, message); ok = false; };
  const reset = r.choice('pointer_init_reset', POINTER_RESETS);
  if (reset !== undefined) out.pointerInitReset = reset;
  else if (r.has('pointer_init_reset')) ok = false;
  const byValue = /_by_/.test(out.pointerInitReset.toLowerCase());
  if (r.has('pointer_init_reset_value')) {
    const v = r.map.pointer_init_reset_value;
    if (!byValue) {
      fail('pointer_init_reset_value', `only used with pointer_init_reset reset_by_offset or reset_by_timestamp; `
        + `pointer_init_reset is ${show(out.pointerInitReset)}`);
    } else if ((typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && v.trim() !== '')) {
      out.pointerInitResetValue = String(v);
    } else {
      fail('pointer_init_reset_value', `expected an offset or a timestamp in ms, got ${describeValue(v)}`);
    }
  } else if (byValue) {
    fail('pointer_init_reset', `${show(out.pointerInitReset)} needs pointer_init_reset_value (the offset or `
      + 'timestamp to start from)');
  }
  const strategy = r.choice('error_strategy', ERROR_STRATEGIES);
  if (strategy !== undefined) out.errorStrategy = strategy;
  else if (r.has('error_strategy')) ok = false;
  const mapper = r.choice('mapper_type', MAPPER_TYPES);
  if (mapper !== undefined) out.mapperType = mapper;
  else if (r.has('mapper_type')) ok = false;
  if (r.has('bootstrap_servers')) {
    const v = r.map.bootstrap_servers;
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
    if (!list || list.length === 0 || !list.every((s) => typeof s === 'string' && s.trim() !== '')) {
      fail('bootstrap_servers', `expected host:port or a list of them, got ${describeValue(v)}`);
    } else {
      out.bootstrapServers = (list as string[]).map((s) => s.trim()).join(',');
    }
  }
  if (r.has('kafka_params')) {
    const v = r.map.kafka_params;
    if (!isMap(v)) {
      fail('kafka_params', `expected a mapping of Kafka consumer properties, got ${describeValue(v)}`);
    } else {
      for (const [k, p] of Object.entries(v)) {
        if (k === 'topic' || k === 'bootstrap_servers') {
          sink.error([...r.path, 'kafka_params', k], k === 'topic'
            ? 'the topic is the run\'s events topic; expected no "topic" here'
            : 'expected ingest.pull.bootstrap_servers instead of kafka_params.bootstrap_servers');
          ok = false;
        } else if (typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') {
          out.kafkaParams[k] = p;
        } else {
          sink.error([...r.path, 'kafka_params', k], `expected a string, number or boolean, got ${describeValue(p)}`);
          ok = false;
        }
      }
    }
  }
  const ints: [key: string, set: (n: number) => void, what: string][] = [
    ['poll_max_batch_size', (n) => { out.pollMaxBatchSize = n; }, 'messages per poll'],
    ['poll_timeout', (n) => { out.pollTimeoutMs = n; }, 'the poll timeout in ms'],
    ['num_processor_threads', (n) => { out.numProcessorThreads = n; }, 'processor threads per shard'],
    ['internal_queue_size', (n) => { out.internalQueueSize = n; }, 'the internal queue size'],
  ];
  for (const [key, set, what] of ints) {
    const n = r.integer(key, 1, what);
    if (n !== undefined) set(n);
    else if (r.has(key)) ok = false;
  }
  const allActive = r.boolean('all_active');
  if (allActive !== undefined) out.allActive = allActive;
  else if (r.has('all_active')) ok = false;
  if (r.has('pointer_based_lag_update_interval')) {
    const v = r.map.pointer_based_lag_update_interval;
    if (typeof v === 'string' && TIME_VALUE.test(v)) out.pointerBasedLagUpdateInterval = v;
    else fail('pointer_based_lag_update_interval', `expected a time value such as "10s", got ${describeValue(v)}`);
  }
  return ok ? out : null;
}
