// SQL over ClickHouse's HTTP interface: one undici keep-alive Agent sized for max_in_flight (or an injected dispatcher,
// e.g. MockAgent), user/password headers, database and settings as URL parameters. Must not interpret answers.

import { Agent, request, type Dispatcher } from 'undici';

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
const KEEP_ALIVE_MS = 30_000;

export class ClickHouseHttp {
  private agent: Agent | null = null;

  constructor(private readonly o: ClickHouseHttpOptions) {}

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
      dispatcher: this.dispatcher(),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  }

  /** Closes the own Agent's keep-alive sockets (an injected dispatcher is left to its owner). */
  async close(): Promise<void> {
    const a = this.agent;
    this.agent = null;
    if (a) await a.close();
  }

  private dispatcher(): Dispatcher {
    if (this.o.dispatcher) return this.o.dispatcher;
    this.agent ??= new Agent({
      connections: Math.max(1, this.o.maxInFlight),
      keepAliveTimeout: KEEP_ALIVE_MS,
      connect: { rejectUnauthorized: this.o.tlsVerify },
    });
    return this.agent;
  }
}
