// Warehouse readiness (SPEC §8.4 step 6, ours item 5): every 5 s GET the warehouse until it has an `id`, then search
// until 2xx; fail after 600 s, on injected Timers. Must not treat a status or an unparsable body as fatal: retry.

import { TargetError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Timers } from '../../core/timers.js';
import { SearchHttpClient, httpErrorText, indexSegment, isSuccess, jsonBody, transportFailure }
  from '../opensearch/http-client.js';

export const READINESS_INTERVAL_MS = 5_000;
export const READINESS_LIMIT_MS = 600_000;

export interface ReadinessTarget {
  warehouse: string;
  warehouseUrl: string;
  /** The query endpoint once the id is known. */
  endpointFor(id: string): string;
  /** The index searched to prove the warehouse answers queries; null (query-only run) checks the id only. */
  index: string | null;
}

/** The warehouse's `id` when the body is JSON with a non-empty string `id`, else null. */
export function warehouseId(text: string): string | null {
  const body = jsonBody({ status: 0, text }) as { id?: unknown } | undefined;
  return body && typeof body === 'object' && typeof body.id === 'string' && body.id !== '' ? body.id : null;
}

export function readinessSearchUrl(endpoint: string, index: string): string {
  return `${endpoint}/${indexSegment(index)}/_search?size=0`;
}

/** Waits until the warehouse answers a search; resolves with its id. Throws TargetError('not_ready') at the limit. */
export async function waitForWarehouse(http: SearchHttpClient, timers: Timers, logger: Logger, t: ReadinessTarget)
  : Promise<string> {
  const start = timers.clock.nowMs();
  let id: string | null = null;
  let last = 'no answer yet';
  for (;;) {
    await new Promise<void>((resolve) => { timers.after(READINESS_INTERVAL_MS, resolve); });
    if (id === null) {
      try {
        const res = await http.send('GET', t.warehouseUrl);
        id = warehouseId(res.text);
        if (id === null) last = `GET ${t.warehouseUrl}: no id yet (HTTP ${res.status})`;
        else logger.info('warehouse has an id; waiting for it to answer searches', { warehouse: t.warehouse, id });
      } catch (err) {
        last = `GET ${t.warehouseUrl}: ${transportFailure(err).message}`;
      }
    }
    if (id !== null) {
      if (t.index === null) return id;
      const url = readinessSearchUrl(t.endpointFor(id), t.index);
      try {
        const res = await http.send('POST', url);
        if (isSuccess(res.status)) return id;
        last = `POST ${url}: ${httpErrorText(res)}`;
      } catch (err) {
        last = `POST ${url}: ${transportFailure(err).message}`;
      }
    }
    const waited = timers.clock.nowMs() - start;
    if (waited >= READINESS_LIMIT_MS) {
      throw new TargetError('not_ready', `warehouse ${JSON.stringify(t.warehouse)} not ready after `
        + `${Math.round(waited / 1000)} s (limit ${READINESS_LIMIT_MS / 1000} s); last: ${last}`);
    }
    logger.debug('warehouse not ready yet', { warehouse: t.warehouse, last });
  }
}
