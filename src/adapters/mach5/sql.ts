// Mach5 `type: sql` over the PostgreSQL wire protocol (SPEC §8.4): one `pg` pool per warehouse (the warehouse named in
// the `options` startup parameter), variables bound as escaped literals, hits read, failures classed. Must never
// throw from execute, never log or return the password, never talk to anything but the configured pg_host.
//
// Hits (the rule, applied to the last result set of the text):
// - one row and one column named `count` or `hits` (any case) holding a whole number ≥ 0 → that number
//   (`SELECT count(*) …` is named `count` by PostgreSQL; alias any other count `AS hits`);
// - otherwise the number of rows returned;
// - a statement without a result set (SET, …) → its row count when the server gives one, else null.
//
// Error classes: `connect` (no session: refused, DNS, authentication, unknown database, a dropped connection, SQLSTATE
// class 08/28/3D/53300), `timeout` (the abort signal, or SQLSTATE 57014 query_canceled), `sql_error` (any other
// SQLSTATE; the message starts with it), `bad_variable` (binding), `not_configured` (no pg_host),
// `unknown_warehouse` (an endpoint no warehouse owns). On abort the query is cancelled (a CancelRequest on a fresh
// connection) and its connection destroyed, so the pool never reuses a session in an unknown state.

import { connect as netConnect } from 'node:net';
import pg from 'pg';
import { TargetError } from '../../core/errors.js';
import { bindSql } from '../bind.js';
import { ERROR_CLASSES, type CompiledQuery, type QueryResult, type Vars } from '../types.js';
import type { Mach5Config } from './config.js';
import { queryEndpoint } from './resources.js';

export const SQL_ERROR = 'sql_error';
export const PG_NOT_CONFIGURED = 'not_configured';
export const UNKNOWN_WAREHOUSE = 'unknown_warehouse';

/** SQLSTATE classes (first two characters) and codes that mean "no usable session". */
const CONNECT_SQLSTATES = /^(08|28|3D|53300$|57P0[123]$)/;
const QUERY_CANCELED = '57014';
const MESSAGE_CHARS = 300;
/** PostgreSQL's CancelRequest code (1234 << 16 | 5678). */
const CANCEL_REQUEST_CODE = 80877102;
const CANCEL_SOCKET_TIMEOUT_MS = 5_000;

/**
 * A PostgreSQL string literal for `value`, safe whatever standard_conforming_strings is: `'` doubled; when the value
 * holds a backslash, the ` E'…'` form with backslashes doubled too (as pg's escapeLiteral). A NUL character cannot be
 * sent in PostgreSQL text: TargetError of class bad_variable.
 */
