// SQL over ClickHouse's HTTP interface: one undici keep-alive Agent sized for max_in_flight (or an injected dispatcher,
// e.g. MockAgent), user/password headers, database and settings as URL parameters. Must not interpret answers.

import { request, type Dispatcher } from 'undici';
import { TargetDispatcher } from '../target-dispatcher.js';

export interface ClickHouseHttpOptions {
  /** Send through this dispatcher (tests: MockAgent) instead of an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Connections per origin of the own Agent (SPEC §8.1: pools sized for max_in_flight). */
  maxInFlight: number;
  tlsVerify: boolean;
  user: string | null;
  /** Sent as X-ClickHouse-Key; never logged. */
  password: string | null;
  database: string;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** Settings sent as URL parameters beside `database` (ClickHouse reads any setting from the query string). */
export type UrlSettings = Readonly<Record<string, string | number>>;

export const DEFAULT_MAX_IN_FLIGHT = 64;

export class ClickHouseHttp {
  private readonly pool: TargetDispatcher;

  constructor(private readonly o: ClickHouseHttpOptions) {
    this.pool = new TargetDispatcher(o);
  }

  /** The URL a statement is POSTed to: `<base>/?database=…&<settings>`. */
  urlFor(baseUrl: string, settings: UrlSettings = {}): string {
    const params = new URLSearchParams({ database: this.o.database });
    for (const [k, v] of Object.entries(settings)) params.set(k, String(v));
    return `${baseUrl.replace(/\/+$/, '')}/?${params.toString()}`;
  }

  /** POSTs one statement; resolves with any status, rejects only on transport failure or abort. */
  async post(baseUrl: string, sql: string, settings: UrlSettings = {}, signal?: AbortSignal): Promise<HttpAnswer> {
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (this.o.user !== null) headers['x-clickhouse-user'] = this.o.user;
    if (this.o.password !== null) headers['x-clickhouse-key'] = this.o.password;
    const res = await request(this.urlFor(baseUrl, settings), {
      method: 'POST',
      headers,
      body: sql,
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
