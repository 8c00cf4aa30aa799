// Integration test of Mach5 `type: sql` over the PostgreSQL wire protocol (SPEC §8.4) against a real PostgreSQL
// (Debian's, started by test/support/postgres): bound variables, hits, timeout with cancel, errors, warehouse option.

import assert from 'node:assert/strict';
import { createMach5Adapter, type Mach5Adapter } from '../../../src/adapters/mach5/index.js';
import type { CompiledQuery } from '../../../src/adapters/types.js';
import type { ResolvedQuery } from '../../../src/scenario/resolved.js';
import { startPostgres, type TestPostgres } from '../../support/postgres/index.js';

const HOSTILE = "'; DROP TABLE t; --";
/** Values whose literal must reach the server unchanged (each stored once in t.msg). */
const TRICKY = [HOSTILE, "O'Brien", 'back\\slash', "\\'; DROP TABLE t; --", 'line\nbreak -- /* x */', 'üñí©ødé $$ $q$', "''"];

function sqlQuery(name: string, sql: string, timeoutMs = 10_000): ResolvedQuery {
  return { name, type: 'sql', weight: 1, category: null, template: null, sort: null, limit: null, timeRange: null,
    timeoutMs, variables: {}, sql, sqlFile: null, dsl: null, index: null, stream: null, description: '' };
}

