// Reads secrets named by a target config (an environment variable or a file) and turns them into the
// Authorization header value. Must not log, return or store a secret anywhere but the header it builds.

import { readFileSync } from 'node:fs';
import { show } from '../../scenario/problems.js';
import type { ConfigReader } from './config-reader.js';

/** Where secrets are read from: the process environment and the file system, injectable for tests. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

export const processSecretSources: SecretSources = {
  env: process.env,
  readFile: (path) => readFileSync(path, 'utf8'),
};

/** The value of the environment variable named by `key`; reported (naming key and variable) when unset or empty. */
export function secretFromEnv(r: ConfigReader, key: string, what: string, src: SecretSources): string | undefined {
  const name = r.string(key, `the name of an environment variable holding ${what}`);
  if (name === undefined) return undefined;
  const value = src.env[name];
  if (value === undefined || value === '') {
    r.error(key, `environment variable ${show(name)} is not set; expected it to hold ${what}`);
    return undefined;
  }
  return value;
}

/** The content of the file named by `key`, one trailing newline dropped; reported when unreadable or empty. */
export function secretFromFile(r: ConfigReader, key: string, what: string, src: SecretSources): string | undefined {
  const path = r.string(key, `the path of a file holding ${what}`);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = src.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied'
      : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    r.error(key, `cannot read ${show(path)}: ${reason}; expected a file holding ${what}`);
    return undefined;
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') {
    r.error(key, `file ${show(path)} is empty; expected it to hold ${what}`);
    return undefined;
  }
  return value;
}

export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
