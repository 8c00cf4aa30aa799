// Thread side of the bench's HTTP server: answers every request after the delay of a fixed cycle (known truth),
// in its own thread so the server's work never delays the measured worker's timers. Must not be used in tests.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const cycle = (workerData as { delaysMs: number[] }).delaysMs;
const delays: number[] = [];
let n = 0;
const server = createServer((req, res) => {
  req.resume();
  const d = cycle[n++ % cycle.length]!;
  delays.push(d);
  setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hits":1}'), d);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  parentPort!.postMessage({ port: (server.address() as AddressInfo).port });
});
parentPort!.on('message', (m: string) => {
  if (m !== 'stop') return;
  server.closeAllConnections();
  server.close(() => parentPort!.postMessage({ delays }));
});
