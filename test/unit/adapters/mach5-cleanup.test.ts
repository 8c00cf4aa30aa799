import assert from 'node:assert/strict';
import { createMach5Adapter, type Mach5Adapter } from '../../../src/adapters/mach5/index.js';
import type { PrepareResult } from '../../../src/adapters/types.js';
import { HttpScript, type Reply } from '../../fixtures/http/http-script.js';
import { SteppingTimers } from '../../fixtures/http/stepping-timers.js';
import { appStream, cleanupContext, LogLines } from './contract.js';

const URL_ = 'http://mach5.test:8888';
const WH1 = 'incidentbench-wh';
const WH2 = 'spare-wh';
const OK: Reply = { status: 200, fixture: 'mach5/created.json' };
const GONE: Reply = { status: 404, fixture: 'mach5/not-found.json' };

function ns(name: string): string {
  return `${URL_}/apis/namespaces/${name}`;
}

function everything(namespace: string): PrepareResult {
  return {
    consumerGroups: { app: 'ib-r1-app', api: 'ib-r1-api' },
    created: [`namespace:${namespace}`, 'connection:ib-r1-kafka', 'index:ib-app-logs', 'index:ib-api-logs',
      'pipeline:ib-r1-app', 'pipeline:ib-r1-api', `warehouse:${WH1}`, `warehouse:${WH2}`],
    queryEndpoints: {},
  };
}

const STREAMS = [appStream(), appStream({ name: 'api', index: 'ib-api-logs', topic: 'ib.r1.events.api' })];

