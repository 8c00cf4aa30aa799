// A loopback TCP listener that only counts the connections made to it (and closes each at once), so a test can
// prove that a command made no network call to an address. Must not be used outside tests.

import { createServer, type Server, type Socket } from 'node:net';

export interface ConnectionCounter {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function listenCountingConnections(): Promise<ConnectionCounter> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('cannot read the counting listener\'s port');
  const port = a.port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    get connections() { return connections; },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
