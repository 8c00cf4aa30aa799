// Names what went wrong talking to ClickHouse as a stable error class (SPEC §7.4, §8.1): http_<status>, connect,
// timeout, aborted, bad_response — plus the one line of ClickHouse's own message worth showing. Must not retry.

import { TargetError } from '../../core/errors.js';
import { ERROR_CLASSES, httpErrorClass } from '../types.js';

export interface Failure {
  errorClass: string;
  message: string;
}

/** An answer that arrived but could not be read as HTTP (llhttp parse errors, undici response errors). */
const BAD_RESPONSE_CODE = /^(HPE_|UND_ERR_RES_|UND_ERR_INFO)/;
/** undici's own time limits for an answer that is too slow. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const MESSAGE_CHARS = 300;

/**
 * A transport failure (the request promise rejected). An aborted signal is the query's timeout (`timeout`), unless its
 * reason is a TargetError, whose class is kept (so a run abort can be told apart) — as in the other adapters.
 */
export function transportFailure(err: unknown, signal: AbortSignal | undefined): Failure {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof TargetError) return { errorClass: reason.errorClass, message: reason.message };
    return { errorClass: ERROR_CLASSES.timeout, message: 'aborted by the query timeout' };
  }
  const code = codeOf(err);
  const text = err instanceof Error ? err.message : String(err);
  const message = code !== null && !text.includes(code) ? `${code}: ${text}` : text;
  if (code !== null && TIMEOUT_CODES.has(code)) return { errorClass: ERROR_CLASSES.timeout, message };
  if (code !== null && BAD_RESPONSE_CODE.test(code)) return { errorClass: ERROR_CLASSES.parse, message };
  // Refused, reset, DNS, TLS and connect-timeout failures, and anything else that left no answer.
  return { errorClass: ERROR_CLASSES.connect, message };
}

/** A non-2xx answer: http_<status>, message `HTTP <status>: <ClickHouse's exception line, shortened>`. */
export function httpFailure(status: number, body: string): Failure {
  const text = exceptionText(body);
  return { errorClass: httpErrorClass(status), message: text ? `HTTP ${status}: ${text}` : `HTTP ${status}` };
}

/** ClickHouse's exception line without the trailing `e.what()` and stack trace, at most 300 characters. */
export function exceptionText(body: string): string {
  const first = body.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  const cut = first.replace(/, e\.what\(\) = .*$/, '');
  return cut.length > MESSAGE_CHARS ? `${cut.slice(0, MESSAGE_CHARS - 1)}…` : cut;
}

/** ClickHouse's exception code (`Code: 60, …` → 60), or null. */
export function exceptionCode(body: string): number | null {
  const m = /^\s*Code:\s*(\d+)/.exec(body);
  return m ? Number(m[1]) : null;
}

function codeOf(err: unknown): string | null {
  if (err === null || typeof err !== 'object') return null;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = codeOf(inner);
      if (c !== null) return c;
    }
  }
  return e.cause !== undefined && e.cause !== err ? codeOf(e.cause) : null;
}
