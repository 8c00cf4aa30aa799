// Worker side of the control protocol (SPEC §9): hello, ready, heartbeat every 2 s, waiting for START,
// honouring ABORT within the worker, done and fail. Must not run the worker's load.

import { RunError } from '../core/errors.js';
import type { TimerHandle, Timers } from '../core/timers.js';
import type { ControlChannel } from './control-channel.js';
import type { WorkerRole, WorkerTotals } from './protocol.js';

export interface WorkerIdentity {
  role: WorkerRole;
  index: number;
  group?: string;
  threads: number;
  host: string;
  version: string;
  planHash: string;
}

export class WorkerSession {
  private readonly abortController = new AbortController();
  private heartbeat: TimerHandle | null = null;
  private t0: number | null = null;
  private startWaiters: { resolve: (t0: number) => void; reject: (e: Error) => void }[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly channel: ControlChannel,
    private readonly me: WorkerIdentity,
    private readonly timers: Timers,
    private readonly opts: { heartbeatMs?: number; lateJoinMs?: number } = {},
  ) {
    this.unsubscribe = channel.subscribe((msg) => {
      if (msg.type === 'start' && this.t0 === null) {
        this.t0 = msg.t0;
        for (const w of this.startWaiters.splice(0)) w.resolve(msg.t0);
      } else if (msg.type === 'abort' && !this.abortController.signal.aborted) {
        this.abortController.abort(new RunError(`run aborted by ${msg.from}: ${msg.reason}`));
        for (const w of this.startWaiters.splice(0)) w.reject(new RunError(`run aborted by ${msg.from}: ${msg.reason}`));
      }
    });
  }

  /** Fires when the coordinator (or the CLI) broadcasts ABORT. */
  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  async hello(): Promise<void> {
    await this.channel.send({ type: 'hello', role: this.me.role, index: this.me.index,
      ...(this.me.group ? { group: this.me.group } : {}), threads: this.me.threads, host: this.me.host,
      version: this.me.version, planHash: this.me.planHash });
    this.heartbeat ??= this.timers.every(this.opts.heartbeatMs ?? 2000, () => {
      void this.channel.send({ type: 'heartbeat' }).catch(() => undefined);
    });
  }

  async ready(): Promise<void> {
    await this.channel.send({ type: 'ready', role: this.me.role, index: this.me.index,
      ...(this.me.group ? { group: this.me.group } : {}) });
  }

  /**
   * Resolves with t0 once START is seen (it may already be in the topic). A worker that joins later than
   * the first second of the first phase refuses to start (SPEC §9): it reports `fail` and rejects.
   */
  async waitForStart(): Promise<number> {
    const t0 = this.t0 ?? await new Promise<number>((resolve, reject) => {
      if (this.signal.aborted) reject(this.signal.reason as Error);
      else this.startWaiters.push({ resolve, reject });
    });
    const lateBy = this.timers.clock.nowMs() - (t0 + (this.opts.lateJoinMs ?? 1000));
    if (lateBy > 0) {
      const error = `joined ${Math.round(lateBy + (this.opts.lateJoinMs ?? 1000))} ms after the run started at ${new Date(t0).toISOString()}; `
        + 'a worker may join only within the first second of the first phase';
      await this.fail(error);
      throw new RunError(error);
    }
    return t0;
  }

  async done(totals: WorkerTotals): Promise<void> {
    this.stopHeartbeat();
    await this.channel.send({ type: 'done', totals });
    this.unsubscribe();
  }

  async fail(error: string): Promise<void> {
    this.stopHeartbeat();
    await this.channel.send({ type: 'fail', error });
    this.unsubscribe();
  }

  private stopHeartbeat(): void {
    this.heartbeat?.cancel();
    this.heartbeat = null;
  }
}
