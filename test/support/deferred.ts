// Promise helpers for tests with manual timers: a promise settled from outside, letting settled promises run,
// and advancing manual timers in small steps. Must not be used outside tests.

import type { ManualTimers } from '../../src/core/timers.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise run its handlers (no time passes on the manual clock). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Advances the manual clock in steps of at most `step` ms, letting answers land between steps (as real time would). */
export async function pass(timers: ManualTimers, ms: number, step = 100): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    timers.advance(Math.min(step, left));
    await settle();
  }
}
