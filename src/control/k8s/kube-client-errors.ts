// Turns whatever @kubernetes/client-node throws (ApiException with a Status body, a watch's statusCode error, a
// network failure) into a one-line KubeApiError naming the verb and object. Must not retry or log.

import { ApiException } from '@kubernetes/client-node';
import { KubeApiError } from './kube-api.js';

interface StatusLike {
  kind?: string;
  reason?: string;
  message?: string;
  code?: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict',
  410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError',
  503: 'ServiceUnavailable', 504: 'Timeout',
};

function parseStatus(body: unknown): StatusLike | null {
  if (typeof body === 'object' && body !== null) return body as StatusLike;
  if (typeof body !== 'string' || body.trim() === '') return null;
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusLike) : null;
  } catch {
    return null;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The KubeApiError for a failure of `verb` on `what` (e.g. `get IncidentBenchRun bench/r1`); status 0 = unreachable. */
export function toKubeApiError(err: unknown, verb: string, what: string, server?: string): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (err instanceof ApiException) {
    const status = parseStatus(err.body);
    const code = err.code;
    const reason = status?.reason ?? REASONS[code] ?? 'Unknown';
    const detail = status?.message ?? oneLine(String(err.message).split('\n')[0] ?? '');
    return new KubeApiError(code, reason, `cannot ${verb} ${what}: ${oneLine(detail)} (HTTP ${code} ${reason})`);
  }
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number') {
    const reason = REASONS[statusCode] ?? 'Unknown';
    return new KubeApiError(statusCode, reason, `cannot ${verb} ${what}: HTTP ${statusCode} ${reason}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  const where = server ? ` at ${server}` : '';
  return new KubeApiError(0, 'Unreachable', `cannot ${verb} ${what}: the Kubernetes API server${where} did not answer: ${oneLine(message)}`);
}

/** A Status object that arrived as a watch ERROR event. */
export function watchErrorToKubeApiError(obj: unknown, what: string): KubeApiError {
  const st = parseStatus(obj) ?? {};
  const code = typeof st.code === 'number' ? st.code : 500;
  const reason = st.reason ?? REASONS[code] ?? 'Unknown';
  return new KubeApiError(code, reason, `watch of ${what} ended: ${oneLine(st.message ?? 'error event')} (HTTP ${code} ${reason})`);
}
