// Prepare for OpenSearch / Elasticsearch (SPEC §8.3): one PUT per stream index, "already exists" as success, a
// non-empty index refused without --reuse-target, consumer groups. Must not compare mappings or delete anything.

import { ConfigError, TargetError, type Problem } from '../../core/errors.js';
import { formatPath, type DocPath } from '../../scenario/problems.js';
import { didYouMean } from '../../scenario/suggest.js';
import type { PrepareContext, PrepareResult, StreamContext } from '../types.js';
import { httpErrorClass } from '../types.js';
import { SEARCH_DEFAULTS, type PullIngestConfig, type SearchTargetConfig } from './config.js';
import {
  SearchHttpClient, httpErrorText, indexSegment, isSuccess, jsonBody, mustSend, type HttpResponse,
} from './http-client.js';
import { mappingProperties } from './mapping.js';

/** The error type OpenSearch and Elasticsearch answer (HTTP 400) for PUT of an index that exists. */
export const ALREADY_EXISTS_TYPE = 'resource_already_exists_exception';

/** Primary shards of a stream's index: the configured count, else the partition count when pulling, else 1. */
export function shardsFor(config: SearchTargetConfig, stream: StreamContext): number {
  if (config.shards !== null) return config.shards;
  return config.ingest.mode === 'pull' ? stream.partitions : SEARCH_DEFAULTS.externalShards;
}

/** The exact body of `PUT /{index}` (SPEC §8.3 Prepare 1, pull settings merged when pulling). */
export function indexBody(config: SearchTargetConfig, stream: StreamContext, bootstrap: readonly string[]): unknown {
  const settings: Record<string, unknown> = {
    'index.number_of_shards': shardsFor(config, stream),
    'index.number_of_replicas': config.replicas,
    'index.refresh_interval': config.refreshInterval,
  };
  if (config.ingest.mode === 'pull') {
    settings.ingestion_source = ingestionSource(config.ingest.pull, stream.topic, bootstrap);
    settings['index.replication.type'] = 'SEGMENT';
  }
  return { settings, mappings: { dynamic: false, properties: mappingProperties(stream.fields) } };
}

function ingestionSource(p: PullIngestConfig, topic: string, bootstrap: readonly string[]): Record<string, unknown> {
  const src: Record<string, unknown> = { type: 'kafka', 'pointer.init.reset': p.pointerInitReset };
  if (p.pointerInitResetValue !== undefined) src['pointer.init.reset.value'] = p.pointerInitResetValue;
  src.error_strategy = p.errorStrategy;
  src.mapper_type = p.mapperType;
  if (p.pollMaxBatchSize !== undefined) src['poll.max_batch_size'] = p.pollMaxBatchSize;
  if (p.pollTimeoutMs !== undefined) src['poll.timeout'] = p.pollTimeoutMs;
  if (p.numProcessorThreads !== undefined) src.num_processor_threads = p.numProcessorThreads;
  if (p.internalQueueSize !== undefined) src.internal_queue_size = p.internalQueueSize;
  if (p.allActive !== undefined) src.all_active = p.allActive;
  if (p.pointerBasedLagUpdateInterval !== undefined) src.pointer_based_lag_update_interval = p.pointerBasedLagUpdateInterval;
  src.param = { topic, bootstrap_servers: p.bootstrapServers ?? bootstrap.join(','), ...p.kafkaParams };
  return src;
}

/**
 * Checks what needs the run's streams (consumer group per stream, shards ≥ partitions when pulling) before any
 * request; throws one ConfigError listing every problem.
 */
