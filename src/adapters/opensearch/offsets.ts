// consumedOffsets for OpenSearch pull ingestion (SPEC §8.3): pages of GET /{index}/ingestion/_state, primaries of
// healthy shards, offset = last integer of batch_start_pointer. Must not guess: any failed call answers null.

import type { PartitionOffsets, RunContext } from '../types.js';
import { SearchHttpClient, indexSegment, isSuccess, jsonBody } from './http-client.js';

export const STATE_PAGE_SIZE = 100;
const MAX_PAGES = 10_000;

interface StateRow {
  shard?: unknown;
  is_primary?: unknown;
  batch_start_pointer?: unknown;
}

interface StatePage {
  _shards?: { failures?: unknown };
  next_page_token?: unknown;
  ingestion_state?: Record<string, unknown>;
}

/** The last integer in a pointer: `KafkaOffset{offset=2}` → 2, `17` → 17; null when there is none. */
export function lastInteger(pointer: unknown): number | null {
  if (typeof pointer === 'number') return Number.isSafeInteger(pointer) ? pointer : null;
  if (typeof pointer !== 'string') return null;
  const m = /(\d+)\D*$/.exec(pointer);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

export function stateUrl(baseUrl: string, index: string, token: string | null): string {
  const url = `${baseUrl}/${indexSegment(index)}/ingestion/_state?size=${STATE_PAGE_SIZE}`;
  return token === null ? url : `${url}&next_token=${encodeURIComponent(token)}`;
}

/** Per stream topic: partition (= shard) → the offset its primary is polling from. Null if any call fails. */
export async function consumedOffsetsFromState(http: SearchHttpClient, baseUrl: string, ctx: RunContext)
  : Promise<PartitionOffsets | null> {
  const out: PartitionOffsets = {};
  for (const stream of ctx.streams) {
    const offsets = await indexOffsets(http, baseUrl, stream.index, ctx);
    if (offsets === null) return null;
    out[stream.topic] = { ...(out[stream.topic] ?? {}), ...offsets };
  }
  return out;
}

async function indexOffsets(http: SearchHttpClient, baseUrl: string, index: string, ctx: RunContext)
  : Promise<Record<number, number> | null> {
  const failed = new Set<number>();
  const rows = new Map<number, number>();
  const seen = new Set<string>();
  let token: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = stateUrl(baseUrl, index, token);
    let body: StatePage | undefined;
    try {
      const res = await http.send('GET', url);
      if (!isSuccess(res.status)) {
        ctx.logger.warn('ingestion state unavailable', { url, status: res.status });
        return null;
      }
      body = jsonBody(res) as StatePage | undefined;
    } catch (err) {
      ctx.logger.warn('ingestion state unavailable', { url, error: err instanceof Error ? err.message : String(err) });
      return null;
    }
    if (!body || typeof body !== 'object') return null;
    const failures = body._shards?.failures;
    if (Array.isArray(failures)) {
      for (const f of failures) {
        const shard = (f as { shard?: unknown } | null)?.shard;
        if (typeof shard === 'number') failed.add(shard);
      }
    }
    for (const row of rowsOf(body, index)) {
      if (row.is_primary !== true || typeof row.shard !== 'number') continue;
      const offset = lastInteger(row.batch_start_pointer);
      if (offset !== null) rows.set(row.shard, offset);
    }
    const next = body.next_page_token;
    if (typeof next !== 'string' || next === '') {
      const out: Record<number, number> = {};
      for (const [shard, offset] of [...rows].sort((a, b) => a[0] - b[0])) {
        if (!failed.has(shard)) out[shard] = offset;
      }
      return out;
    }
    if (seen.has(next)) return null;
    seen.add(next);
    token = next;
  }
  return null;
}

function rowsOf(body: StatePage, index: string): StateRow[] {
  const state = body.ingestion_state;
  if (!state || typeof state !== 'object') return [];
  const rows = state[index] ?? (Object.keys(state).length === 1 ? Object.values(state)[0] : undefined);
  return Array.isArray(rows) ? (rows as StateRow[]) : [];
}
