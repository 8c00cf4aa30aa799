// The control topic as seen by one participant: send a message (the envelope is added here) and receive
// every message of the run in order. An in-memory bus for tests and in-process roles; the Kafka binding
// lives in kafka-control-channel.ts. Must not interpret messages.

import type { Clock } from '../core/clock.js';
import { RunError } from '../core/errors.js';
import type { Timers } from '../core/timers.js';
import type { ControlMessage, Outgoing } from './protocol.js';

export type ControlHandler = (msg: ControlMessage, receivedAt: number) => void;

export interface ControlChannel {
  send(msg: Outgoing): Promise<void>;
  /** Receives every message of the run from the beginning (replayed), then new ones; returns unsubscribe. */
  subscribe(handler: ControlHandler): () => void;
}

export interface Sender {
  run: string;
  runId: string;
  from: string;
  clock: Clock;
}

export function envelope(s: Sender, msg: Outgoing): ControlMessage {
  return { ...msg, v: 1, run: s.run, runId: s.runId, from: s.from, at: s.clock.nowMs() } as ControlMessage;
}

/** An ordered in-memory control stream shared by several endpoints (like one Kafka partition). */
export class InMemoryControlBus {
  private readonly log: ControlMessage[] = [];
  private readonly handlers = new Set<{ fn: ControlHandler; clock: Clock }>();

  endpoint(sender: Sender): ControlChannel {
    return {
      send: async (msg) => {
        const m = envelope(sender, msg);
        this.log.push(m);
        for (const h of [...this.handlers]) h.fn(m, h.clock.nowMs());
      },
      subscribe: (fn) => {
        const h = { fn, clock: sender.clock };
        for (const m of [...this.log]) fn(m, sender.clock.nowMs());
        this.handlers.add(h);
        return () => this.handlers.delete(h);
      },
    };
  }

  get messages(): readonly ControlMessage[] {
    return this.log;
  }
}

/**
 * The first message (replayed or new) of `type`, or a RunError after `timeoutMs`. Unsubscribes either way; safe
 * when the message is replayed synchronously during subscribe.
 */
export function waitForMessage<T extends ControlMessage['type']>(channel: ControlChannel, type: T, timers: Timers,
  timeoutMs: number, timeoutMessage: string): Promise<Extract<ControlMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let off: (() => void) | null = null;
    const finish = () => {
      settled = true;
      timer.cancel();
      off?.();
    };
    const timer = timers.after(timeoutMs, () => {
      finish();
      reject(new RunError(timeoutMessage));
    });
    off = channel.subscribe((m) => {
      if (settled || m.type !== type) return;
      finish();
      resolve(m as Extract<ControlMessage, { type: T }>);
    });
    if (settled) off();
  });
}
