// The Mach5 target config (SPEC §8.4 table and "Where ours differs"): keys, defaults, the reference's spellings
// accepted, warehouses deduplicated by name, secrets read up front (no network call). Must not do HTTP.

import type { DocPath, ProblemSink } from '../../scenario/problems.js';
import { show } from '../../scenario/problems.js';
import { didYouMean, oneOf } from '../../scenario/suggest.js';
import { ConfigReader, aliasedKey, describeValue, isMap } from '../opensearch/config-reader.js';
import { secretFromEnv, type SecretSources } from '../opensearch/credentials.js';

export const MACH5_CONFIG_KEYS = [
  'url', 'endpoint', 'namespace', 'warehouses', 'warehouse', 'pg_host', 'pg_port', 'pg_user', 'pg_password_env',
  'pg_password', 'pg_dbname', 'token_env', 'tls_verify', 'manage_namespace', 'manage_warehouses',
  'query_endpoint_template', 'pg_warehouse_option',
] as const;
export const WAREHOUSE_KEYS = ['name', 'num_mediators', 'numMediators', 'num_os', 'numOs', 'resource'] as const;
export const ENDPOINT_PLACEHOLDERS = ['endpoint', 'namespace', 'warehouse', 'warehouse_id'] as const;

export const MACH5_DEFAULTS = {
  warehouseName: 'incidentbench-wh',
  numMediators: 1,
  numOs: 2,
  pgPort: 5432,
  /** The PostgreSQL `options` startup parameter naming the warehouse (SPEC §8.4: options='-c warehouse=<name>'). */
  pgWarehouseOption: '-c warehouse={warehouse}',
} as const;

/** Namespace and warehouse names: path-safe words. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface WarehouseConfig {
  name: string;
  numMediators: number;
  numOs: number;
  /** Overrides merged over the reference's fixed sizing (ours, item 6); {} when none. */
  resource: Record<string, unknown>;
}

export interface PgConfig {
  host: string | null;
  port: number;
  user: string | null;
  dbname: string | null;
  passwordEnv: string | null;
  /** The `options` startup parameter, `{warehouse}` standing for the warehouse name (key pg_warehouse_option). */
  warehouseOption: string;
}

/** The validated config, secrets excluded (safe to log). */
export interface Mach5Config {
  url: string;
  namespace: string;
  warehouses: WarehouseConfig[];
  tlsVerify: boolean;
  manageNamespace: boolean;
  manageWarehouses: boolean;
  queryEndpointTemplate: string | null;
  pg: PgConfig;
  auth: 'none' | 'bearer';
}

export interface ParsedMach5Config {
  config: Mach5Config;
  /** `Bearer <token>` from token_env, or null. */
  authorization: string | null;
  /** The PostgreSQL-wire password from pg_password_env, or null (never logged, never in a plan). */
  pgPassword: string | null;
}

/** Validates `raw`; every problem goes to `sink` under `base`. Returns null when any error was found. */
export function parseMach5Config(raw: unknown, sink: ProblemSink, src: SecretSources, base: DocPath = [])
  : ParsedMach5Config | null {
  let errors = 0;
  const s: ProblemSink = {
    error: (p, m, a) => { errors++; sink.error(p, m, a); },
    warn: (p, m, a) => sink.warn(p, m, a),
  };
  if (!isMap(raw)) {
    s.error(base, `expected a mapping of target settings (url:, namespace:, …), got ${describeValue(raw)}`);
    return null;
  }
  const r = new ConfigReader(raw, base, s, MACH5_CONFIG_KEYS);
  const urlKey = aliasedKey(r, 'url', 'endpoint');
  let url: string | undefined;
  if (urlKey !== null) {
    if (r.has(urlKey)) url = r.baseUrl(urlKey);
    else r.error('url', 'missing: expected the Mach5 base URL (REST under {url}/apis), e.g. url: http://mach5:8888');
  }
  let namespace: string | undefined;
  if (!r.has('namespace')) {
    r.error('namespace', 'missing: expected the Mach5 namespace to create and use, e.g. namespace: incidentbench');
  } else {
    namespace = name(r, 'namespace', 'the Mach5 namespace');
  }
  const warehouses = readWarehouses(r);
  const tlsVerify = r.boolean('tls_verify') ?? true;
  const manageNamespace = r.boolean('manage_namespace') ?? true;
  const manageWarehouses = r.boolean('manage_warehouses') ?? true;
  const queryEndpointTemplate = readTemplate(r);
  const { pg, password: pgPassword } = readPg(r, src);
  let authorization: string | null = null;
  if (r.has('token_env')) {
    const token = secretFromEnv(r, 'token_env', 'the Mach5 API token', src);
    if (token !== undefined) authorization = `Bearer ${token}`;
  }
  if (errors > 0 || url === undefined || namespace === undefined || warehouses === null) return null;
  return {
    config: {
      url, namespace, warehouses, tlsVerify, manageNamespace, manageWarehouses, queryEndpointTemplate, pg,
      auth: authorization === null ? 'none' : 'bearer',
    },
    authorization,
    pgPassword,
  };
}

