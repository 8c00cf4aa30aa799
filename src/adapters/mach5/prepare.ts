// Prepare on Mach5 (SPEC §8.4): namespace, connection, indexes, pipelines, warehouses strictly in order (parallel only
// inside a step), readiness, query endpoints; records what it creates. Must not delete anything.

import { TargetError } from '../../core/errors.js';
import type { Timers } from '../../core/timers.js';
import type { PrepareContext, PrepareResult } from '../types.js';
import { httpErrorClass } from '../types.js';
import { SearchHttpClient, httpErrorText, isSuccess, jsonBody, mustSend } from '../opensearch/http-client.js';
import type { Mach5Config } from './config.js';
import { connectionName, consumerGroupName, pipelineName } from './names.js';
import { waitForWarehouse, readinessSearchUrl } from './readiness.js';
import {
  Mach5Paths, connectionBody, endpointNeedsId, indexBody, pipelineBody, queryEndpoint, warehouseBody,
} from './resources.js';

/** Entries of PrepareResult.created: `<kind>:<name>`. */
export type CreatedKind = 'namespace' | 'connection' | 'index' | 'pipeline' | 'warehouse';
export function createdEntry(kind: CreatedKind, name: string): string {
  return `${kind}:${name}`;
}

export interface Mach5Prepared {
  result: PrepareResult;
  /** Warehouse name → id, as read during readiness. */
  warehouseIds: Record<string, string>;
}

/** A body saying the object exists (the reference's success rule for create calls). */
const EXISTS_TEXT = /AlreadyExists|already exists/i;

/** PUT of one object: true when created, false when it already existed; anything else throws. */
async function create(http: SearchHttpClient, url: string, body: unknown): Promise<boolean> {
  const res = await mustSend(http, 'PUT', url, body);
  const exists = EXISTS_TEXT.test(res.text);
  if (isSuccess(res.status)) return !exists;
  if (res.status === 409 || exists) return false;
  throw new TargetError(httpErrorClass(res.status), `PUT ${url}: ${httpErrorText(res)}`);
}

