// The sockets of one kafkajs client (one producer, consumer or admin), so an abandoned connection attempt can be cut
// off: kafkajs' disconnect() waits for a pending request (30 s) and its connect retries go on behind it. Must not
// touch the sockets of any other client.

import { connect as netConnect, isIP, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** As kafkajs' own socket factory. */
const KEEP_ALIVE_DELAY_MS = 60_000;

export class SocketGuard {
  private readonly open = new Set<Socket>();
  private abandonedBecause: string | null = null;

  /** A kafkajs socketFactory (same sockets as kafkajs' default) that registers what it opens. */
  readonly factory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    if (this.abandonedBecause !== null) {
      // kafkajs sees an immediate connection error, so its retries run out without touching the network.
      const refused = new Socket();
      const reason = this.abandonedBecause;
      process.nextTick(() => refused.destroy(new Error(reason)));
      return refused;
    }
    const socket = ssl
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return socket;
  };

  /** Sockets currently open. */
  get openCount(): number {
    return this.open.size;
  }

  get abandoned(): boolean {
    return this.abandonedBecause !== null;
  }

  /**
   * Destroys every open socket with an error (kafkajs listens for errors, not for close) and refuses new ones from
   * now on: the client's pending requests fail at once and its retries end quickly. Idempotent.
   */
  abandon(reason: string): void {
    this.abandonedBecause ??= reason;
    for (const socket of this.open) socket.destroy(new Error(reason));
  }
}
