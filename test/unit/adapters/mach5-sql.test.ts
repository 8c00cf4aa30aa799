import assert from 'node:assert/strict';
import { bindSql } from '../../../src/adapters/bind.js';
import { compileClickHouse } from '../../../src/adapters/clickhouse/compile.js';
import { parseMach5Config, type Mach5Config } from '../../../src/adapters/mach5/config.js';
import { createMach5Adapter } from '../../../src/adapters/mach5/index.js';
import {
  Mach5SqlClient, postgresStringLiteral, sqlHits, warehouseForEndpoint, type SqlResultShape,
} from '../../../src/adapters/mach5/sql.js';
import {
  CLICKHOUSE_NATIVE_SQL, POSTGRES_NATIVE_SQL, nativeSqlParts, sqlVariables,
} from '../../../src/adapters/native-sql.js';
import type { CompiledQuery, SqlPart } from '../../../src/adapters/types.js';
import { ConfigError, TargetError } from '../../../src/core/errors.js';
import type { ResolvedQuery } from '../../../src/scenario/resolved.js';

const URL_ = 'http://mach5.test:8888';
const noSecrets = { env: {}, readFile: () => '' };

function sqlQuery(sql: string, name = 'q'): ResolvedQuery {
  return { name, type: 'sql', weight: 1, category: null, template: null, sort: null, limit: null, timeRange: null,
    timeoutMs: 5000, variables: {}, sql, sqlFile: null, dsl: null, index: null, stream: null, description: '' };
}

function config(extra: Record<string, unknown> = {}, env: Record<string, string> = {}): { config: Mach5Config; errors: string[] } {
  const errors: string[] = [];
  const parsed = parseMach5Config({ url: URL_, namespace: 'perf', ...extra },
    { error: (p, m) => errors.push(`${p.join('.')}: ${m}`), warn: () => {} }, { env, readFile: () => '' });
  return { config: parsed?.config as Mach5Config, errors };
}

const pgParts = (sql: string): SqlPart[] => nativeSqlParts(sql, POSTGRES_NATIVE_SQL, (what) => {
  throw new TargetError('bad_query', what);
});
const bindPg = (sql: string, vars: Record<string, string>) => bindSql(pgParts(sql), vars, postgresStringLiteral);

describe('Mach5 SQL: PostgreSQL string literals', () => {
  it('quotes a plain value and doubles single quotes', () => {
    assert.equal(postgresStringLiteral('api'), "'api'");
    assert.equal(postgresStringLiteral("'; DROP TABLE t; --"), "'''; DROP TABLE t; --'");
    assert.equal(postgresStringLiteral("O'Brien"), "'O''Brien'");
  });

  it('uses the E\'…\' form with backslashes doubled when the value holds a backslash (safe with either conforming-strings setting)', () => {
    assert.equal(postgresStringLiteral('a\\b'), " E'a\\\\b'");
    assert.equal(postgresStringLiteral("\\'; DROP TABLE t; --"), " E'\\\\''; DROP TABLE t; --'");
  });

  it('keeps newlines, unicode and comment markers inside the literal', () => {
    assert.equal(postgresStringLiteral('a\n-- b /* c */ ü'), "'a\n-- b /* c */ ü'");
  });

  it('refuses a NUL character as bad_variable (PostgreSQL text cannot carry it)', () => {
    assert.throws(() => postgresStringLiteral('a\0b'), (e: unknown) => e instanceof TargetError && e.errorClass === 'bad_variable');
  });
});

