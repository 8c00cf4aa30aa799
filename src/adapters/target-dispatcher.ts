// The undici dispatcher an adapter sends through: an injected one (tests: MockAgent) or its own keep-alive Agent
// sized for the queries in flight (SPEC §8.1). Must not send requests itself.

import { Agent, type Dispatcher } from 'undici';

const KEEP_ALIVE_MS = 30_000;

export class TargetDispatcher {
  private agent: Agent | null = null;

  constructor(private readonly o: { dispatcher?: Dispatcher; maxInFlight: number; tlsVerify: boolean }) {}

  get(): Dispatcher {
    if (this.o.dispatcher) return this.o.dispatcher;
    this.agent ??= new Agent({
      connections: Math.max(1, this.o.maxInFlight),
      keepAliveTimeout: KEEP_ALIVE_MS,
      connect: { rejectUnauthorized: this.o.tlsVerify },
    });
    return this.agent;
  }

  /** Closes the own Agent's keep-alive sockets (an injected dispatcher is left to its owner). */
  async close(): Promise<void> {
    const a = this.agent;
    this.agent = null;
    if (a) await a.close();
  }
}