describe('Mach5 type: sql over the PostgreSQL wire protocol, on a real PostgreSQL (SPEC §8.4)', function () {
  let pg: TestPostgres;
  let adapter: Mach5Adapter;
  let endpoints: Record<string, string>;
  const signal = () => new AbortController().signal;

  function mach5(extra: Record<string, unknown> = {}, password = pg.password): Mach5Adapter {
    return createMach5Adapter({
      url: 'http://127.0.0.1:9', namespace: 'perf', warehouses: [{ name: 'wh-a' }, { name: 'wh-b' }],
      pg_host: pg.host, pg_port: pg.port, pg_user: pg.user, pg_dbname: pg.dbname, pg_password_env: 'IB_TEST_PG_PASSWORD',
      // PostgreSQL refuses unknown settings; a dotted (placeholder) name is accepted, as Mach5's warehouse is.
      pg_warehouse_option: '-c mach5.warehouse={warehouse}', ...extra,
    }, { secrets: { env: { IB_TEST_PG_PASSWORD: password }, readFile: () => '' }, maxInFlight: 4 });
  }

  async function tableRows(): Promise<number> {
    return Number((await pg.query('SELECT count(*) FROM t'))[0]![0]);
  }

  before(async function () {
    this.timeout(120_000);
    pg = await startPostgres();
    await pg.query("CREATE TABLE t (id int, service text, msg text); INSERT INTO t SELECT g, CASE WHEN g % 3 = 0 THEN 'api' "
      + "ELSE 'db' END, 'row ' || g FROM generate_series(1, 30) g");
    // The tricky values are stored through a parameterised statement: independent of the escaping under test.
    const { default: pgLib } = await import('pg');
    const c = new pgLib.Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.dbname });
    await c.connect();
    for (const [i, v] of TRICKY.entries()) await c.query('INSERT INTO t VALUES ($1, $2, $3)', [100 + i, 'tricky', v]);
    await c.end();
    adapter = mach5();
    endpoints = await adapter.queryEndpoints();
  });

  after(async function () {
    this.timeout(60_000);
    await adapter?.close();
    await pg?.stop();
  });

  it('runs a query with a bound {{var}}: SELECT count(*) gives the count as hits', async () => {
    const q = adapter.compile(sqlQuery('count_by_service', 'SELECT count(*) FROM t WHERE service = {{svc}}'), null);
    assert.deepEqual(await adapter.execute(q, { svc: 'api' }, endpoints['wh-a']!, signal()), { ok: true, hits: 10 });
  });

  it('counts the rows returned by any other query', async () => {
    const q = adapter.compile(sqlQuery('rows', "SELECT id, msg FROM t WHERE service = {{svc}} AND msg LIKE 'row {{d}}%'"), null);
    // service db, msg 'row 1…': ids 1, 10, 11, 13, 14, 16, 17, 19 (the multiples of 3 are api)
    assert.deepEqual(await adapter.execute(q, { svc: 'db', d: '1' }, endpoints['wh-a']!, signal()), { ok: true, hits: 8 });
  });

  it("binds the hostile value '; DROP TABLE t; -- as a literal: no match, and the table is still there", async () => {
    const before = await tableRows();
    const q = adapter.compile(sqlQuery('hostile', 'SELECT count(*) FROM t WHERE service = {{svc}}'), null);
    assert.deepEqual(await adapter.execute(q, { svc: HOSTILE }, endpoints['wh-a']!, signal()), { ok: true, hits: 0 });
    const inLiteral = adapter.compile(sqlQuery('hostile_in_literal', "SELECT count(*) FROM t WHERE msg LIKE '%{{w}}%'"), null);
    // Two stored messages contain it: the hostile value itself and its backslash-prefixed variant.
    assert.deepEqual(await adapter.execute(inLiteral, { w: HOSTILE }, endpoints['wh-a']!, signal()), { ok: true, hits: 2 });
    assert.equal(await tableRows(), before);
  });

  it('delivers quotes, backslashes, newlines and unicode to the server unchanged', async () => {
    const q = adapter.compile(sqlQuery('exact', 'SELECT count(*) FROM t WHERE msg = {{v}}'), null);
    for (const v of TRICKY) {
      assert.deepEqual(await adapter.execute(q, { v }, endpoints['wh-a']!, signal()), { ok: true, hits: 1 }, JSON.stringify(v));
    }
  });

  it('passes the warehouse of the query endpoint in the options startup parameter', async () => {
    const q = adapter.compile(sqlQuery('which_warehouse', "SELECT 1 WHERE current_setting('mach5.warehouse') = {{wh}}"), null);
    assert.deepEqual(await adapter.execute(q, { wh: 'wh-b' }, endpoints['wh-b']!, signal()), { ok: true, hits: 1 });
    assert.deepEqual(await adapter.execute(q, { wh: 'wh-a' }, endpoints['wh-b']!, signal()), { ok: true, hits: 0 });
    assert.deepEqual(await adapter.execute(q, { wh: 'wh-a' }, endpoints['wh-a']!, signal()), { ok: true, hits: 1 });
  });

  it('classes a query aborted by its 300 ms timeout as timeout and cancels it on the server', async () => {
    const q = adapter.compile(sqlQuery('slow', 'SELECT pg_sleep(5)', 300), null);
    const r = await adapter.execute(q, {}, endpoints['wh-a']!, AbortSignal.timeout(q.timeoutMs));
    assert.equal(r.ok, false);
    assert.equal(r.errorClass, 'timeout');
    // The cancel request stops the backend well before the sleep's 5 s would end (without it, it runs on for 4.7 s).
    let running = 1;
    for (const until = Date.now() + 2_000; Date.now() < until && running > 0;) {
      running = Number((await pg.query("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(5)%' "
        + 'AND pid <> pg_backend_pid()'))[0]![0]);
      if (running > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(running, 0, 'the slow query still runs on the server');
    // The pool is still usable after the destroyed session.
    const after = adapter.compile(sqlQuery('after', 'SELECT count(*) FROM t'), null);
    assert.equal((await adapter.execute(after, {}, endpoints['wh-a']!, signal())).ok, true);
  });

  it('classes a wrong password as connect, with the SQLSTATE and without the password', async () => {
    const wrong = mach5({}, 'not-the-password');
    try {
      const q = wrong.compile(sqlQuery('any', 'SELECT 1'), null);
      const r = await wrong.execute(q, {}, endpoints['wh-a']!, signal());
      assert.equal(r.ok, false);
      assert.equal(r.errorClass, 'connect');
      assert.match(r.error ?? '', /SQLSTATE 28P01/);
      assert.equal((r.error ?? '').includes('not-the-password'), false);
    } finally {
      await wrong.close();
    }
  });

  it('classes a closed port as connect', async () => {
    const closed = mach5({ pg_port: 1 });
    try {
      const r = await closed.execute(closed.compile(sqlQuery('any', 'SELECT 1'), null), {}, endpoints['wh-a']!, signal());
      assert.equal(r.errorClass, 'connect');
      assert.match(r.error ?? '', /ECONNREFUSED/);
    } finally {
      await closed.close();
    }
  });

  it('classes a server-side error as sql_error with its SQLSTATE, and keeps the session usable', async () => {
    const q: CompiledQuery = adapter.compile(sqlQuery('bad', 'SELECT * FROM no_such_table'), null);
    const r = await adapter.execute(q, {}, endpoints['wh-a']!, signal());
    assert.equal(r.errorClass, 'sql_error');
    assert.match(r.error ?? '', /^SQLSTATE 42P01: relation "no_such_table" does not exist/);
    const ok = adapter.compile(sqlQuery('ok', 'SELECT count(*) AS hits FROM t'), null);
    assert.deepEqual(await adapter.execute(ok, {}, endpoints['wh-a']!, signal()), { ok: true, hits: 30 + TRICKY.length });
  });

  it('runs as many queries at once as the pool allows (max = max_in_flight) and all complete', async () => {
    const q = adapter.compile(sqlQuery('short_sleep', "SELECT count(*) FROM (SELECT pg_sleep(0.05)) s, t WHERE service = {{svc}}"), null);
    const results = await Promise.all(Array.from({ length: 12 }, () => adapter.execute(q, { svc: 'api' }, endpoints['wh-a']!, signal())));
    assert.deepEqual(results, Array.from({ length: 12 }, () => ({ ok: true, hits: 10 })));
    const sessions = Number((await pg.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'incidentbench'"))[0]![0]);
    assert.ok(sessions <= 8, `at most 4 sessions in each of the two warehouse pools, saw ${sessions}`);
  });
});
