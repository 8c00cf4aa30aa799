// One-line request / one-line answer over a child's stdin and stdout, one request outstanding at a time.
// Must not spawn or kill processes, nor interpret answers: it only pairs lines, with timeouts.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { KafkaError } from '../../core/errors.js';

interface Waiter {
  resolve(line: string): void;
  reject(err: Error): void;
}

/** The owner calls fail() when the program exits; until then a closed output just leaves requests waiting. */
export class CommandChannel {
  private readonly unclaimed: string[] = [];
  private waiter: Waiter | undefined;
  private broken: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    const lines = createInterface({ input: output, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        w.resolve(line);
      } else {
        this.unclaimed.push(line);
      }
    });
    // A closed pipe shows up as an exit soon after; the write error itself carries nothing more.
    input.on('error', () => undefined);
  }

  /** Marks the channel unusable: the waiting request and every later one reject with `err`. */
  fail(err: Error): void {
    this.broken ??= err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.broken);
  }

  /** The next line the program prints, unrequested (its greeting). */
  nextLine(timeoutMs: number, what: string): Promise<string> {
    return this.enqueue(() => this.awaitLine(timeoutMs, what));
  }

  /** Sends `line` and resolves with the one answer line; requests run strictly one after another. */
  request(line: string, timeoutMs: number): Promise<string> {
    if (/[\r\n]/.test(line)) return Promise.reject(new RangeError(`a command is one line, got ${JSON.stringify(line)}`));
    return this.enqueue(() => {
      if (this.broken) return Promise.reject(this.broken);
      this.input.write(`${line}\n`);
      return this.awaitLine(timeoutMs, `answer to '${line}'`);
    });
  }

  private enqueue(step: () => Promise<string>): Promise<string> {
    const result = this.tail.then(step);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private awaitLine(timeoutMs: number, what: string): Promise<string> {
    const ready = this.unclaimed.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A late answer would be paired with the next request: nothing after a timeout can be trusted.
        this.fail(new KafkaError(`no ${what} from mock-kafka within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }
}
