// Turns the by-reference SASL/TLS settings into what kafkajs needs: reads the password (env var or file) and the
// TLS files. Must not open connections, and must never put a secret into an error message or a log line.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { KAFKA_ENV, KafkaSettingsError, type KafkaEnv, type KafkaSettings, type KafkaTlsSettings } from './kafka-config.js';

export interface KafkaSecurity {
  sasl?: SASLOptions;
  ssl?: boolean | ConnectionOptions;
}

/** Reads a file's text; injectable for tests. */
export type ReadTextFile = (path: string) => string;

const readUtf8: ReadTextFile = (path) => readFileSync(path, 'utf8');

/** Every secret and file the settings reference, read now; one KafkaSettingsError lists all that are missing. */
export function resolveKafkaSecurity(settings: KafkaSettings, env: KafkaEnv, readFile: ReadTextFile = readUtf8): KafkaSecurity {
  const problems: string[] = [];
  const out: KafkaSecurity = {};
  if (settings.sasl) {
    const { mechanism, username, passwordEnv, passwordFile } = settings.sasl;
    let password: string | undefined;
    if (passwordFile !== undefined) {
      const text = readOrProblem(readFile, passwordFile, `Kafka SASL password file`, KAFKA_ENV.passwordFile, problems);
      if (text !== undefined) {
        password = text.replace(/\r?\n$/, '');
        if (password === '') problems.push(`Kafka SASL password file '${passwordFile}' is empty: expected the password (${KAFKA_ENV.passwordFile})`);
      }
    } else if (passwordEnv !== undefined) {
      password = env[passwordEnv];
      if (password === undefined || password === '') {
        problems.push(`Kafka SASL password missing: environment variable ${passwordEnv} is ${password === undefined ? 'not set' : 'empty'} `
          + `(or name a file in ${KAFKA_ENV.passwordFile})`);
      }
    } else {
      problems.push(`Kafka SASL ${mechanism} for '${username}' has no password source: expected ${KAFKA_ENV.password} or ${KAFKA_ENV.passwordFile}`);
    }
    if (password !== undefined && password !== '') out.sasl = { mechanism, username, password };
  }
  if (settings.ssl === true) out.ssl = true;
  else if (typeof settings.ssl === 'object') {
    const tls = tlsOptions(settings.ssl, readFile, problems);
    if (tls) out.ssl = tls;
  }
  if (problems.length > 0) throw new KafkaSettingsError(problems);
  return out;
}

function tlsOptions(s: KafkaTlsSettings, readFile: ReadTextFile, problems: string[]): ConnectionOptions | undefined {
  const tls: ConnectionOptions = {};
  const files: [keyof KafkaTlsSettings & `${string}File`, 'ca' | 'cert' | 'key', string, string][] = [
    ['caFile', 'ca', 'Kafka TLS CA file', KAFKA_ENV.caFile],
    ['certFile', 'cert', 'Kafka TLS client certificate file', KAFKA_ENV.certFile],
    ['keyFile', 'key', 'Kafka TLS client key file', KAFKA_ENV.keyFile],
  ];
  for (const [setting, option, what, envName] of files) {
    const path = s[setting];
    if (path === undefined) continue;
    const text = readOrProblem(readFile, path, what, envName, problems);
    if (text !== undefined) tls[option] = text;
  }
  if (s.rejectUnauthorized !== undefined) tls.rejectUnauthorized = s.rejectUnauthorized;
  return tls;
}

function readOrProblem(readFile: ReadTextFile, path: string, what: string, envName: string, problems: string[]): string | undefined {
  try {
    return readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    problems.push(`${what} '${path}' cannot be read (${code}): expected a readable file (${envName})`);
    return undefined;
  }
}
