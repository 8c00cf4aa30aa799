// The operator's probe endpoints: GET /healthz (alive) and GET /readyz (ready after the first list of runs), plain
// text, 200 or 503. Must not expose anything else about the operator or its runs.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Probes {
  live(): boolean;
  ready(): boolean;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(probes: Probes, port: number, host = '0.0.0.0'): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const check = path === '/healthz' ? probes.live : path === '/readyz' ? probes.ready : null;
    if (req.method !== 'GET' || check === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: expected GET /healthz or /readyz\n');
      return;
    }
    const ok = check();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
