// Kafka connection settings (brokers, timeouts, SASL, TLS) and how they are read from the environment. Secrets
// are held by reference only (env var or file name), so settings may be logged or put in a plan. Must not do I/O.
//
// Environment variables read by kafkaSettingsFromEnv (an empty value counts as unset):
//   IB_KAFKA_SASL_MECHANISM          plain | scram-sha-256 | scram-sha-512 (any case); unset = no SASL
//   IB_KAFKA_USERNAME                SASL user name; required with a mechanism, refused without one
//   IB_KAFKA_PASSWORD                SASL password (the value itself) — exactly one of this and
//   IB_KAFKA_PASSWORD_FILE           a file holding the SASL password (one trailing newline is dropped)
//   IB_KAFKA_TLS                     true | false (also 1/0, yes/no); default false, or true when any variable below is set
//   IB_KAFKA_CA_FILE                 PEM file of the CA(s) to trust instead of Node's default CAs
//   IB_KAFKA_CERT_FILE               PEM client certificate for mutual TLS (needs IB_KAFKA_KEY_FILE)
//   IB_KAFKA_KEY_FILE                PEM client private key for mutual TLS (needs IB_KAFKA_CERT_FILE)
//   IB_KAFKA_TLS_REJECT_UNAUTHORIZED true | false; default true (false accepts any server certificate)

import { KafkaError } from '../core/errors.js';
import { closestName, didYouMean, oneOf } from '../scenario/suggest.js';
import { checkBootstrap } from './bootstrap.js';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSaslSettings {
  mechanism: SaslMechanism;
  username: string;
  /** Name of the environment variable holding the password (exactly one of passwordEnv / passwordFile). */
  passwordEnv?: string;
  /** Path of a file holding the password. */
  passwordFile?: string;
}

export interface KafkaTlsSettings {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Default true; false accepts any server certificate. */
  rejectUnauthorized?: boolean;
}

export interface KafkaSettings {
  /** host:port entries (see bootstrap.ts). */
  brokers: string[];
  /** Prefix of every client id: a client is `<clientId>-<run>-<role>` (default 'ib' → `ib-<run>-<role>`). */
  clientId: string;
  /** How long connecting may take before the harness gives up (SPEC §17, `--connect-timeout`, default 10 s). */
  connectTimeoutMs: number;
  /** kafkajs request timeout; kafkajs' default (30 s) when absent. */
  requestTimeoutMs?: number;
  sasl?: KafkaSaslSettings;
  /** true = TLS with Node's default CAs; an object = TLS with these files. */
  ssl?: boolean | KafkaTlsSettings;
}

export const KAFKA_ENV = {
  saslMechanism: 'IB_KAFKA_SASL_MECHANISM',
  username: 'IB_KAFKA_USERNAME',
  password: 'IB_KAFKA_PASSWORD',
  passwordFile: 'IB_KAFKA_PASSWORD_FILE',
  tls: 'IB_KAFKA_TLS',
  caFile: 'IB_KAFKA_CA_FILE',
  certFile: 'IB_KAFKA_CERT_FILE',
  keyFile: 'IB_KAFKA_KEY_FILE',
  tlsRejectUnauthorized: 'IB_KAFKA_TLS_REJECT_UNAUTHORIZED',
} as const;

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_CLIENT_ID_PREFIX = 'ib';

/** A KafkaError carrying every problem found in the settings, one line each (the message joins them). */
export class KafkaSettingsError extends KafkaError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

export interface KafkaSettingsBase {
  /** `--kafka` value or the plan's list. */
  bootstrap: string | readonly string[];
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  clientId?: string;
}

export type KafkaEnv = Readonly<Record<string, string | undefined>>;

/**
 * Settings from the bootstrap list plus the IB_KAFKA_* variables above. Checks everything that can be checked
 * without I/O (files are read, and env passwords re-read, when a client is created) and throws one
 * KafkaSettingsError listing every problem.
 */
export function kafkaSettingsFromEnv(env: KafkaEnv, base: KafkaSettingsBase): KafkaSettings {
  const problems: string[] = [];
  const bootstrap = checkBootstrap(base.bootstrap);
  if (!bootstrap.ok) problems.push(...bootstrap.problems);
  const connectTimeoutMs = base.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  checkTimeout('connect timeout', connectTimeoutMs, problems);
  if (base.requestTimeoutMs !== undefined) checkTimeout('request timeout', base.requestTimeoutMs, problems);
  const clientId = base.clientId ?? DEFAULT_CLIENT_ID_PREFIX;
  if (!/^[A-Za-z0-9._-]+$/.test(clientId)) {
    problems.push(`Kafka client id prefix '${clientId}' is invalid: expected letters, digits, '.', '_' or '-'`);
  }
  const sasl = saslFromEnv(env, problems);
  const ssl = tlsFromEnv(env, problems);
  if (problems.length > 0) throw new KafkaSettingsError(problems);

  const settings: KafkaSettings = { brokers: bootstrap.ok ? bootstrap.brokers : [], clientId, connectTimeoutMs };
  if (base.requestTimeoutMs !== undefined) settings.requestTimeoutMs = base.requestTimeoutMs;
  if (sasl) settings.sasl = sasl;
  if (ssl !== undefined) settings.ssl = ssl;
  return settings;
}