describe('Mach5 SQL: native text with {{var}} slots (PostgreSQL dialect)', () => {
  it('makes a bare placeholder one string slot and lists the variables in order of first use', () => {
    const parts = pgParts('SELECT count(*) FROM t WHERE service = {{svc}} AND host = {{ host }} OR service = {{svc}}');
    assert.deepEqual(parts, [
      { text: 'SELECT count(*) FROM t WHERE service = ' }, { variable: 'svc', as: 'string' }, { text: ' AND host = ' },
      { variable: 'host', as: 'string' }, { text: ' OR service = ' }, { variable: 'svc', as: 'string' },
    ]);
    assert.deepEqual(sqlVariables(parts), ['svc', 'host']);
  });

  it("turns '{{v}}' into the slot and 'a{{v}}b' into a || concatenation", () => {
    assert.equal(bindPg("SELECT 1 WHERE s = '{{v}}'", { v: 'x' }), "SELECT 1 WHERE s = 'x'");
    assert.equal(bindPg("SELECT 1 WHERE msg LIKE '%{{w}}%'", { w: "it's" }), "SELECT 1 WHERE msg LIKE ('%' || 'it''s' || '%')");
  });

  it('leaves placeholders in -- and /* */ comments as text, counting nested block comments', () => {
    const parts = pgParts('SELECT 1 /* a /* {{x}} */ still comment {{y}} */ -- {{z}}\nWHERE a = {{v}}');
    assert.deepEqual(sqlVariables(parts), ['v']);
  });

  it("reads standard strings without backslash escapes, so 'a\\' ends at its quote", () => {
    assert.equal(bindPg("SELECT 'a\\' , {{v}}", { v: 'x' }), "SELECT 'a\\' , 'x'");
  });

  it('refuses a placeholder inside a quoted identifier, an E-string or a dollar-quoted body', () => {
    for (const sql of ['SELECT "{{v}}" FROM t', "SELECT E'\\n{{v}}'", 'SELECT $q$ {{v}} $q$', 'SELECT $$ {{v}} $$']) {
      assert.throws(() => pgParts(sql), (e: unknown) => e instanceof TargetError && /inside the/.test(e.message), sql);
    }
  });

  it("skips E'…' strings with backslash escapes and dollar quotes without taking $1 or a$b$ for one", () => {
    assert.deepEqual(sqlVariables(pgParts("SELECT E'it\\'s', {{a}}")), ['a']);
    assert.deepEqual(sqlVariables(pgParts('SELECT $1, a$b$c, {{a}}')), ['a']);
    assert.deepEqual(sqlVariables(pgParts("SELECT $t$ it's $t$, {{a}}")), ['a']);
  });

  it('gives exactly the ClickHouse adapter\'s compiled parts with the ClickHouse dialect', () => {
    const texts = [
      'SELECT service, count() FROM t WHERE service = {{svc}} GROUP BY service',
      "SELECT 1 WHERE msg LIKE '%{{w}}%' AND x = 'it\\'s {{v}}' -- {{c}}\n AND `a{b}` = {{v}}",
      "SELECT /* {{c}} */ '{{v}}', 'plain'",
    ];
    for (const sql of texts) {
      const ch = compileClickHouse(sqlQuery(sql), null, { table: 't', dialect: 'current' });
      assert.equal(ch.compiled.language, 'sql');
      const parts = nativeSqlParts(sql, CLICKHOUSE_NATIVE_SQL, (what) => { throw new Error(what); });
      assert.deepEqual(parts, ch.compiled.language === 'sql' ? ch.compiled.parts : null, sql);
      assert.deepEqual(sqlVariables(parts), ch.variables);
    }
  });
});

describe('Mach5 SQL: the hits rule', () => {
  const res = (names: string[], rows: unknown[][], rowCount: number | null = rows.length): SqlResultShape =>
    ({ fields: names.map((name) => ({ name })), rows, rowCount });

  it('takes the value of a single-row single-column result named count (SELECT count(*), int8 as text)', () => {
    assert.equal(sqlHits([res(['count'], [['12345']])]), 12345);
    assert.equal(sqlHits([res(['HITS'], [[7]])]), 7);
  });

  it('counts rows for any other result, including a single numeric column not named count or hits', () => {
    assert.equal(sqlHits([res(['status'], [['500']])]), 1);
    assert.equal(sqlHits([res(['service', 'count'], [['api', '3'], ['db', '4']])]), 2);
    assert.equal(sqlHits([res(['count'], [['1'], ['2']])]), 2);
    assert.equal(sqlHits([res(['id'], [])]), 0);
  });

  it('counts the row when a count column holds no whole number', () => {
    assert.equal(sqlHits([res(['count'], [[null]])]), 1);
    assert.equal(sqlHits([res(['count'], [['1.5']])]), 1);
  });

  it('reads the last result set of several statements; a command alone gives its row count or null', () => {
    assert.equal(sqlHits([res(['count'], [['9']]), res([], [], null)]), 9);
    assert.equal(sqlHits([res([], [], 4)]), 4);
    assert.equal(sqlHits([res([], [], null)]), null);
  });
});

describe('Mach5 SQL: which warehouse serves a query endpoint', () => {
  const two = { warehouses: [{ name: 'wh-a' }, { name: 'wh-b' }] };

  it('uses the only warehouse whatever the endpoint', () => {
    assert.equal(warehouseForEndpoint(config().config, 'http://anything/else', new Map()), 'incidentbench-wh');
  });

  it('maps the proxy-path endpoint of each warehouse back to it', () => {
    const c = config(two).config;
    assert.equal(warehouseForEndpoint(c, `${URL_}/namespaces/perf/warehouses/wh-b/query`, new Map()), 'wh-b');
    assert.equal(warehouseForEndpoint(c, `${URL_}/namespaces/perf/warehouses/wh-a/query`, new Map()), 'wh-a');
    assert.equal(warehouseForEndpoint(c, `${URL_}/namespaces/other/warehouses/wh-a/query`, new Map()), null);
  });

  it('matches a {warehouse_id} template with any id, and prefers what prepare reported when the template cannot tell', () => {
    const c = config({ ...two, query_endpoint_template: 'http://{warehouse}-{warehouse_id}.mach5.local:9200' }).config;
    assert.equal(warehouseForEndpoint(c, 'http://wh-b-5f0c2b9e.mach5.local:9200', new Map()), 'wh-b');
    const anon = config({ ...two, query_endpoint_template: 'http://os-{warehouse_id}.mach5.local:9200' }).config;
    assert.equal(warehouseForEndpoint(anon, 'http://os-77.mach5.local:9200', new Map()), null);
    assert.equal(warehouseForEndpoint(anon, 'http://os-77.mach5.local:9200', new Map([['http://os-77.mach5.local:9200', 'wh-b']])), 'wh-b');
  });

  it('accepts a warehouse name given as the endpoint', () => {
    assert.equal(warehouseForEndpoint(config(two).config, 'wh-b', new Map()), 'wh-b');
  });
});

