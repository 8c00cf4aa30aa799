// JSON over HTTP for the search-family adapters: one undici keep-alive Agent sized for max_in_flight (or an
// injected dispatcher, e.g. MockAgent), auth header, transport-failure classes. Must not interpret bodies.

import { request, type Dispatcher } from 'undici';
import { TargetDispatcher } from '../target-dispatcher.js';
import { TargetError } from '../../core/errors.js';
import { ERROR_CLASSES } from '../types.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface HttpResponse {
  status: number;
  text: string;
}

export interface HttpClientOptions {
  /** Send through this dispatcher (tests: MockAgent) instead of an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Connections per origin of the own Agent (SPEC §8.1: pools sized for max_in_flight). */
  maxInFlight: number;
  tlsVerify: boolean;
  /** Authorization header value, or null for none. Never logged. */
  authorization: string | null;
}

export const DEFAULT_MAX_IN_FLIGHT = 64;
const ERROR_BODY_CHARS = 300;

export class SearchHttpClient {
  private readonly pool: TargetDispatcher;

  constructor(private readonly o: HttpClientOptions) {
    this.pool = new TargetDispatcher(o);
  }

  /** Sends one request with an optional JSON body; resolves with any status, rejects only on transport failure. */
  async send(method: HttpMethod, url: string, body?: unknown, signal?: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.o.authorization !== null) headers.authorization = this.o.authorization;
    const res = await request(url, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
      dispatcher: this.pool.get(),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** `HTTP 503: <start of the body>` — the error text of a non-2xx response. */
export function httpErrorText(res: HttpResponse): string {
  const body = res.text.replace(/\s+/g, ' ').trim();
  return `HTTP ${res.status}: ${body.length > ERROR_BODY_CHARS ? `${body.slice(0, ERROR_BODY_CHARS)}…` : body}`;
}

/** The parsed JSON body, or undefined when it is not JSON. */
export function jsonBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    return undefined;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Codes of a malformed response (HTTP parser errors, content-length mismatch). */
const BAD_RESPONSE_CODE = /^(HPE_|UND_ERR_RES_|UND_ERR_INFO)/;

/** A failed request (no response) as an error class and a one-line message. */
export interface TransportFailure {
  errorClass: string;
  message: string;
}

/**
 * Classifies a transport failure. An aborted signal is the query's timeout (`timeout`) unless its reason is a
 * TargetError, whose class is kept (so a run abort can be told apart); then undici/Node error codes.
 */
export function transportFailure(err: unknown, signal?: AbortSignal): TransportFailure {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof TargetError) return { errorClass: reason.errorClass, message: reason.message };
    return { errorClass: ERROR_CLASSES.timeout, message: 'aborted by the query timeout' };
  }
  const code = errorCode(err);
  const text = err instanceof Error ? err.message : String(err);
  const message = code && !text.includes(code) ? `${code}: ${text}` : text;
  if (code && TIMEOUT_CODES.has(code)) return { errorClass: ERROR_CLASSES.timeout, message };
  if (code && BAD_RESPONSE_CODE.test(code)) return { errorClass: ERROR_CLASSES.parse, message };
  // Refused, reset, DNS, TLS and connect-timeout failures, and anything else that left no response.
  return { errorClass: ERROR_CLASSES.connect, message };
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One request that must get a response: transport failures become a TargetError naming the request. */
export async function mustSend(http: SearchHttpClient, method: HttpMethod, url: string,
  body?: unknown): Promise<HttpResponse> {
  try {
    return await http.send(method, url, body);
  } catch (err) {
    const f = transportFailure(err);
    throw new TargetError(f.errorClass, `${method} ${url}: ${f.message}`, { cause: err });
  }
}

/** An index name (or a comma-separated list / pattern of them) as one URL path segment. */
export function indexSegment(index: string): string {
  return encodeURIComponent(index).replace(/%2C/gi, ',').replace(/%2A/gi, '*');
}