/** One line for logs: brokers and security, never a secret ("b1:9092 (SASL plain as 'bench', TLS)"). */
export function describeKafkaSettings(s: KafkaSettings): string {
  const extra: string[] = [];
  if (s.sasl) extra.push(`SASL ${s.sasl.mechanism} as '${s.sasl.username}'`);
  if (s.ssl) extra.push(typeof s.ssl === 'object' && s.ssl.rejectUnauthorized === false ? 'TLS, unverified' : 'TLS');
  return `${s.brokers.join(',')}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

function read(env: KafkaEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

function checkTimeout(what: string, ms: number, problems: string[]): void {
  if (!Number.isInteger(ms) || ms <= 0) problems.push(`Kafka ${what} ${String(ms)} ms is invalid: expected a positive whole number of ms`);
}

function saslFromEnv(env: KafkaEnv, problems: string[]): KafkaSaslSettings | undefined {
  const E = KAFKA_ENV;
  const rawMechanism = read(env, E.saslMechanism);
  const username = read(env, E.username);
  const passwordSet = read(env, E.password) !== undefined;
  const passwordFile = read(env, E.passwordFile);
  if (rawMechanism === undefined) {
    const stray: string[] = [];
    if (username !== undefined) stray.push(E.username);
    if (passwordSet) stray.push(E.password);
    if (passwordFile !== undefined) stray.push(E.passwordFile);
    if (stray.length > 0) {
      problems.push(`${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but ${E.saslMechanism} is not: `
        + `set it to ${oneOf(SASL_MECHANISMS)}, or unset them for no SASL`);
    }
    return undefined;
  }
  const mechanism = rawMechanism.trim().toLowerCase();
  const known = (SASL_MECHANISMS as readonly string[]).includes(mechanism);
  if (!known) {
    problems.push(`${E.saslMechanism} '${rawMechanism}' is not supported: expected ${oneOf(SASL_MECHANISMS)}`
      + didYouMean(mechanism, SASL_MECHANISMS));
  }
  if (username === undefined) problems.push(`${E.saslMechanism} is '${rawMechanism}' but ${E.username} is not set: expected the SASL user name`);
  if (passwordSet && passwordFile !== undefined) {
    problems.push(`both ${E.password} and ${E.passwordFile} are set: expected exactly one source of the SASL password`);
  } else if (!passwordSet && passwordFile === undefined) {
    problems.push(`${E.saslMechanism} is '${rawMechanism}' but no SASL password is given: set ${E.password} `
      + `or ${E.passwordFile}${misspelt(env, [E.password, E.passwordFile])}`);
  }
  if (!known || username === undefined || problems.length > 0) return undefined;
  const sasl: KafkaSaslSettings = { mechanism: mechanism as SaslMechanism, username };
  if (passwordFile !== undefined) sasl.passwordFile = passwordFile;
  else sasl.passwordEnv = E.password;
  return sasl;
}

/** `; 'IB_KAFKA_PASWORD' is set — did you mean IB_KAFKA_PASSWORD?` when an unknown IB_KAFKA_* variable is close. */
function misspelt(env: KafkaEnv, wanted: readonly string[]): string {
  const known = Object.values(KAFKA_ENV) as string[];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('IB_KAFKA_') || known.includes(name) || read(env, name) === undefined) continue;
    const close = closestName(name, wanted);
    if (close !== null) return `; '${name}' is set — did you mean ${close}?`;
  }
  return '';
}

function tlsFromEnv(env: KafkaEnv, problems: string[]): boolean | KafkaTlsSettings | undefined {
  const E = KAFKA_ENV;
  const tls = readBoolean(env, E.tls, problems);
  const reject = readBoolean(env, E.tlsRejectUnauthorized, problems);
  const files: KafkaTlsSettings = {};
  const caFile = read(env, E.caFile);
  const certFile = read(env, E.certFile);
  const keyFile = read(env, E.keyFile);
  if (caFile !== undefined) files.caFile = caFile;
  if (certFile !== undefined) files.certFile = certFile;
  if (keyFile !== undefined) files.keyFile = keyFile;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const [given, missing] = certFile !== undefined ? [E.certFile, E.keyFile] : [E.keyFile, E.certFile];
    problems.push(`${given} is set but ${missing} is not: mutual TLS needs both the client certificate and its key`);
  }
  const named: string[] = [];
  if (caFile !== undefined) named.push(E.caFile);
  if (certFile !== undefined) named.push(E.certFile);
  if (keyFile !== undefined) named.push(E.keyFile);
  if (reject !== undefined) named.push(E.tlsRejectUnauthorized);
  if (tls === false) {
    if (named.length > 0) problems.push(`${named.join(', ')} ${named.length > 1 ? 'are' : 'is'} set but ${E.tls} is 'false': unset ${named.length > 1 ? 'them' : 'it'} or enable TLS`);
    return undefined;
  }
  if (tls === undefined && named.length === 0) return undefined;
  if (reject !== undefined) files.rejectUnauthorized = reject;
  return Object.keys(files).length > 0 ? files : true;
}

const TRUE = ['true', '1', 'yes'];
const FALSE = ['false', '0', 'no'];

function readBoolean(env: KafkaEnv, name: string, problems: string[]): boolean | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  problems.push(`${name} '${raw}' is not a boolean: expected true or false (also 1/0, yes/no)`);
  return undefined;
}
