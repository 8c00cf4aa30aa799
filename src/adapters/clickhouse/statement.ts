// Runs the adapter's own statements (version, DDL, counts, probes) and reads their rows; a failure becomes a
// TargetError that names the step, the server and ClickHouse's words. Must not be used for benchmark queries.

import { TargetError } from '../../core/errors.js';
import { ERROR_CLASSES } from '../types.js';
import { exceptionText, httpFailure, transportFailure } from './failure.js';
import type { ClickHouseHttp, UrlSettings } from './http.js';

/** A statement's answer when it failed with an HTTP status (e.g. to treat 404 "unknown table" as empty). */
export class StatementError extends TargetError {
  constructor(readonly status: number | null, errorClass: string, message: string, options?: { cause?: unknown }) {
    super(errorClass, message, options);
  }
}

/** How long one of the adapter's own statements may take (dropping a Kafka table waits for its consumers). */
export const STATEMENT_TIMEOUT_MS = 60_000;

export class StatementRunner {
  constructor(private readonly http: ClickHouseHttp, readonly baseUrl: string, private readonly timeoutMs = STATEMENT_TIMEOUT_MS) {}

  /** Runs `sql`; resolves with the answer text, rejects with a StatementError saying what `step` was. */
  async run(sql: string, step: string, settings: UrlSettings = {}): Promise<string> {
    let answer;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      answer = await this.http.post(this.baseUrl, sql, settings, signal);
    } catch (err) {
      const f = transportFailure(err, signal);
      const why = signal.aborted ? `no answer within ${this.timeoutMs / 1000} s` : f.message;
      throw new StatementError(null, f.errorClass, `ClickHouse at ${this.baseUrl}: ${step} failed: ${why}`, { cause: err });
    }
    if (answer.status < 200 || answer.status > 299) {
      const f = httpFailure(answer.status, answer.text);
      throw new StatementError(answer.status, f.errorClass, `ClickHouse at ${this.baseUrl}: ${step} failed: ${f.message}`);
    }
    return answer.text;
  }

  /** Runs a SELECT (written without FORMAT) and returns its rows as arrays of values, in column order. */
  async rows(sql: string, step: string): Promise<unknown[][]> {
    const text = await this.run(`${sql} FORMAT JSONCompact`, step);
    let data: unknown;
    try {
      data = (JSON.parse(text) as { data?: unknown }).data;
    } catch {
      data = undefined;
    }
    if (!Array.isArray(data) || !data.every(Array.isArray)) {
      throw new StatementError(200, ERROR_CLASSES.parse,
        `ClickHouse at ${this.baseUrl}: ${step}: expected a JSONCompact answer, got ${JSON.stringify(exceptionText(text))}`);
    }
    return data as unknown[][];
  }

  /** A single number (a count): UInt64 arrives quoted in JSON. */
  async number(sql: string, step: string): Promise<number> {
    const rows = await this.rows(sql, step);
    const v = rows[0]?.[0];
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      throw new StatementError(200, ERROR_CLASSES.parse, `ClickHouse at ${this.baseUrl}: ${step}: expected a number, got ${JSON.stringify(v)}`);
    }
    return n;
  }
}
