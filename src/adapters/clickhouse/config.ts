// The ClickHouse target config (SPEC §8.2, §17): every key checked, secrets read from the environment variable or
// file they are named by, all problems collected. Must not make a network call, nor keep or print a secret elsewhere.

import { readFileSync } from 'node:fs';
import { ConfigError, type Problem } from '../../core/errors.js';
import { formatPath, show, type DocPath } from '../../scenario/problems.js';
import { didYouMean, oneOf } from '../../scenario/suggest.js';

export const CLICKHOUSE_CONFIG_KEYS = [
  'url', 'database', 'user', 'password_env', 'password_file', 'table', 'order_by', 'kafka_broker_list',
  'kafka_max_block_size', 'tls_verify', 'dialect',
] as const;

/** Bounds of `kafka_max_block_size`: rows per block the Kafka table hands to the view (ClickHouse's default 65 536). */
export const KAFKA_MAX_BLOCK_SIZE_MAX = 1_048_576;

export const DIALECT_SETTINGS = ['auto', 'v18', 'current'] as const;
export type DialectSetting = (typeof DIALECT_SETTINGS)[number];

export const DEFAULT_DATABASE = 'default';
export const DEFAULT_CONFIG_FILE = 'target config';

/** Where the password came from, by reference only (for plans and logs). */
export type PasswordRef = { env: string } | { file: string } | null;

export interface ClickHouseConfig {
  /** Base URL of the HTTP interface, trailing `/` removed. */
  url: string;
  database: string;
  /** null: the server's `default` user. */
  user: string | null;
  /** Where the password comes from, by reference (the secret itself is returned beside the config, never in it). */
  passwordRef: PasswordRef;
  /** One table name (single-stream scenarios), or index_name/stream name → table; null: derived from index_name. */
  table: string | Readonly<Record<string, string>> | null;
  /** Columns of the MergeTree sorting key; null: the timestamp column. */
  orderBy: readonly string[] | null;
  /** Brokers as ClickHouse reaches them; null: the run's bootstrap. */
  kafkaBrokerList: readonly string[] | null;
  /**
   * Rows per block the Kafka table passes to its view — also how many rows it waits for before it writes (18.x writes a
   * block only when it is full or the topic has nothing more); null: the server's default (`max_block_size`).
   */
  kafkaMaxBlockSize: number | null;
  tlsVerify: boolean;
  dialect: DialectSetting;
}