function name(r: ConfigReader, key: string, what: string): string | undefined {
  const v = r.string(key, what);
  if (v === undefined) return undefined;
  if (!NAME.test(v)) {
    r.error(key, `${show(v)} is not a usable name; expected letters, digits, "-", "_" or ".", starting with a letter or digit`);
    return undefined;
  }
  return v;
}

function readWarehouses(r: ConfigReader): WarehouseConfig[] | null {
  if (r.has('warehouses') && r.has('warehouse')) {
    r.error('warehouse', 'both "warehouses" and the reference\'s single "warehouse" are given; expected only one of them');
    return null;
  }
  let entries: { value: unknown; path: DocPath }[];
  if (r.has('warehouse')) {
    entries = [{ value: r.map.warehouse, path: r.keyPath('warehouse') }];
  } else if (r.has('warehouses')) {
    const list = r.map.warehouses;
    if (!Array.isArray(list) || list.length === 0) {
      r.error('warehouses', `expected a list of at least one warehouse ({name, num_mediators, num_os}), got ${describeValue(list)}`);
      return null;
    }
    entries = list.map((value, i) => ({ value, path: [...r.keyPath('warehouses'), i] }));
  } else {
    entries = [{ value: {}, path: r.keyPath('warehouses') }];
  }
  const out: WarehouseConfig[] = [];
  let ok = true;
  for (const { value, path } of entries) {
    const w = readWarehouse(value, path, r.sink);
    if (w === null) {
      ok = false;
      continue;
    }
    if (out.some((o) => o.name === w.name)) {
      r.sink.warn([...path, 'name'], `warehouse ${show(w.name)} is listed more than once; the first entry is used`);
      continue;
    }
    out.push(w);
  }
  return ok ? out : null;
}

function readWarehouse(value: unknown, path: DocPath, sink: ProblemSink): WarehouseConfig | null {
  if (!isMap(value)) {
    sink.error(path, `expected a warehouse mapping ({name, num_mediators, num_os, resource}), got ${describeValue(value)}`);
    return null;
  }
  let ok = true;
  const r = new ConfigReader(value, path, {
    error: (p, m, a) => { ok = false; sink.error(p, m, a); },
    warn: (p, m, a) => sink.warn(p, m, a),
  }, WAREHOUSE_KEYS);
  const wname = r.has('name') ? name(r, 'name', 'the warehouse name') : MACH5_DEFAULTS.warehouseName;
  const numMediators = spelled(r, 'num_mediators', 'numMediators', 'mediators') ?? MACH5_DEFAULTS.numMediators;
  const numOs = spelled(r, 'num_os', 'numOs', 'OS nodes') ?? MACH5_DEFAULTS.numOs;
  let resource: Record<string, unknown> = {};
  if (r.has('resource')) {
    const v = r.map.resource;
    if (!isMap(v)) r.error('resource', `expected a mapping of warehouse resource overrides, got ${describeValue(v)}`);
    else resource = { ...v };
  }
  if (!ok || wname === undefined) return null;
  return { name: wname, numMediators, numOs, resource };
}

