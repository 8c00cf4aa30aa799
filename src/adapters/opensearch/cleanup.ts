// Cleanup for OpenSearch / Elasticsearch (SPEC §8.3): DELETE of each index this run's prepare created (every
// stream index when that is unknown); 2xx and 404 are success. Must not delete an index prepare found existing.

import { TargetError } from '../../core/errors.js';
import type { CleanupContext } from '../types.js';
import { httpErrorClass } from '../types.js';
import { SearchHttpClient, httpErrorText, indexSegment, isSuccess, transportFailure } from './http-client.js';

/**
 * The indexes to delete: the `index:<name>` entries of `created` (PrepareResult.created), or every stream index when
 * what prepare created is unknown (null).
 */
export function indexesToDelete(ctx: CleanupContext, created: ReadonlySet<string> | null): string[] {
  if (created === null) return ctx.streams.map((s) => s.index);
  return [...created].filter((c) => c.startsWith('index:')).map((c) => c.slice('index:'.length));
}

/** Deletes every index (all are tried); throws one TargetError naming those that failed. */
export async function cleanupSearchTarget(http: SearchHttpClient, baseUrl: string, ctx: CleanupContext,
  created: ReadonlySet<string> | null): Promise<void> {
  const failures: string[] = [];
  let errorClass = '';
  for (const index of indexesToDelete(ctx, created)) {
    const url = `${baseUrl}/${indexSegment(index)}`;
    try {
      const res = await http.send('DELETE', url);
      if (isSuccess(res.status)) ctx.logger.info('deleted index', { index });
      else if (res.status === 404) ctx.logger.info('index already gone', { index });
      else {
        failures.push(`DELETE ${url}: ${httpErrorText(res)}`);
        errorClass = httpErrorClass(res.status);
      }
    } catch (err) {
      const f = transportFailure(err);
      failures.push(`DELETE ${url}: ${f.message}`);
      errorClass = f.errorClass;
    }
  }
  if (failures.length > 0) throw new TargetError(errorClass, failures.join('; '));
}
