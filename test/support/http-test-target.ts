// A local HTTP server with a scripted response delay and a minimal TargetAdapter that sends each query to it,
// for query-runner tests and benches. Must not be used outside tests and benches; listens on 127.0.0.1 only.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { CompiledQuery, QueryResult, TargetAdapter } from '../../src/adapters/types.js';

export interface DelayServer {
  url: string;
  /** Requests received. */
  received(): number;
  stop(): Promise<void>;
}

/** `delayMs(now)` decides each response's delay when the request arrives; `Infinity` never answers. */
export async function startDelayServer(delayMs: (nowMs: number) => number): Promise<DelayServer> {
  let count = 0;
  const pending = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    count++;
    req.resume();
    const d = delayMs(performance.timeOrigin + performance.now());
    if (!Number.isFinite(d)) return;
    const t = setTimeout(() => {
      pending.delete(t);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"hits":1}');
    }, d);
    pending.add(t);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => count,
    stop: async () => {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** An adapter whose every query is `POST {endpoint}/q`; a 2xx answer is ok with 1 hit. */
export function httpTestAdapter(connections = 256): TargetAdapter & { close(): Promise<void> } {
  const dispatcher = new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000 });
  return {
    name: 'http-test',
    prepare: async () => ({ consumerGroups: null, queryEndpoints: {} }),
    compile: (q, stream): CompiledQuery => ({ name: q.name, kind: 'search', stream: stream?.name ?? null,
      index: q.index, timeoutMs: q.timeoutMs, variables: Object.keys(q.variables), compiled: { language: 'sql', parts: [] } }),
    execute: async (_q, _vars, endpoint, signal): Promise<QueryResult> => {
      try {
        const res = await request(`${endpoint}/q`, { method: 'POST', body: '{}', signal, dispatcher });
        await res.body.text();
        return res.statusCode < 300 ? { ok: true, hits: 1 } : { ok: false, hits: null, errorClass: `http_${res.statusCode}` };
      } catch (err) {
        return { ok: false, hits: null, errorClass: signal.aborted ? 'aborted' : 'connect', error: (err as Error).message };
      }
    },
    probe: async () => new Set(),
    cleanup: async () => undefined,
    describePrepare: () => [],
    queryEndpoints: async () => ({}),
    close: () => dispatcher.close(),
  };
}
