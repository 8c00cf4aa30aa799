// Coordinator side of the READY barrier (SPEC §9): every planned worker says hello with the run's plan hash,
// then ready; a timeout fails the run naming who is missing. Must not send START (the coordinator does).

import { RunError } from '../core/errors.js';
import type { Timers } from '../core/timers.js';
import type { ExpectedWorker } from './expected-workers.js';
import { workerId, type ControlMessage } from './protocol.js';

type State = 'absent' | 'hello' | 'ready';

export class ReadyBarrier {
  private readonly state = new Map<string, State>();
  private settled = false;
  private resolveFn!: () => void;
  private rejectFn!: (err: Error) => void;
  readonly done: Promise<void>;

  constructor(
    private readonly expected: readonly ExpectedWorker[],
    private readonly planHash: string,
    timers: Timers,
    private readonly timeoutS: number,
  ) {
    for (const w of expected) this.state.set(w.id, 'absent');
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    this.done.catch(() => undefined); // callers await it; never an unhandled rejection
    const timer = timers.after(timeoutS * 1000, () => this.fail(this.timeoutMessage()));
    const cancel = () => timer.cancel();
    this.done.then(cancel, cancel); // (not `finally`: its promise would reject again, unhandled)
    this.check();
  }

  /** Feeds one control message; messages other than hello/ready/fail are ignored. */
  handle(msg: ControlMessage): void {
    if (this.settled) return;
    if (msg.type === 'hello' || msg.type === 'ready') {
      const id = workerId(msg.role, msg.index, msg.group);
      if (!this.state.has(id)) {
        this.fail(`worker ${id} is not in the plan (expected ${this.expected.map((w) => w.id).join(', ') || 'none'})`);
        return;
      }
      if (msg.type === 'hello') {
        if (msg.planHash !== this.planHash) {
          this.fail(`worker ${id} was started with another plan (plan hash ${msg.planHash.slice(0, 12)}…, the run's is `
            + `${this.planHash.slice(0, 12)}…); restart it with this run's plan`);
          return;
        }
        if (this.state.get(id) === 'absent') this.state.set(id, 'hello');
      } else {
        this.state.set(id, 'ready');
      }
      this.check();
    } else if (msg.type === 'fail' && this.state.has(msg.from)) {
      this.fail(`worker ${msg.from} failed before READY: ${msg.error}`);
    }
  }

  /** Workers not yet ready, with what is missing. */
  missing(): string[] {
    return [...this.state].filter(([, s]) => s !== 'ready')
      .map(([id, s]) => (s === 'absent' ? `${id} (no hello)` : `${id} (hello, not ready)`));
  }

  private timeoutMessage(): string {
    return `READY barrier timed out after ${this.timeoutS} s: missing ${this.missing().join(', ')}`;
  }

  private check(): void {
    if (!this.settled && [...this.state.values()].every((s) => s === 'ready')) {
      this.settled = true;
      this.resolveFn();
    }
  }

  private fail(message: string): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectFn(new RunError(message));
  }
}
