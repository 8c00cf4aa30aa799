// Cleanup on Mach5 (SPEC §8.4): pipelines ∥ warehouses, then indexes ∥ connection, then the namespace — only run-owned
// objects and what prepare created, never namespace `default`. Must never fail: errors are logged and ignored.

import type { Logger } from '../../core/logger.js';
import type { CleanupContext } from '../types.js';
import { SearchHttpClient, httpErrorText, isSuccess, transportFailure } from '../opensearch/http-client.js';
import type { Mach5Config } from './config.js';
import { connectionName, pipelineName } from './names.js';
import { createdEntry } from './prepare.js';
import { Mach5Paths } from './resources.js';

export const PROTECTED_NAMESPACE = 'default';

/** The DELETE URLs of each cleanup step, in order; `created` holds PrepareResult.created entries. */
export function cleanupSteps(config: Mach5Config, ctx: CleanupContext, created: ReadonlySet<string>): string[][] {
  const paths = new Mach5Paths(config.url, config.namespace);
  const isDefault = config.namespace === PROTECTED_NAMESPACE;
  const ours = (kind: 'namespace' | 'index' | 'warehouse', name: string) => created.has(createdEntry(kind, name));
  const first: string[] = ctx.streams.map((s) => paths.pipeline(pipelineName(ctx.run, s.name)));
  if (config.manageWarehouses && !isDefault) {
    for (const w of config.warehouses) if (ours('warehouse', w.name)) first.push(paths.warehouse(w.name));
  }
  const second: string[] = ctx.streams.filter((s) => ours('index', s.index)).map((s) => paths.index(s.index));
  if (ctx.streams.length > 0) second.push(paths.connection(connectionName(ctx.run)));
  const third: string[] = config.manageNamespace && !isDefault && ours('namespace', config.namespace)
    ? [paths.namespace] : [];
  return [first, second, third].filter((s) => s.length > 0);
}

export async function cleanupMach5(http: SearchHttpClient, config: Mach5Config, ctx: CleanupContext,
  created: ReadonlySet<string>): Promise<void> {
  for (const urls of cleanupSteps(config, ctx, created)) {
    await Promise.all(urls.map((url) => deleteQuietly(http, url, ctx.logger)));
  }
}

/** DELETE; 2xx and 404 are success, anything else is logged and ignored. Never rejects. */
async function deleteQuietly(http: SearchHttpClient, url: string, logger: Logger): Promise<void> {
  try {
    const res = await http.send('DELETE', url);
    if (isSuccess(res.status)) logger.info('deleted', { url });
    else if (res.status === 404) logger.info('already gone', { url });
    else logger.warn('cleanup DELETE failed; ignored', { url, error: httpErrorText(res) });
  } catch (err) {
    logger.warn('cleanup DELETE failed; ignored', { url, error: transportFailure(err).message });
  }
}