/** A whole number ≥ 1 under our snake_case key or the reference's camelCase one (not both). */
function spelled(r: ConfigReader, snake: string, camel: string, what: string): number | undefined {
  if (r.has(snake) && r.has(camel)) {
    r.error(camel, `both ${show(snake)} and the reference's ${show(camel)} are given; expected only one of them`);
    return undefined;
  }
  return r.integer(r.has(camel) ? camel : snake, 1, `the number of ${what}`);
}

function readTemplate(r: ConfigReader): string | null {
  const t = r.string('query_endpoint_template', 'a URL template such as {endpoint}/namespaces/{namespace}/warehouses/{warehouse}/query');
  if (t === undefined) return null;
  let ok = true;
  for (const m of t.matchAll(/\{([^{}]*)\}/g)) {
    const p = m[1]!;
    if (!(ENDPOINT_PLACEHOLDERS as readonly string[]).includes(p)) {
      r.error('query_endpoint_template', `unknown placeholder ${show(`{${p}}`)}${didYouMean(p, ENDPOINT_PLACEHOLDERS)}; `
        + `expected ${oneOf(ENDPOINT_PLACEHOLDERS.map((x) => `{${x}}`))}`);
      ok = false;
    }
  }
  if (!ok) return null;
  const sample = fillTemplate(t, { endpoint: 'http://mach5', namespace: 'ns', warehouse: 'wh', warehouse_id: 'id' });
  try {
    const u = new URL(sample);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    r.error('query_endpoint_template', `${show(t)} does not give an http(s) URL; expected e.g. `
      + '{endpoint}/namespaces/{namespace}/warehouses/{warehouse}/query');
    return null;
  }
  return t.replace(/\/+$/, '');
}

export function fillTemplate(template: string, values: Record<(typeof ENDPOINT_PLACEHOLDERS)[number], string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, p: string) =>
    (p in values ? values[p as keyof typeof values] : whole));
}

function readPg(r: ConfigReader, src: SecretSources): { pg: PgConfig; password: string | null } {
  if (r.has('pg_password')) {
    r.error('pg_password', 'a password written in the config would be copied into plans; expected pg_password_env '
      + 'naming an environment variable that holds it');
  }
  const pg: PgConfig = {
    host: r.string('pg_host', 'the PostgreSQL-wire host') ?? null,
    port: r.integer('pg_port', 1, 'the PostgreSQL-wire port') ?? MACH5_DEFAULTS.pgPort,
    user: r.string('pg_user', 'the PostgreSQL-wire user') ?? null,
    dbname: r.string('pg_dbname', 'the database name') ?? null,
    passwordEnv: null,
    warehouseOption: readWarehouseOption(r),
  };
  if (pg.port > 65535) r.error('pg_port', `expected a port number 1–65535, got ${pg.port}`);
  let password: string | null = null;
  if (r.has('pg_password_env')) {
    const value = secretFromEnv(r, 'pg_password_env', 'the PostgreSQL-wire password', src);
    if (value !== undefined) {
      pg.passwordEnv = r.map.pg_password_env as string;
      password = value;
    }
  }
  return { pg, password };
}

/** pg_warehouse_option: a template holding {warehouse} (and no other placeholder), e.g. -c mach5.warehouse={warehouse}. */
function readWarehouseOption(r: ConfigReader): string {
  const expected = 'a PostgreSQL options string holding {warehouse}, e.g. -c warehouse={warehouse}';
  const t = r.string('pg_warehouse_option', expected);
  if (t === undefined) return MACH5_DEFAULTS.pgWarehouseOption;
  for (const m of t.matchAll(/\{([^{}]*)\}/g)) {
    if (m[1] !== 'warehouse') {
      r.error('pg_warehouse_option', `unknown placeholder ${show(`{${m[1]!}}`)}${didYouMean(m[1]!, ['warehouse'])}; expected {warehouse}`);
      return MACH5_DEFAULTS.pgWarehouseOption;
    }
  }
  if (!t.includes('{warehouse}')) {
    r.error('pg_warehouse_option', `${show(t)} does not name the warehouse; expected ${expected}`);
    return MACH5_DEFAULTS.pgWarehouseOption;
  }
  return t;
}
