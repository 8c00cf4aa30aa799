// Adds a password-protected user to a test ClickHouse (its users.xml, then SYSTEM RELOAD CONFIG), so a test can prove
// that a password really reaches the target. Must not be used outside tests, nor touch a server it did not start.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestClickHouse } from './clickhouse/index.js';

async function post(url: string, sql: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/`, { method: 'POST', body: sql, headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: (await res.text()).trim() };
}

/** `SELECT 1` as `user` with `password` (null: no password header): the HTTP status and answer. */
export function selectOneAs(ch: TestClickHouse, user: string, password: string | null): Promise<{ status: number; text: string }> {
  return post(ch.url, 'SELECT 1', { 'x-clickhouse-user': user, ...(password !== null ? { 'x-clickhouse-key': password } : {}) });
}

/** Adds `user` (loopback only, default profile) with a plain-text password and waits until it can log in. */
export async function addClickHouseUser(ch: TestClickHouse, user: string, password: string): Promise<void> {
  const file = join(ch.dir, 'users.xml');
  const xml = readFileSync(file, 'utf8');
  const entry = `    <${user}>\n      <password>${password}</password>\n      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>\n`
    + '      <profile>default</profile>\n      <quota>default</quota>\n'
    + `    </${user}>\n  </users>`;
  writeFileSync(file, xml.replace('</users>', entry));
  const reload = await post(ch.url, 'SYSTEM RELOAD CONFIG');
  if (reload.status !== 200) throw new Error(`SYSTEM RELOAD CONFIG answered HTTP ${reload.status}: ${reload.text.slice(0, 300)}`);
  const check = await selectOneAs(ch, user, password);
  if (check.status !== 200) throw new Error(`ClickHouse user ${user} cannot log in after the reload: HTTP ${check.status} ${check.text.slice(0, 300)}`);
}