export function postgresStringLiteral(value: string): string {
  if (value.includes('\0')) {
    throw new TargetError('bad_variable', `the value ${JSON.stringify(value.slice(0, 60))} holds a NUL character, which `
      + 'PostgreSQL text cannot carry; expected a value without \\u0000');
  }
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** What the hits rule reads of one result (pg's Result in array row mode fits it). */
export interface SqlResultShape {
  fields: readonly { name: string }[];
  rows: readonly unknown[];
  rowCount: number | null;
}

/** The hits of a query's results (the rule in this file's header); `results` in statement order. */
export function sqlHits(results: readonly SqlResultShape[]): number | null {
  const withRows = results.filter((r) => r.fields.length > 0);
  const last = withRows[withRows.length - 1];
  if (last === undefined) {
    const final = results[results.length - 1];
    return final !== undefined && typeof final.rowCount === 'number' ? final.rowCount : null;
  }
  if (last.fields.length === 1 && last.rows.length === 1 && /^(count|hits)$/i.test(last.fields[0]!.name)) {
    const row = last.rows[0];
    const n = wholeNumber(Array.isArray(row) ? row[0] : undefined);
    if (n !== null) return n;
  }
  return last.rows.length;
}

function wholeNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'bigint' && v >= 0n) return Number(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return null;
}

/**
 * The warehouse whose pgwire session serves a query group's `endpoint` (the URL of prepare's queryEndpoints):
 * the only configured warehouse; else the one `known` maps the URL to (prepare's result, queryEndpoints());
 * else the one whose query endpoint — computed from the config, any {warehouse_id} matching any id — equals it;
 * else a warehouse named exactly `endpoint`. Null when none or more than one fits.
 */
export function warehouseForEndpoint(config: Mach5Config, endpoint: string, known: ReadonlyMap<string, string>): string | null {
  const names = config.warehouses.map((w) => w.name);
  if (names.length === 1) return names[0]!;
  const mapped = known.get(endpoint);
  if (mapped !== undefined) return mapped;
  const marker = '\u0000id\u0000';
  const matching = names.filter((name) => {
    const pattern = queryEndpoint(config, name, marker).split(marker).map(escapeRegExp).join('[^/?#]*');
    return new RegExp(`^${pattern}$`).test(endpoint);
  });
  if (matching.length === 1) return matching[0]!;
  return names.includes(endpoint) ? endpoint : null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface Mach5SqlOptions {
  /** Connections per warehouse pool (SPEC §8.1 max_in_flight). */
  maxInFlight: number;
  /** From pg_password_env, read when the adapter was created; null: none sent. */
  password: string | null;
}

/** Values as the server sent them (text): no Date or number parsing of every row of a benchmark answer. */
const RAW_TEXT: pg.CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as pg.CustomTypesConfig['getTypeParser'],
};

/** The `pg` pools of one Mach5 target, one per warehouse, created at a warehouse's first query. */
export class Mach5SqlClient {
  private readonly pools = new Map<string, pg.Pool>();
  private closed = false;

  constructor(private readonly config: Mach5Config, private readonly opts: Mach5SqlOptions) {}

  /** Runs `q` (compiled language sql) on `warehouse` under `signal`. Never throws. */
  execute(q: CompiledQuery, vars: Vars, warehouse: string, signal: AbortSignal): Promise<QueryResult> {
    if (q.compiled.language !== 'sql') {
      return Promise.resolve(failure(SQL_ERROR, `query ${JSON.stringify(q.name)} is not SQL`));
    }
    if (this.config.pg.host === null) {
      return Promise.resolve(failure(PG_NOT_CONFIGURED, `query ${JSON.stringify(q.name)} is type: sql, which goes over `
        + 'the PostgreSQL wire protocol; expected pg_host (and pg_port, pg_user, pg_password_env, pg_dbname) in the '
        + 'Mach5 target config'));
    }
    let text: string;
    try {
      text = bindSql(q.compiled.parts, vars, postgresStringLiteral);
    } catch (err) {
      return Promise.resolve(failure(err instanceof TargetError ? err.errorClass : 'bad_variable', (err as Error).message));
    }
    if (this.closed) return Promise.resolve(failure(ERROR_CLASSES.aborted, 'the adapter was closed'));
    if (signal.aborted) return Promise.resolve(abortFailure(signal));
    return this.run(this.poolOf(warehouse), text, signal);
  }

  /** Ends every pool (connections in use end when their query settles). */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }

  private poolOf(warehouse: string): pg.Pool {
    let pool = this.pools.get(warehouse);
    if (pool === undefined) {
      const c = this.config.pg;
      pool = new pg.Pool({
        host: c.host!,
        port: c.port,
        ...(c.user !== null ? { user: c.user } : {}),
        ...(c.dbname !== null ? { database: c.dbname } : {}),
        ...(this.opts.password !== null ? { password: this.opts.password } : {}),
        options: c.warehouseOption.split('{warehouse}').join(warehouse),
        application_name: 'incidentbench',
        max: this.opts.maxInFlight,
        keepAlive: true,
        allowExitOnIdle: true,
        types: RAW_TEXT,
      });
      // An idle session the server ends must not crash the process; the next query opens a new one.
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      this.pools.set(warehouse, pool);
    }
    return pool;
  }

  private run(pool: pg.Pool, text: string, signal: AbortSignal): Promise<QueryResult> {
    return new Promise<QueryResult>((resolve) => {
      let settled = false;
      let client: pg.PoolClient | null = null;
      const finish = (r: QueryResult) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      /** Gives the session back (destroyed when `broken`); at most once. */
      const giveBack = (broken: Error | null) => {
        const c = client;
        client = null;
        if (c !== null) c.release(broken ?? undefined);
      };
      const onAbort = () => {
        if (client !== null) {
          this.cancel(client);
          giveBack(new Error('aborted'));
        }
        finish(abortFailure(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pool.connect().then((c) => {
        if (settled) {
          c.release(); // aborted while waiting for a session: it was never used
          return;
        }
        client = c;
        c.query({ text, rowMode: 'array' }).then((res: pg.QueryArrayResult | pg.QueryArrayResult[]) => {
          giveBack(null);
          finish({ ok: true, hits: sqlHits(Array.isArray(res) ? res : [res]) });
        }, (err: unknown) => {
          const f = queryFailure(err);
          giveBack(f.errorClass === ERROR_CLASSES.connect ? (err as Error) : null);
          finish(f);
        });
      }, (err: unknown) => finish(connectFailure(err, this.config)));
    });
  }

  /** Asks the server to stop `client`'s running query (a CancelRequest on a fresh connection; no answer expected). */
  private cancel(client: pg.PoolClient): void {
    const { processID, secretKey } = client as unknown as { processID?: unknown; secretKey?: unknown };
    if (typeof processID !== 'number' || typeof secretKey !== 'number') return;
    const msg = Buffer.alloc(16);
    msg.writeInt32BE(16, 0);
    msg.writeInt32BE(CANCEL_REQUEST_CODE, 4);
    msg.writeInt32BE(processID, 8);
    msg.writeInt32BE(secretKey, 12);
    const sock = netConnect({ host: this.config.pg.host!, port: this.config.pg.port });
    sock.setTimeout(CANCEL_SOCKET_TIMEOUT_MS, () => sock.destroy());
    sock.on('error', () => undefined);
    sock.on('connect', () => sock.end(msg));
    sock.unref();
  }
}

function failure(errorClass: string, error: string): QueryResult {
  return { ok: false, hits: null, errorClass, error: shorten(error) };
}

function shorten(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS - 1)}…` : line;
}

/** The query timeout (`timeout`), unless the abort reason is a TargetError, whose class is kept (a run abort). */
function abortFailure(signal: AbortSignal): QueryResult {
  const reason: unknown = signal.reason;
  if (reason instanceof TargetError) return failure(reason.errorClass, reason.message);
  return failure(ERROR_CLASSES.timeout, 'aborted by the query timeout (the query was cancelled on the server)');
}

/** An error's message; an AggregateError (every address of a host refused) gives its first inner message. */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.message === '' && err instanceof AggregateError && err.errors[0] instanceof Error) return errorText(err.errors[0]);
  return err.message;
}

function sqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** A failed query: its SQLSTATE decides; no SQLSTATE means the session broke (connect). */
function queryFailure(err: unknown): QueryResult {
  const text = errorText(err);
  const state = sqlState(err);
  if (state === null) return failure(ERROR_CLASSES.connect, `the PostgreSQL-wire session failed: ${text}`);
  if (state === QUERY_CANCELED) return failure(ERROR_CLASSES.timeout, `SQLSTATE ${state}: ${text}`);
  if (CONNECT_SQLSTATES.test(state)) return failure(ERROR_CLASSES.connect, `SQLSTATE ${state}: ${text}`);
  return failure(SQL_ERROR, `SQLSTATE ${state}: ${text}`);
}

/** No session: refused, DNS, authentication, unknown database… (always `connect`). */
function connectFailure(err: unknown, config: Mach5Config): QueryResult {
  const text = errorText(err);
  const state = sqlState(err);
  const code = (err as { code?: unknown } | null)?.code;
  const why = state !== null ? `SQLSTATE ${state}: ${text}` : typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  return failure(ERROR_CLASSES.connect, `cannot open a PostgreSQL-wire session to ${config.pg.host}:${config.pg.port}: ${why}`);
}
