// The fake API server's record of requests (for assertions) and its one-shot injected failures.
// Must not answer requests itself.

import { KubeStatusError, statusErrors } from './status-errors.js';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query parameters. */
  query: Record<string, string>;
  /** The Content-Type header ('' when none). */
  contentType: string;
  /** The parsed JSON body (undefined when none or not JSON). */
  body?: unknown;
}

interface Injected {
  method: string;
  path: RegExp;
  status: number;
  reason?: string;
  times: number;
}

export class FailureInjector {
  private readonly pending: Injected[] = [];

  /** The next `times` requests with `method` (or '*') whose path matches fail with `status`. */
  add(method: string, path: RegExp, status: number, reason?: string, times = 1): void {
    this.pending.push({ method: method.toUpperCase(), path, status, reason, times });
  }

  /** The failure to answer with, if one is armed for this request (it is consumed). */
  take(method: string, path: string): KubeStatusError | null {
    const i = this.pending.findIndex((f) => (f.method === '*' || f.method === method) && f.path.test(path));
    if (i < 0) return null;
    const f = this.pending[i]!;
    if (--f.times <= 0) this.pending.splice(i, 1);
    return statusErrors.injected(f.status, f.reason);
  }

  get armed(): number {
    return this.pending.length;
  }
}