/** Where secrets are read from: the process environment and the file system, injectable for tests. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

export const processSecretSources: SecretSources = {
  env: process.env,
  readFile: (path) => readFileSync(path, 'utf8'),
};

const PASSWORD = 'the ClickHouse password';
const URL_EXAMPLE = 'http://localhost:8123';
const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/;

type RawMap = Readonly<Record<string, unknown>>;

function isMap(v: unknown): v is RawMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** How a value is named in "got …". */
function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list ${show(v)}`;
  if (isMap(v)) return `a mapping ${show(v)}`;
  return show(v);
}

class Problems {
  readonly errors: Problem[] = [];
  constructor(private readonly file: string) {}
  error(path: DocPath, message: string): void {
    this.errors.push({ file: this.file, line: 0, col: 0, path: formatPath(path), message });
  }
}

/** A parsed config and its secret, kept apart so that printing the config can never show the password. */
export interface ParsedClickHouseConfig {
  config: ClickHouseConfig;
  /** null: no password is sent. */
  password: string | null;
}

/**
 * Validates a raw ClickHouse target config and reads its secret. Throws a ConfigError naming every problem (the key,
 * and the environment variable or file for secrets); makes no network call.
 */
export function parseClickHouseConfig(raw: unknown, opts: { configFile?: string; secrets?: SecretSources } = {})
  : ParsedClickHouseConfig {
  const p = new Problems(opts.configFile ?? DEFAULT_CONFIG_FILE);
  const src = opts.secrets ?? processSecretSources;
  if (!isMap(raw)) {
    p.error([], `expected a mapping of ClickHouse settings (${CLICKHOUSE_CONFIG_KEYS.join(', ')}), got ${describeValue(raw)}`);
    throw new ConfigError(p.errors);
  }
  for (const key of Object.keys(raw)) {
    if ((CLICKHOUSE_CONFIG_KEYS as readonly string[]).includes(key)) continue;
    const hint = didYouMean(key, CLICKHOUSE_CONFIG_KEYS);
    p.error([key], hint ? `unknown key ${show(key)}${hint}` : `unknown key ${show(key)}; expected ${oneOf(CLICKHOUSE_CONFIG_KEYS)}`);
  }
  const has = (key: string) => raw[key] !== undefined && raw[key] !== null;
  const str = (key: string, what: string): string | undefined => {
    if (!has(key)) return undefined;
    const v = raw[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    p.error([key], `expected ${what} (a non-empty string), got ${describeValue(v)}`);
    return undefined;
  };

  const url = readUrl(raw, p, has('url'));
  const database = str('database', 'a database name') ?? DEFAULT_DATABASE;
  const user = str('user', 'a ClickHouse user name') ?? null;
  const { password, passwordRef } = readPassword(p, src, has, str);
  const table = readTable(raw, p, has('table'));
  const orderBy = readNameList(raw, p, 'order_by', 'a column name or a list of column names, e.g. ["service", "@timestamp"]');
  const kafkaBrokerList = readBrokers(raw, p, has('kafka_broker_list'));
  let kafkaMaxBlockSize: number | null = null;
  if (has('kafka_max_block_size')) {
    const v = raw.kafka_max_block_size;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= KAFKA_MAX_BLOCK_SIZE_MAX) kafkaMaxBlockSize = v;
    else p.error(['kafka_max_block_size'], `expected a whole number of rows from 1 to ${KAFKA_MAX_BLOCK_SIZE_MAX}, e.g. 1000, got ${describeValue(v)}`);
  }
  let tlsVerify = true;
  if (has('tls_verify')) {
    if (typeof raw.tls_verify === 'boolean') tlsVerify = raw.tls_verify;
    else p.error(['tls_verify'], `expected true or false, got ${describeValue(raw.tls_verify)}`);
  }
  let dialect: DialectSetting = 'auto';
  if (has('dialect')) {
    const v = raw.dialect;
    if (typeof v === 'string' && (DIALECT_SETTINGS as readonly string[]).includes(v)) dialect = v as DialectSetting;
    else {
      const hint = typeof v === 'string' ? didYouMean(v, DIALECT_SETTINGS) : '';
      p.error(['dialect'], `expected ${oneOf(DIALECT_SETTINGS)}, got ${describeValue(v)}${hint}`);
    }
  }
  if (p.errors.length > 0 || url === undefined) throw new ConfigError(p.errors);
  return { config: { url, database, user, passwordRef, table, orderBy, kafkaBrokerList, kafkaMaxBlockSize, tlsVerify, dialect }, password };
}

function readUrl(raw: RawMap, p: Problems, present: boolean): string | undefined {
  const expected = `expected the base URL of the ClickHouse HTTP interface, e.g. ${URL_EXAMPLE}`;
  if (!present) {
    p.error(['url'], `missing; ${expected}`);
    return undefined;
  }
  const v = raw.url;
  if (typeof v !== 'string' || v.trim() === '') {
    p.error(['url'], `${expected}, got ${describeValue(v)}`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(v.trim());
  } catch {
    p.error(['url'], `${show(v)} is not a URL; ${expected}`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    p.error(['url'], `${show(v)} is not an http(s) URL; ${expected}`);
    return undefined;
  }
  if (url.search !== '' || url.hash !== '') {
    p.error(['url'], `${show(v)} has a query or fragment; expected a base URL without "?" or "#" (database and user have keys of their own)`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    p.error(['url'], `${show(v)} carries credentials; expected a base URL without user:password@ (use user and password_env or password_file)`);
    return undefined;
  }
  return url.href.replace(/\/+$/, '');
}

function readPassword(p: Problems, src: SecretSources, has: (k: string) => boolean,
  str: (k: string, what: string) => string | undefined): { password: string | null; passwordRef: PasswordRef } {
  const none = { password: null, passwordRef: null };
  if (has('password_env') && has('password_file')) {
    p.error(['password_file'], 'both "password_env" and "password_file" are given; expected only one of them');
    return none;
  }
  if (has('password_env')) {
    const name = str('password_env', `the name of an environment variable holding ${PASSWORD}`);
    if (name === undefined) return none;
    const value = src.env[name];
    if (value === undefined || value === '') {
      p.error(['password_env'], `environment variable ${show(name)} is not set; expected it to hold ${PASSWORD}`);
      return none;
    }
    return { password: value, passwordRef: { env: name } };
  }
  if (has('password_file')) {
    const path = str('password_file', `the path of a file holding ${PASSWORD}`);
    if (path === undefined) return none;
    let text: string;
    try {
      text = src.readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied'
        : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
      p.error(['password_file'], `cannot read ${show(path)}: ${reason}; expected a file holding ${PASSWORD}`);
      return none;
    }
    const value = text.replace(/\r?\n$/, '');
    if (value === '') {
      p.error(['password_file'], `file ${show(path)} is empty; expected it to hold ${PASSWORD}`);
      return none;
    }
    return { password: value, passwordRef: { file: path } };
  }
  return none;
}

function readTable(raw: RawMap, p: Problems, present: boolean): ClickHouseConfig['table'] {
  if (!present) return null;
  const v = raw.table;
  const expected = 'expected a table name, or a mapping of index_name to table name';
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (!isMap(v) || Object.keys(v).length === 0) {
    p.error(['table'], `${expected}, got ${describeValue(v)}`);
    return null;
  }
  const out: Record<string, string> = {};
  let ok = true;
  for (const [k, name] of Object.entries(v)) {
    if (typeof name === 'string' && name.trim() !== '') out[k] = name;
    else {
      p.error(['table', k], `expected the table name for index ${show(k)} (a non-empty string), got ${describeValue(name)}`);
      ok = false;
    }
  }
  return ok ? out : null;
}

function readNameList(raw: RawMap, p: Problems, key: string, expected: string): string[] | null {
  const v = raw[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && v.trim() !== '') return [v];
  if (!Array.isArray(v) || v.length === 0) {
    p.error([key], `expected ${expected}, got ${describeValue(v)}`);
    return null;
  }
  let ok = true;
  v.forEach((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') {
      p.error([key, i], `expected a column name (a non-empty string), got ${describeValue(item)}`);
      ok = false;
    }
  });
  return ok ? (v as string[]) : null;
}

function readBrokers(raw: RawMap, p: Problems, present: boolean): string[] | null {
  if (!present) return null;
  const v = raw.kafka_broker_list;
  const expected = 'expected the Kafka brokers as ClickHouse reaches them: "host:port,host:port" or a list of "host:port"';
  let items: { text: string; path: DocPath }[];
  if (typeof v === 'string' && v.trim() !== '') {
    items = v.split(',').map((s) => ({ text: s.trim(), path: ['kafka_broker_list'] }));
  } else if (Array.isArray(v) && v.length > 0) {
    items = [];
    let ok = true;
    v.forEach((s, i) => {
      if (typeof s === 'string') items.push({ text: s.trim(), path: ['kafka_broker_list', i] });
      else {
        p.error(['kafka_broker_list', i], `expected "host:port", got ${describeValue(s)}`);
        ok = false;
      }
    });
    if (!ok) return null;
  } else {
    p.error(['kafka_broker_list'], `${expected}, got ${describeValue(v)}`);
    return null;
  }
  let ok = true;
  for (const it of items) {
    if (!HOST_PORT.test(it.text)) {
      p.error(it.path, `${show(it.text)} is not host:port; expected e.g. "kafka:9092"`);
      ok = false;
    }
  }
  return ok ? items.map((it) => it.text) : null;
}