export function checkAgainstStreams(config: SearchTargetConfig, streams: readonly StreamContext[], file: string): void {
  const problems: Problem[] = [];
  const add = (path: DocPath, message: string) => problems.push({ file, line: 0, col: 0, path: formatPath(path), message });
  const names = streams.map((s) => s.name);
  if (config.ingest.mode === 'external') {
    const { consumerGroup, consumerGroups } = config.ingest;
    for (const key of Object.keys(consumerGroups)) {
      if (!names.includes(key)) {
        add(['ingest', 'consumer_groups', key], `${JSON.stringify(key)} is not a stream of the scenario${didYouMean(key, names)}; `
          + `expected one of ${names.map((n) => JSON.stringify(n)).join(', ') || '(no streams)'}`);
      }
    }
    for (const s of streams) {
      if (consumerGroup === null && consumerGroups[s.name] === undefined) {
        add(['ingest', 'consumer_groups'], `stream ${JSON.stringify(s.name)} has no consumer group; expected an entry `
          + 'for it, or ingest.consumer_group for every stream');
      }
    }
  } else {
    for (const s of streams) {
      if (config.shards !== null && config.shards < s.partitions) {
        add(['shards'], `${config.shards} shards cannot read the ${s.partitions} partitions of topic `
          + `${JSON.stringify(s.topic)} (shard i reads partition i); expected at least ${s.partitions}, or no shards key`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Stream → consumer group the lag is read from (external ingestion); null when pulling. */
export function consumerGroupsFor(config: SearchTargetConfig, streams: readonly StreamContext[]): Record<string, string> | null {
  if (config.ingest.mode === 'pull') return null;
  const out: Record<string, string> = {};
  for (const s of streams) {
    const group = config.ingest.consumerGroups[s.name] ?? config.ingest.consumerGroup;
    if (group !== null) out[s.name] = group;
  }
  return out;
}

/** `error.type` of an OpenSearch/Elasticsearch error body, or null. */
export function errorType(res: HttpResponse): string | null {
  const body = jsonBody(res) as { error?: { type?: unknown } } | undefined;
  const t = body?.error?.type;
  return typeof t === 'string' ? t : null;
}

/**
 * Creates each stream's index in stream order. `created` is appended to as indexes are created (also when a later
 * one fails), so the caller can hand it to cleanup either way.
 */
export async function prepareSearchTarget(http: SearchHttpClient, config: SearchTargetConfig, ctx: PrepareContext,
  configFile: string, created: string[]): Promise<PrepareResult> {
  checkAgainstStreams(config, ctx.streams, configFile);
  const existingRows: Record<string, number> = {};
  for (const stream of ctx.streams) {
    const url = `${config.url}/${indexSegment(stream.index)}`;
    const res = await mustSend(http, 'PUT', url, indexBody(config, stream, ctx.kafkaBootstrap));
    if (isSuccess(res.status)) {
      created.push(`index:${stream.index}`);
      existingRows[stream.name] = 0;
      ctx.logger.info('created index', { index: stream.index });
      continue;
    }
    if (res.status !== 400 || errorType(res) !== ALREADY_EXISTS_TYPE) {
      throw new TargetError(httpErrorClass(res.status), `PUT ${url}: ${httpErrorText(res)}`);
    }
    ctx.logger.info('index already exists; kept as is (mappings not compared)', { index: stream.index });
    const count = await countDocuments(http, url);
    if (count > 0 && !ctx.reuseTarget) {
      throw new TargetError('target_not_empty', `index ${JSON.stringify(stream.index)} already holds ${count} documents; `
        + 'expected an empty index: delete it, use another index_name, or pass --reuse-target to run on top of them');
    }
    existingRows[stream.name] = count;
  }
  const result: PrepareResult = {
    consumerGroups: consumerGroupsFor(config, ctx.streams),
    created: [...created],
    queryEndpoints: { default: config.url },
    eventEncoding: { timestampFormat: 'iso8601' },
  };
  if (ctx.reuseTarget) result.existingRows = existingRows;
  if (config.ingest.mode === 'pull') {
    result.warnings = ['pull-based ingestion is experimental (OpenSearch ≥ 3.0); its lag comes from the '
      + 'ingestion state API and counts queued messages as consumed'];
  }
  return result;
}

/** Documents in an index (`GET /{index}/_count`). */
async function countDocuments(http: SearchHttpClient, indexUrl: string): Promise<number> {
  const url = `${indexUrl}/_count`;
  const res = await mustSend(http, 'GET', url);
  if (!isSuccess(res.status)) throw new TargetError(httpErrorClass(res.status), `GET ${url}: ${httpErrorText(res)}`);
  const count = (jsonBody(res) as { count?: unknown } | undefined)?.count;
  if (typeof count !== 'number') throw new TargetError('bad_response', `GET ${url}: no "count" in ${httpErrorText(res)}`);
  return count;
}

export function describeSearchPrepare(config: SearchTargetConfig, ctx: PrepareContext): string[] {
  const steps: string[] = [];
  for (const s of ctx.streams) {
    const ingest = config.ingest.mode === 'pull'
      ? `, pull-based ingestion from topic ${s.topic}`
      : '';
    const shards = shardsFor(config, s);
    steps.push(`PUT ${config.url}/${s.index}: create index (${shards} shard${shards === 1 ? '' : 's'}, `
      + `${config.replicas} replica${config.replicas === 1 ? '' : 's'}, `
      + `refresh ${config.refreshInterval}, ${s.fields.length} fields mapped${ingest}); an existing empty index is kept`);
  }
  const groups = consumerGroupsFor(config, ctx.streams);
  if (groups) {
    for (const [stream, group] of Object.entries(groups)) {
      steps.push(`stream ${stream}: lag from consumer group ${group} (run your sink connector from topic `
        + `${ctx.streams.find((s) => s.name === stream)?.topic ?? '?'} into the index)`);
    }
  } else if (ctx.streams.length > 0) {
    steps.push('lag from the ingestion state API (GET /{index}/ingestion/_state); no Kafka consumer group');
  }
  if (ctx.streams.length === 0) steps.push(`query-only: nothing to create on ${config.url}`);
  return steps;
}
