// Which SQL dialect a ClickHouse server speaks (SPEC §8.2): `v18` for 18.x and older (Debian's 18.16), `current`
// for everything newer, read from `SELECT version()`. Must not decide what either dialect compiles to (compile.ts does).

import type { ClickHouseDialect } from './compile.js';
import type { StatementRunner } from './statement.js';

/** 18.16.1 → v18; 1.1.54394 (before year-based versions) → v18; 19.x and later → current. */
export function dialectOfVersion(version: string): ClickHouseDialect {
  const m = /^\s*(\d+)\.(\d+)/.exec(version);
  if (!m) return 'current';
  const major = Number(m[1]);
  return major <= 18 ? 'v18' : 'current';
}

/** The server's version string and dialect (one request). */
export async function detectDialect(sql: StatementRunner): Promise<{ version: string; dialect: ClickHouseDialect }> {
  const rows = await sql.rows('SELECT version()', 'reading the server version');
  const version = String(rows[0]?.[0] ?? '');
  return { version, dialect: dialectOfVersion(version) };
}