/** Runs one step's calls in parallel and waits for all; then throws the first failure, if any. */
async function step<T>(items: readonly T[], call: (item: T) => Promise<void>): Promise<void> {
  const settled = await Promise.allSettled(items.map(call));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Runs the prepare sequence. `created` is appended to as objects are created (also when a later step fails), so
 * the caller can hand it to cleanup either way.
 */
export async function prepareMach5(http: SearchHttpClient, timers: Timers, config: Mach5Config, ctx: PrepareContext,
  created: string[]): Promise<Mach5Prepared> {
  const ns = config.namespace;
  const paths = new Mach5Paths(config.url, ns);
  const conn = connectionName(ctx.run);
  const existed = new Set<string>();
  const log = ctx.logger;
  const record = (kind: CreatedKind, name: string, isNew: boolean) => {
    if (isNew) created.push(createdEntry(kind, name));
    log.info(isNew ? `created ${kind}` : `${kind} already exists; kept`, { namespace: ns, name });
  };

  // 1. namespace
  if (config.manageNamespace) record('namespace', ns, await create(http, paths.namespace, {}));
  // 2.–4. connection, indexes, pipelines: only with an events stream
  if (ctx.streams.length > 0) {
    record('connection', conn, await create(http, paths.connection(conn), connectionBody(ctx.kafkaBootstrap)));
    await step(ctx.streams, async (s) => {
      const isNew = await create(http, paths.index(s.index), indexBody(s));
      if (!isNew) existed.add(s.index);
      record('index', s.index, isNew);
    });
    await step(ctx.streams, async (s) => {
      const name = pipelineName(ctx.run, s.name);
      const body = pipelineBody(ns, conn, s, consumerGroupName(ctx.run, s.name));
      record('pipeline', name, await create(http, paths.pipeline(name), body));
    });
  }
  // 5. warehouses
  if (config.manageWarehouses) {
    await step(config.warehouses, async (w) => {
      record('warehouse', w.name, await create(http, paths.warehouse(w.name), warehouseBody(w)));
    });
  }
  // 6. readiness, one warehouse at a time
  const warehouseIds: Record<string, string> = {};
  for (const w of config.warehouses) {
    warehouseIds[w.name] = await waitForWarehouse(http, timers, log, {
      warehouse: w.name,
      warehouseUrl: paths.warehouse(w.name),
      endpointFor: (id) => queryEndpoint(config, w.name, id),
      index: ctx.streams[0]?.index ?? null,
    });
    log.info('warehouse ready', { warehouse: w.name, id: warehouseIds[w.name] });
  }
  // 7. query endpoints
  const queryEndpoints: Record<string, string> = {};
  for (const w of config.warehouses) queryEndpoints[w.name] = queryEndpoint(config, w.name, warehouseIds[w.name] ?? null);

  const existingRows: Record<string, number> = {};
  const first = Object.values(queryEndpoints)[0]!;
  for (const s of ctx.streams) {
    existingRows[s.name] = existed.has(s.index) ? await countDocuments(http, first, s.index) : 0;
    if (existingRows[s.name]! > 0 && !ctx.reuseTarget) {
      throw new TargetError('target_not_empty', `index ${JSON.stringify(s.index)} in namespace ${JSON.stringify(ns)} `
        + `already holds ${existingRows[s.name]} documents; expected an empty index: delete it, use another index_name, `
        + 'or pass --reuse-target to run on top of them');
    }
  }
  const consumerGroups: Record<string, string> = {};
  for (const s of ctx.streams) consumerGroups[s.name] = consumerGroupName(ctx.run, s.name);
  const result: PrepareResult = {
    consumerGroups,
    created: [...created],
    queryEndpoints,
    eventEncoding: { timestampFormat: 'iso8601' },
  };
  if (ctx.reuseTarget) result.existingRows = existingRows;
  return { result, warehouseIds };
}

/** Documents in an index that existed before this run: a counting search on a query endpoint. */
async function countDocuments(http: SearchHttpClient, endpoint: string, index: string): Promise<number> {
  const url = readinessSearchUrl(endpoint, index);
  const res = await mustSend(http, 'POST', url, { track_total_hits: true });
  if (!isSuccess(res.status)) throw new TargetError(httpErrorClass(res.status), `POST ${url}: ${httpErrorText(res)}`);
  const total = (jsonBody(res) as { hits?: { total?: unknown } } | undefined)?.hits?.total;
  const n = typeof total === 'number' ? total : (total as { value?: unknown } | undefined)?.value;
  if (typeof n !== 'number') throw new TargetError('bad_response', `POST ${url}: no hits.total in ${httpErrorText(res)}`);
  return n;
}

export function describeMach5Prepare(config: Mach5Config, ctx: PrepareContext): string[] {
  const paths = new Mach5Paths(config.url, config.namespace);
  const conn = connectionName(ctx.run);
  const out: string[] = [];
  out.push(config.manageNamespace
    ? `PUT ${paths.namespace}: create namespace ${config.namespace} (kept if it exists)`
    : `use existing namespace ${config.namespace} (manage_namespace: false)`);
  if (ctx.streams.length > 0) {
    out.push(`PUT ${paths.connection(conn)}: Kafka connection to ${ctx.kafkaBootstrap.join(',')}`);
    for (const s of ctx.streams) out.push(`PUT ${paths.index(s.index)}: index with ${s.fields.length} fields mapped`);
    for (const s of ctx.streams) {
      out.push(`PUT ${paths.pipeline(pipelineName(ctx.run, s.name))}: pipeline from topic ${s.topic} into ${s.index}, `
        + `consumer group ${consumerGroupName(ctx.run, s.name)}`);
    }
  }
  for (const w of config.warehouses) {
    out.push(config.manageWarehouses
      ? `PUT ${paths.warehouse(w.name)}: warehouse with ${w.numMediators} mediators, ${w.numOs} OS nodes`
      : `use existing warehouse ${w.name} (manage_warehouses: false)`);
  }
  out.push(`wait for each warehouse to get an id and answer a search (every 5 s, at most 600 s each)`);
  for (const w of config.warehouses) out.push(`query endpoint ${w.name}: ${queryEndpoint(config, w.name, endpointNeedsId(config) ? '<id>' : null)}`);
  return out;
}