describe('Mach5 adapter: cleanup sequence (SPEC §8.4 Cleanup)', () => {
  let http: HttpScript;
  let logs: LogLines;
  beforeEach(() => {
    http = new HttpScript();
    logs = new LogLines();
  });
  afterEach(async () => {
    await http.close();
  });

  function mach5(namespace: string, extra: Record<string, unknown> = {}): Mach5Adapter {
    return createMach5Adapter({ url: URL_, namespace, warehouses: [{ name: WH1 }, { name: WH2 }], ...extra },
      { dispatcher: http.agent, timers: new SteppingTimers(), secrets: { env: {}, readFile: () => '' } });
  }

  /** Batches with their requests sorted: order inside a parallel step is free. */
  function steps(): string[][] {
    return http.batches.map((b) => [...b].sort());
  }

  it('deletes pipelines and warehouses, then indexes and the connection, then the namespace; each step in parallel', async () => {
    const base = ns('perf');
    for (const url of [`${base}/ingest_pipelines/ib-r1-app`, `${base}/ingest_pipelines/ib-r1-api`, `${base}/warehouses/${WH1}`,
      `${base}/warehouses/${WH2}`, `${base}/indexes/ib-app-logs`, `${base}/indexes/ib-api-logs`,
      `${base}/connections/ib-r1-kafka`, base]) http.on('DELETE', url, OK);
    await mach5('perf').cleanup(cleanupContext(logs, everything('perf'), STREAMS));
    http.assertAllUsed();
    assert.deepEqual(steps(), [
      [`DELETE ${base}/ingest_pipelines/ib-r1-api`, `DELETE ${base}/ingest_pipelines/ib-r1-app`,
        `DELETE ${base}/warehouses/${WH1}`, `DELETE ${base}/warehouses/${WH2}`],
      [`DELETE ${base}/connections/ib-r1-kafka`, `DELETE ${base}/indexes/ib-api-logs`, `DELETE ${base}/indexes/ib-app-logs`],
      [`DELETE ${base}`],
    ]);
    assert.ok(http.calls.every((c) => c.body === undefined));
  });

  it('never deletes namespace default nor its warehouses, even when prepare reports them created', async () => {
    const base = ns('default');
    for (const url of [`${base}/ingest_pipelines/ib-r1-app`, `${base}/ingest_pipelines/ib-r1-api`,
      `${base}/indexes/ib-app-logs`, `${base}/indexes/ib-api-logs`, `${base}/connections/ib-r1-kafka`]) http.on('DELETE', url, OK);
    await mach5('default').cleanup(cleanupContext(logs, everything('default'), STREAMS));
    http.assertAllUsed();
    assert.deepEqual(steps(), [
      [`DELETE ${base}/ingest_pipelines/ib-r1-api`, `DELETE ${base}/ingest_pipelines/ib-r1-app`],
      [`DELETE ${base}/connections/ib-r1-kafka`, `DELETE ${base}/indexes/ib-api-logs`, `DELETE ${base}/indexes/ib-app-logs`],
    ]);
  });

  it('leaves what prepare found existing: only run-owned pipelines and connection go', async () => {
    const base = ns('perf');
    http.on('DELETE', `${base}/ingest_pipelines/ib-r1-app`, OK);
    http.on('DELETE', `${base}/connections/ib-r1-kafka`, OK);
    await mach5('perf').cleanup(cleanupContext(logs, { consumerGroups: { app: 'ib-r1-app' }, created: [], queryEndpoints: {} }));
    http.assertAllUsed();
    assert.deepEqual(http.lines(), [`DELETE ${base}/ingest_pipelines/ib-r1-app`, `DELETE ${base}/connections/ib-r1-kafka`]);
  });

  it('keeps namespace and warehouses when manage_namespace / manage_warehouses are off', async () => {
    const base = ns('perf');
    http.on('DELETE', `${base}/ingest_pipelines/ib-r1-app`, OK);
    http.on('DELETE', `${base}/indexes/ib-app-logs`, OK);
    http.on('DELETE', `${base}/connections/ib-r1-kafka`, OK);
    const prepared = everything('perf');
    await mach5('perf', { manage_namespace: false, manage_warehouses: false })
      .cleanup(cleanupContext(logs, prepared, [appStream()]));
    http.assertAllUsed();
    assert.equal(http.calls.length, 3);
  });

  it('treats 404 as success, and logs and ignores other statuses and transport errors, finishing every step', async () => {
    const base = ns('perf');
    http.on('DELETE', `${base}/ingest_pipelines/ib-r1-app`, GONE);
    http.on('DELETE', `${base}/warehouses/${WH1}`, { status: 500, fixture: 'mach5/server-error.json' });
    http.on('DELETE', `${base}/warehouses/${WH2}`, { error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    http.on('DELETE', `${base}/indexes/ib-app-logs`, GONE);
    http.on('DELETE', `${base}/connections/ib-r1-kafka`, { status: 503, fixture: 'mach5/upstream-unavailable.txt' });
    http.on('DELETE', base, OK);
    const prepared = everything('perf');
    await mach5('perf').cleanup(cleanupContext(logs, prepared, [appStream()]));
    http.assertAllUsed();
    const warnings = logs.lines.map((l) => JSON.parse(l) as { level: string; url?: string; error?: string })
      .filter((l) => l.level === 'warn');
    assert.deepEqual(warnings.map((w) => w.url).sort(), [`${base}/connections/ib-r1-kafka`, `${base}/warehouses/${WH1}`,
      `${base}/warehouses/${WH2}`]);
    assert.ok(warnings.some((w) => /ECONNRESET|socket hang up/.test(w.error ?? '')));
    assert.equal(http.lines().at(-1), `DELETE ${base}`);
  });

  it('is idempotent: a second cleanup after everything is gone succeeds too', async () => {
    const base = ns('perf');
    const urls = [`${base}/ingest_pipelines/ib-r1-app`, `${base}/warehouses/${WH1}`, `${base}/warehouses/${WH2}`,
      `${base}/indexes/ib-app-logs`, `${base}/connections/ib-r1-kafka`, base];
    for (const url of urls) http.on('DELETE', url, OK);
    for (const url of urls) http.on('DELETE', url, GONE);
    const adapter = mach5('perf');
    await adapter.cleanup(cleanupContext(logs, everything('perf'), [appStream()]));
    await adapter.cleanup(cleanupContext(logs, everything('perf'), [appStream()]));
    http.assertAllUsed();
    assert.equal(http.calls.length, 12);
  });
});