describe('Mach5 SQL: config and adapter checks', () => {
  it('reads pg_password_env at creation and keeps the password out of the (loggable) config', () => {
    const errors: string[] = [];
    const parsed = parseMach5Config({ url: URL_, namespace: 'perf', pg_host: 'pg', pg_password_env: 'PGPW' },
      { error: (p, m) => errors.push(`${p.join('.')}: ${m}`), warn: () => {} }, { env: { PGPW: 's3cret' }, readFile: () => '' });
    assert.deepEqual(errors, []);
    assert.equal(parsed?.pgPassword, 's3cret');
    assert.equal(JSON.stringify(parsed?.config).includes('s3cret'), false);
    assert.equal(parsed?.config.pg.passwordEnv, 'PGPW');
  });

  it('defaults pg_warehouse_option to the spec\'s -c warehouse={warehouse} and accepts another template', () => {
    assert.equal(config().config.pg.warehouseOption, '-c warehouse={warehouse}');
    assert.equal(config({ pg_warehouse_option: '-c mach5.warehouse={warehouse}' }).config.pg.warehouseOption,
      '-c mach5.warehouse={warehouse}');
  });

  it('refuses a pg_warehouse_option without {warehouse} or with another placeholder', () => {
    assert.deepEqual(config({ pg_warehouse_option: '-c warehouse=x' }).errors, [
      'pg_warehouse_option: "-c warehouse=x" does not name the warehouse; expected a PostgreSQL options string holding '
        + '{warehouse}, e.g. -c warehouse={warehouse}',
    ]);
    assert.deepEqual(config({ pg_warehouse_option: '-c warehouse={warehose}' }).errors, [
      'pg_warehouse_option: unknown placeholder "{warehose}" (did you mean "warehouse"?); expected {warehouse}',
    ]);
  });

  it('compiles a type: sql query only with pg_host, naming the key in a ConfigError otherwise', () => {
    const without = createMach5Adapter({ url: URL_, namespace: 'perf' }, { secrets: noSecrets, configFile: 'mach5.yaml' });
    assert.throws(() => without.compile(sqlQuery('SELECT 1', 'errors_by_service'), null), (e: unknown) =>
      e instanceof ConfigError && e.problems.length === 1 && e.problems[0]!.path === 'pg_host'
      && e.problems[0]!.file === 'mach5.yaml' && /"errors_by_service" is type: sql/.test(e.message));
    const withHost = createMach5Adapter({ url: URL_, namespace: 'perf', pg_host: 'pg' }, { secrets: noSecrets });
    const q = withHost.compile(sqlQuery('SELECT 1 WHERE a = {{v}}'), null);
    assert.deepEqual(q.variables, ['v']);
    assert.equal(q.kind, 'native');
  });

  it('answers a sql query compiled elsewhere as not_configured when pg_host is missing, without connecting', async () => {
    const client = new Mach5SqlClient(config().config, { maxInFlight: 1, password: null });
    const q: CompiledQuery = { name: 'q', kind: 'native', stream: null, index: null, timeoutMs: 1000, variables: [],
      compiled: { language: 'sql', parts: [{ text: 'SELECT 1' }] } };
    const r = await client.execute(q, {}, 'incidentbench-wh', new AbortController().signal);
    assert.equal(r.ok, false);
    assert.equal(r.errorClass, 'not_configured');
    assert.match(r.error ?? '', /expected pg_host/);
    await client.close();
  });

  it('answers unknown_warehouse for an endpoint no configured warehouse owns (several warehouses)', async () => {
    const adapter = createMach5Adapter({ url: URL_, namespace: 'perf', pg_host: '127.0.0.1', pg_port: 1,
      warehouses: [{ name: 'wh-a' }, { name: 'wh-b' }] }, { secrets: noSecrets });
    const q = adapter.compile(sqlQuery('SELECT 1'), null);
    const r = await adapter.execute(q, {}, 'http://elsewhere/query', new AbortController().signal);
    assert.equal(r.errorClass, 'unknown_warehouse');
    await adapter.close();
  });

  it('answers bad_variable for a missing variable before opening any session', async () => {
    const adapter = createMach5Adapter({ url: URL_, namespace: 'perf', pg_host: '127.0.0.1', pg_port: 1 }, { secrets: noSecrets });
    const q = adapter.compile(sqlQuery('SELECT 1 WHERE a = {{v}}'), null);
    const r = await adapter.execute(q, {}, 'x', new AbortController().signal);
    assert.equal(r.errorClass, 'bad_variable');
    await adapter.close();
  });
});
