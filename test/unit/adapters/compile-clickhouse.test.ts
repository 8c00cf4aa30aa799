import assert from 'node:assert/strict';
import { bindSql } from '../../../src/adapters/bind.js';
import {
  clickhouseStringLiteral, clickhouseTableName, compileClickHouse, isoMillis, likePattern, percentFraction, quoteIdent,
  quoteTableName, timestampMsColumn, type ClickHouseDialect,
} from '../../../src/adapters/clickhouse/compile.js';
import type { CompiledQuery, SqlPart, StreamContext } from '../../../src/adapters/types.js';
import { TargetError } from '../../../src/core/errors.js';
import { loadScenarioFile } from '../../../src/scenario/load-scenario.js';
import type { ResolvedQuery } from '../../../src/scenario/resolved.js';
import { resolveScenario } from '../../../src/scenario/resolve.js';
import type { FieldDef } from '../../../src/scenario/schema.js';

// ---- fixtures -------------------------------------------------------------------------------------

const scenario = resolveScenario(loadScenarioFile('scenarios/sre-outage.yaml').doc, { baseDir: 'scenarios' });
const sre = scenario.streams[0]!;
const EXTRA: FieldDef[] = [
  { name: 'cpu', type: 'float', generator: 'range' }, { name: 'client_ip', type: 'ip', generator: 'ip' },
  { name: 'cached', type: 'boolean', generator: 'enum' },
];
/** The flagship's stream exactly as the scenario file defines it. */
const SRE_STREAM: StreamContext = { name: sre.name, index: sre.index, timestampField: sre.timestampField,
  fields: sre.fields, topic: 'events', partitions: 1 };
const STREAM: StreamContext = { name: sre.name, index: sre.index, timestampField: sre.timestampField,
  fields: [...sre.fields, ...EXTRA], topic: 'events', partitions: 1 };
const TABLE = clickhouseTableName(sre.index);

function sreQuery(name: string): ResolvedQuery {
  const q = scenario.queries.find((x) => x.name === name);
  if (!q) assert.fail(`sre-outage.yaml has no query ${name}`);
  return q;
}

function query(over: Partial<ResolvedQuery>): ResolvedQuery {
  return { name: 'q', type: 'search', weight: 1, category: null, template: '*', sort: null, limit: null, timeRange: null,
    timeoutMs: 10000, variables: {}, sql: null, sqlFile: null, dsl: null, index: null, stream: STREAM.name,
    description: '', ...over };
}

function compile(q: ResolvedQuery, dialect: ClickHouseDialect = 'v18'): CompiledQuery {
  return compileClickHouse(q, STREAM, { table: TABLE, dialect });
}

function partsOf(c: CompiledQuery): SqlPart[] {
  assert.equal(c.compiled.language, 'sql');
  return c.compiled.language === 'sql' ? c.compiled.parts : [];
}

/** The SQL text of a compiled query without variables. */
function sqlOf(c: CompiledQuery): string {
  const parts = partsOf(c);
  assert.ok(parts.every((p) => 'text' in p), 'expected no variable slots');
  return parts.map((p) => ('text' in p ? p.text : '')).join('');
}

const search = (template: string, over: Partial<ResolvedQuery> = {}, dialect: ClickHouseDialect = 'v18') =>
  sqlOf(compile(query({ template, ...over }), dialect));
/** The WHERE condition of a search (between WHERE and ORDER BY). */
const where = (template: string, over: Partial<ResolvedQuery> = {}) => {
  const sql = search(template, over);
  return sql.slice(sql.indexOf(' WHERE ') + 7, sql.indexOf(' ORDER BY '));
};
const aggregation = (template: string, over: Partial<ResolvedQuery> = {}, dialect: ClickHouseDialect = 'v18') =>
  sqlOf(compile(query({ type: 'aggregation', template, ...over }), dialect));

/**
 * Splits SQL into its structure (each string literal replaced by `?`) and the decoded literals, reading ClickHouse's
 * escapes. Two queries with the same skeleton have the same structure whatever their values.
 */
function skeleton(sql: string): { skeleton: string; literals: string[]; quotes: number } {
  let out = '';
  const literals: string[] = [];
  let quotes = 0;
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', b: '\b', f: '\f', '\\': '\\', "'": "'" };
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] !== "'") {
      out += sql[i];
      continue;
    }
    quotes += 2;
    let value = '';
    for (i += 1; i < sql.length && sql[i] !== "'"; i++) {
      if (sql[i] === '\\') {
        const e = sql[i + 1]!;
        if (e === 'x') {
          value += String.fromCharCode(parseInt(sql.slice(i + 2, i + 4), 16));
          i += 3;
        } else {
          value += escapes[e] ?? e;
          i += 1;
        }
      } else value += sql[i];
    }
    assert.ok(i < sql.length, `unterminated literal in ${sql}`);
    literals.push(value);
    out += '?';
  }
  return { skeleton: out, literals, quotes };
}

const HOSTILE = [
  "'; DROP TABLE x; --",
  'back\\slash\\',
  "quote ' and \\' escaped",
  '50%_off',
  'line\nbreak\r\ttab\0nul\x07bell\x7f',
  'ünïcødé ✓ 𝄞 中文',
  '*/ /* -- #',
];

// ---- tests ------------------------------------------------------------------------------------------

describe('ClickHouse compiler (SPEC §7.2, §8.2)', () => {
  describe('names', () => {
    it('derives the table name from the index name, "-" and "." becoming "_"', () => {
      assert.equal(clickhouseTableName('incidentbench-sre-outage'), 'incidentbench_sre_outage');
      assert.equal(clickhouseTableName('ib.app-logs.v2'), 'ib_app_logs_v2');
    });

    it('names the millisecond column after the timestamp field', () => {
      assert.equal(timestampMsColumn('@timestamp'), '@timestamp_ms');
      assert.equal(timestampMsColumn('ts'), 'ts_ms');
    });

    it('quotes identifiers with backticks, dotted names staying one flat column', () => {
      assert.equal(quoteIdent('kubernetes.pod_name'), '`kubernetes.pod_name`');
      assert.equal(quoteIdent('@timestamp'), '`@timestamp`');
    });

    it('escapes backticks, backslashes and control characters inside identifiers', () => {
      assert.equal(quoteIdent('a`b\\c\nd'), '`a\\`b\\\\c\\nd`');
    });

    it('quotes db.table as database and table, anything else as one identifier', () => {
      assert.equal(quoteTableName('logs.app'), '`logs`.`app`');
      assert.equal(quoteTableName('incidentbench_sre_outage'), '`incidentbench_sre_outage`');
      assert.equal(quoteTableName('a.b.c'), '`a.b.c`');
      assert.equal(quoteTableName('x`; DROP'), '`x\\`; DROP`');
    });
  });

  describe('string literals', () => {
    it('escapes quotes, backslashes and control characters and keeps unicode', () => {
      assert.equal(clickhouseStringLiteral("it's"), "'it\\'s'");
      assert.equal(clickhouseStringLiteral('a\\b'), "'a\\\\b'");
      assert.equal(clickhouseStringLiteral('l1\nl2\r\t\0'), "'l1\\nl2\\r\\t\\0'");
      assert.equal(clickhouseStringLiteral('\x01\x1f\x7f'), "'\\x01\\x1f\\x7f'");
      assert.equal(clickhouseStringLiteral('ü✓𝄞'), "'ü✓𝄞'");
    });

    for (const value of HOSTILE) {
      it(`keeps ${JSON.stringify(value)} inside one literal that decodes to it`, () => {
        const lit = clickhouseStringLiteral(value);
        const s = skeleton(`x = ${lit} AND 1`);
        assert.equal(s.skeleton, 'x = ? AND 1');
        assert.deepEqual(s.literals, [value]);
        assert.ok(!lit.includes('\n'), 'a newline would end a -- comment');
      });
    }
  });

  describe('the SRE-outage queries', () => {
    const T = '`incidentbench_sre_outage`';
    const expected: Record<string, Record<ClickHouseDialect, string>> = {
      error_search: {
        v18: `SELECT * FROM ${T} WHERE \`level\` = 'ERROR' AND \`service\` = 'payment-service' ORDER BY \`@timestamp_ms\` DESC LIMIT 10 FORMAT JSON`,
        current: `SELECT * FROM ${T} WHERE \`level\` = 'ERROR' AND \`service\` = 'payment-service' ORDER BY \`@timestamp_ms\` DESC LIMIT 10 SETTINGS exact_rows_before_limit = 1 FORMAT JSON`,
      },
      recent_errors: {
        v18: `SELECT * FROM ${T} WHERE \`level\` = 'ERROR' ORDER BY \`@timestamp_ms\` DESC LIMIT 100 FORMAT JSON`,
        current: `SELECT * FROM ${T} WHERE \`level\` = 'ERROR' ORDER BY \`@timestamp_ms\` DESC LIMIT 100 SETTINGS exact_rows_before_limit = 1 FORMAT JSON`,
      },
      error_code_agg: {
        v18: `SELECT \`error_code\`, count() AS \`doc_count\` FROM ${T} WHERE \`level\` = 'ERROR' GROUP BY \`error_code\` WITH TOTALS HAVING isNotNull(\`error_code\`) ORDER BY \`doc_count\` DESC, \`error_code\` ASC LIMIT 10 SETTINGS totals_mode = 'before_having' FORMAT JSON`,
        current: `SELECT \`error_code\`, count() AS \`doc_count\` FROM ${T} WHERE \`level\` = 'ERROR' GROUP BY \`error_code\` WITH TOTALS HAVING isNotNull(\`error_code\`) ORDER BY \`doc_count\` DESC, \`error_code\` ASC LIMIT 10 SETTINGS totals_mode = 'before_having' FORMAT JSON`,
      },
      service_error_rate: {
        v18: `SELECT \`service\`, \`level\`, count() AS \`doc_count\` FROM ${T} WHERE 1 GROUP BY \`service\`, \`level\` WITH TOTALS HAVING isNotNull(\`service\`) AND isNotNull(\`level\`) AND \`service\` IN (SELECT \`service\` FROM ${T} WHERE 1 GROUP BY \`service\` HAVING isNotNull(\`service\`) ORDER BY count() DESC, \`service\` ASC LIMIT 10) ORDER BY \`service\` ASC, \`doc_count\` DESC, \`level\` ASC LIMIT 10 BY \`service\` SETTINGS totals_mode = 'before_having' FORMAT JSON`,
        current: `SELECT \`service\`, \`level\`, count() AS \`doc_count\` FROM ${T} WHERE 1 GROUP BY \`service\`, \`level\` WITH TOTALS HAVING isNotNull(\`service\`) AND isNotNull(\`level\`) AND \`service\` IN (SELECT \`service\` FROM ${T} WHERE 1 GROUP BY \`service\` HAVING isNotNull(\`service\`) ORDER BY count() DESC, \`service\` ASC LIMIT 10) ORDER BY \`service\` ASC, \`doc_count\` DESC, \`level\` ASC LIMIT 10 BY \`service\` SETTINGS totals_mode = 'before_having' FORMAT JSON`,
      },
      status_code_timeline: {
        v18: `SELECT toDateTime(intDiv(toUInt32(\`@timestamp\`), 60) * 60) AS \`@timestamp_bucket\`, \`http_status\`, count() AS \`doc_count\` FROM ${T} WHERE \`service\` = 'payment-service' GROUP BY \`@timestamp_bucket\`, \`http_status\` WITH TOTALS HAVING isNotNull(\`http_status\`) ORDER BY \`@timestamp_bucket\` ASC, \`doc_count\` DESC, \`http_status\` ASC LIMIT 10 BY \`@timestamp_bucket\` SETTINGS totals_mode = 'before_having' FORMAT JSON`,
        current: `SELECT toStartOfMinute(\`@timestamp\`) AS \`@timestamp_bucket\`, \`http_status\`, count() AS \`doc_count\` FROM ${T} WHERE \`service\` = 'payment-service' GROUP BY \`@timestamp_bucket\`, \`http_status\` WITH TOTALS HAVING isNotNull(\`http_status\`) ORDER BY \`@timestamp_bucket\` ASC, \`doc_count\` DESC, \`http_status\` ASC LIMIT 10 BY \`@timestamp_bucket\` SETTINGS totals_mode = 'before_having' FORMAT JSON`,
      },
      slow_requests: {
        v18: `SELECT * FROM ${T} WHERE \`response_time_ms\` > 5000 AND \`service\` = 'payment-service' ORDER BY \`@timestamp_ms\` DESC LIMIT 10 FORMAT JSON`,
        current: `SELECT * FROM ${T} WHERE \`response_time_ms\` > 5000 AND \`service\` = 'payment-service' ORDER BY \`@timestamp_ms\` DESC LIMIT 10 SETTINGS exact_rows_before_limit = 1 FORMAT JSON`,
      },
      wildcard_message: {
        v18: `SELECT * FROM ${T} WHERE positionCaseInsensitiveUTF8(\`message\`, 'NullPointerException') > 0 ORDER BY \`@timestamp_ms\` DESC LIMIT 10 FORMAT JSON`,
        current: `SELECT * FROM ${T} WHERE positionCaseInsensitiveUTF8(\`message\`, 'NullPointerException') > 0 ORDER BY \`@timestamp_ms\` DESC LIMIT 10 SETTINGS exact_rows_before_limit = 1 FORMAT JSON`,
      },
    };

    it('covers every query of the scenario file', () => {
      assert.deepEqual(scenario.queries.map((q) => q.name).sort(), [...Object.keys(expected), 'trace_lookup'].sort());
    });

    for (const [name, byDialect] of Object.entries(expected)) {
      for (const dialect of ['v18', 'current'] as const) {
        it(`compiles ${name} for ${dialect}`, () => {
          const c = compileClickHouse(sreQuery(name), SRE_STREAM, { table: TABLE, dialect });
          assert.equal(sqlOf(c), byDialect[dialect]);
          assert.equal(c.kind, sreQuery(name).type);
          assert.equal(c.index, TABLE);
          assert.deepEqual(c.variables, []);
        });
      }
    }

    for (const dialect of ['v18', 'current'] as const) {
      it(`compiles trace_lookup for ${dialect} with a string slot for {{random_trace_id}}`, () => {
        const c = compileClickHouse(sreQuery('trace_lookup'), SRE_STREAM, { table: TABLE, dialect });
        const settings = dialect === 'current' ? ' SETTINGS exact_rows_before_limit = 1' : '';
        assert.deepEqual(partsOf(c), [
          { text: `SELECT * FROM ${T} WHERE \`trace_id\` = ` },
          { variable: 'random_trace_id', as: 'string' },
          { text: ` ORDER BY \`@timestamp_ms\` DESC LIMIT 10${settings} FORMAT JSON` },
        ]);
        assert.deepEqual(c.variables, ['random_trace_id']);
        assert.equal(c.timeoutMs, 10000);
        assert.equal(c.stream, STREAM.name);
      });
    }

    it('binds a hostile trace id into one literal without changing the query structure', () => {
      const parts = partsOf(compile(sreQuery('trace_lookup')));
      const benign = skeleton(bindSql(parts, { random_trace_id: 'abc' }, clickhouseStringLiteral));
      for (const value of HOSTILE) {
        const sql = bindSql(parts, { random_trace_id: value }, clickhouseStringLiteral);
        const s = skeleton(sql);
        assert.equal(s.skeleton, benign.skeleton);
        assert.deepEqual(s.literals, [value]);
        assert.equal(s.quotes % 2, 0);
      }
      assert.equal(bindSql(parts, { random_trace_id: "'; DROP TABLE x; --" }, clickhouseStringLiteral),
        "SELECT * FROM `incidentbench_sre_outage` WHERE `trace_id` = '\\'; DROP TABLE x; --' ORDER BY `@timestamp_ms` DESC LIMIT 10 FORMAT JSON");
    });
  });

  describe('conditions', () => {
    it('matches a keyword exactly with =', () => {
      assert.equal(where('level:ERROR'), "`level` = 'ERROR'");
      assert.equal(where('service:"payment service"'), "`service` = 'payment service'");
    });

    it('matches text as a case-insensitive substring of the word or phrase', () => {
      assert.equal(where('message:timeout'), "positionCaseInsensitiveUTF8(`message`, 'timeout') > 0");
      assert.equal(where('message:"connection refused"'), "positionCaseInsensitiveUTF8(`message`, 'connection refused') > 0");
    });

    it('compares numbers as numbers, keeping long integers digit for digit', () => {
      assert.equal(where('http_status:500'), '`http_status` = 500');
      assert.equal(where('duration_ns:9007199254740993'), '`duration_ns` = 9007199254740993');
      assert.equal(where('cpu:2.50'), '`cpu` = 2.5');
      assert.equal(where('cpu:-0.5'), '`cpu` = -0.5');
    });

    it('compiles >, >=, <, <= to comparisons', () => {
      assert.equal(where('response_time_ms:>5000'), '`response_time_ms` > 5000');
      assert.equal(where('response_time_ms:>=5000'), '`response_time_ms` >= 5000');
      assert.equal(where('cpu:<0.25'), '`cpu` < 0.25');
      assert.equal(where('cpu:<=1'), '`cpu` <= 1');
    });

    it('compiles [a TO b] to an inclusive range, an open end dropping its side', () => {
      assert.equal(where('http_status:[400 TO 499]'), '(`http_status` >= 400 AND `http_status` <= 499)');
      assert.equal(where('http_status:[400 TO *]'), '`http_status` >= 400');
      assert.equal(where('http_status:[* TO 499]'), '`http_status` <= 499');
      assert.equal(where('http_status:[* TO *]'), 'isNotNull(`http_status`)');
    });

    it('compares timestamps on the millisecond column, dates without an offset read as UTC', () => {
      assert.equal(where('@timestamp:[2024-01-01T00:00:00 TO 2024-01-01T00:00:00.500Z]'),
        '(`@timestamp_ms` >= 1704067200000 AND `@timestamp_ms` <= 1704067200500)');
      assert.equal(where('@timestamp:[2024-01-01 TO *]'), '`@timestamp_ms` >= 1704067200000');
      assert.equal(where('@timestamp:[2024-01-01T01:00:00+01:00 TO *]'), '`@timestamp_ms` >= 1704067200000');
      assert.equal(where('@timestamp:>1704067200000'), '`@timestamp_ms` > 1704067200000');
    });

    it('compiles booleans to 1 and 0', () => {
      assert.equal(where('cached:true'), '`cached` = 1');
      assert.equal(where('cached:false'), '`cached` = 0');
    });

    it('compares an ip as text, and a CIDR block as a numeric range', () => {
      assert.equal(where('client_ip:10.1.2.3'), "`client_ip` = '10.1.2.3'");
      assert.equal(where('client_ip:10.0.0.0/8'), 'IPv4StringToNum(`client_ip`) BETWEEN 167772160 AND 184549375');
      assert.equal(where('client_ip:192.168.1.77/32'), 'IPv4StringToNum(`client_ip`) BETWEEN 3232235853 AND 3232235853');
      assert.equal(where('client_ip:"2001:db8::/32"'),
        "hex(IPv6StringToNum(`client_ip`)) BETWEEN '20010DB8000000000000000000000000' AND '20010DB8FFFFFFFFFFFFFFFFFFFFFFFF'");
      assert.equal(where('client_ip:"::ffff:10.0.0.0/120"'),
        "hex(IPv6StringToNum(`client_ip`)) BETWEEN '00000000000000000000FFFF0A000000' AND '00000000000000000000FFFF0A0000FF'");
      assert.equal(where('client_ip:"2001:db8::1"'), "IPv6StringToNum(`client_ip`) = IPv6StringToNum('2001:db8::1')");
    });

    it('compiles wildcards to LIKE: * → %, ? → _, literal %, _ and \\ escaped; case-insensitive on keywords too', () => {
      assert.equal(likePattern('a*b?c%d_e\\f'), 'a%b_c\\%d\\_e\\\\f');
      assert.equal(where('service:payment*'), "lowerUTF8(`service`) LIKE lowerUTF8('payment%')");
      assert.equal(where('service:50%_off?*'), "lowerUTF8(`service`) LIKE lowerUTF8('50\\\\%\\\\_off_%')");
      assert.equal(where('service:*'), "lowerUTF8(`service`) LIKE lowerUTF8('%')");
    });

    it('compiles wildcards on text case-insensitively, *word* as a substring search', () => {
      assert.equal(where('message:*NullPointer*'), "positionCaseInsensitiveUTF8(`message`, 'NullPointer') > 0");
      assert.equal(where('message:Null*line?1*'), "lowerUTF8(`message`) LIKE lowerUTF8('Null%line_1%')");
    });

    it('joins AND and OR, parenthesising nested groups', () => {
      assert.equal(where('level:ERROR OR level:WARN'), "`level` = 'ERROR' OR `level` = 'WARN'");
      assert.equal(where('(level:ERROR OR level:WARN) AND (service:a OR service:b) http_status:500'),
        "(`level` = 'ERROR' OR `level` = 'WARN') AND (`service` = 'a' OR `service` = 'b') AND `http_status` = 500");
      assert.equal(where('level:ERROR OR (service:a AND http_status:500)'),
        "`level` = 'ERROR' OR (`service` = 'a' AND `http_status` = 500)");
    });

    it('negates with NOT ifNull(…, 0), so rows without the field match a NOT', () => {
      assert.equal(where('NOT error_code:TIMEOUT'), "NOT ifNull(`error_code` = 'TIMEOUT', 0)");
      assert.equal(where('level:ERROR AND NOT (service:a OR service:b)'),
        "`level` = 'ERROR' AND NOT ifNull(`service` = 'a' OR `service` = 'b', 0)");
    });

    it('compiles * to 1', () => {
      assert.equal(where('*'), '1');
    });

    it('adds time_range as a condition on the DateTime column, parenthesising an OR', () => {
      assert.equal(where('*', { timeRange: '15m' }), '`@timestamp` >= now() - INTERVAL 15 MINUTE');
      assert.equal(where('level:ERROR OR level:WARN', { timeRange: '30s' }),
        "(`level` = 'ERROR' OR `level` = 'WARN') AND `@timestamp` >= now() - INTERVAL 30 SECOND");
      assert.equal(where('level:ERROR', { timeRange: '2h' }), "`level` = 'ERROR' AND `@timestamp` >= now() - INTERVAL 2 HOUR");
      assert.equal(where('level:ERROR', { timeRange: '7d' }), "`level` = 'ERROR' AND `@timestamp` >= now() - INTERVAL 7 DAY");
    });

    it('escapes hostile template values into one literal without changing the structure', () => {
      const benign = skeleton(search('service:"x" OR message:"x" OR service:x*'));
      for (const value of HOSTILE) {
        const phrase = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
        const s = skeleton(search(`service:"${phrase}" OR message:"${phrase}" OR service:x*`));
        assert.equal(s.skeleton, benign.skeleton, `structure changed for ${JSON.stringify(value)}`);
        assert.deepEqual(s.literals.slice(0, 2), [value, value]);
      }
      assert.equal(where(`service:"'; DROP TABLE x; --"`), "`service` = '\\'; DROP TABLE x; --'");
    });

    it('escapes a hostile wildcard pattern into one LIKE literal', () => {
      const s = skeleton(search("service:*'%_\\*"));
      assert.equal(s.skeleton, 'SELECT * FROM `incidentbench_sre_outage` WHERE lowerUTF8(`service`) LIKE lowerUTF8(?) ORDER BY `@timestamp_ms` DESC LIMIT 10 FORMAT JSON');
      assert.deepEqual(s.literals, ["%'\\%\\_\\\\%"]);
    });

    it('slots variables by field type: string on keyword/ip/text, number on numbers', () => {
      const c = compile(query({ template: 'trace_id:{{t}} OR http_status:{{n}} OR message:{{t}} OR client_ip:{{ip}} OR cached:{{b}} OR @timestamp:{{ts}}' }));
      assert.deepEqual(partsOf(c).slice(0, -1), [
        { text: 'SELECT * FROM `incidentbench_sre_outage` WHERE `trace_id` = ' }, { variable: 't', as: 'string' },
        { text: ' OR `http_status` = ' }, { variable: 'n', as: 'number' },
        { text: ' OR positionCaseInsensitiveUTF8(`message`, ' }, { variable: 't', as: 'string' },
        { text: ') > 0 OR `client_ip` = ' }, { variable: 'ip', as: 'string' },
        { text: ' OR `cached` = (' }, { variable: 'b', as: 'string' },
        { text: " = 'true') OR `@timestamp` = parseDateTimeBestEffort(" }, { variable: 'ts', as: 'string' },
      ]);
      assert.deepEqual(c.variables, ['t', 'n', 'ip', 'b', 'ts']);
    });
  });

  describe('searches', () => {
    it('uses LIMIT 10 without a limit, and the given limit otherwise', () => {
      assert.match(search('level:ERROR'), / LIMIT 10 FORMAT JSON$/);
      assert.match(search('level:ERROR', { limit: 250 }), / LIMIT 250 FORMAT JSON$/);
    });

    it('orders by the sort field, the timestamp on its millisecond column, and newest first by default', () => {
      assert.match(search('*', { sort: { field: 'http_status', order: 'asc' } }), / ORDER BY `http_status` ASC LIMIT/);
      assert.match(search('*', { sort: { field: '@timestamp', order: 'asc' } }), / ORDER BY `@timestamp_ms` ASC LIMIT/);
      assert.match(search('*'), / ORDER BY `@timestamp_ms` DESC LIMIT/);
    });

    it('uses the millisecond column named in the options', () => {
      const c = compileClickHouse(query({ template: '@timestamp:>5' }), STREAM, { table: 't', dialect: 'v18', timestampMsColumn: 'ts_millis' });
      assert.equal(sqlOf(c), 'SELECT * FROM `t` WHERE `ts_millis` > 5 ORDER BY `ts_millis` DESC LIMIT 10 FORMAT JSON');
    });
  });

  describe('aggregations', () => {
    it('computes avg/min/max/sum beside doc_count in the innermost bucket', () => {
      for (const fn of ['avg', 'min', 'max', 'sum']) {
        assert.equal(aggregation(`aggregate: terms(service, size=5) > ${fn}(response_time_ms)`),
          `SELECT \`service\`, count() AS \`doc_count\`, ${fn}(\`response_time_ms\`) AS \`value\` FROM \`incidentbench_sre_outage\` WHERE 1 GROUP BY \`service\` WITH TOTALS HAVING isNotNull(\`service\`) ORDER BY \`doc_count\` DESC, \`service\` ASC LIMIT 5 SETTINGS totals_mode = 'before_having' FORMAT JSON`);
      }
    });

    it('computes percentile p as quantile(p/100), written exactly', () => {
      assert.match(aggregation('aggregate: terms(service) > percentile(response_time_ms, 99)'), /, quantile\(0\.99\)\(`response_time_ms`\) AS `value` FROM/);
      assert.equal(percentFraction(99.9), '0.999');
      assert.equal(percentFraction(50), '0.5');
      assert.equal(percentFraction(100), '1');
      assert.equal(percentFraction(0.1), '0.001');
      assert.equal(percentFraction(1e-7), '0.000000001');
    });

    it('buckets by date_histogram alone without HAVING or LIMIT, in time order', () => {
      assert.equal(aggregation('filter: level:ERROR\naggregate: date_histogram(@timestamp, interval=30s)'),
        "SELECT toDateTime(intDiv(toUInt32(`@timestamp`), 30) * 30) AS `@timestamp_bucket`, count() AS `doc_count` FROM `incidentbench_sre_outage` WHERE `level` = 'ERROR' GROUP BY `@timestamp_bucket` WITH TOTALS ORDER BY `@timestamp_bucket` ASC FORMAT JSON");
    });

    it('uses toStartOfInterval on current releases and integer division on 18.16', () => {
      const bucket = (interval: string, dialect: ClickHouseDialect) => {
        const sql = aggregation(`aggregate: date_histogram(@timestamp, interval=${interval})`, {}, dialect);
        return sql.slice('SELECT '.length, sql.indexOf(' AS '));
      };
      assert.equal(bucket('1m', 'current'), 'toStartOfMinute(`@timestamp`)');
      assert.equal(bucket('5m', 'current'), 'toStartOfInterval(`@timestamp`, INTERVAL 5 MINUTE)');
      assert.equal(bucket('30s', 'current'), 'toStartOfInterval(`@timestamp`, INTERVAL 30 SECOND)');
      assert.equal(bucket('1h', 'current'), 'toStartOfInterval(`@timestamp`, INTERVAL 1 HOUR)');
      assert.equal(bucket('5m', 'v18'), 'toDateTime(intDiv(toUInt32(`@timestamp`), 300) * 300)');
      assert.equal(bucket('1h', 'v18'), 'toDateTime(intDiv(toUInt32(`@timestamp`), 3600) * 3600)');
    });

    it('keeps the top keys of an outer terms at every depth, and LIMIT BY all outer keys for the innermost', () => {
      assert.equal(aggregation('aggregate: terms(level) > date_histogram(@timestamp, interval=1h) > terms(service, size=2) > max(cpu)', { timeRange: '1h' }),
        'SELECT `level`, toDateTime(intDiv(toUInt32(`@timestamp`), 3600) * 3600) AS `@timestamp_bucket`, `service`, count() AS `doc_count`, max(`cpu`) AS `value`'
        + ' FROM `incidentbench_sre_outage` WHERE `@timestamp` >= now() - INTERVAL 1 HOUR GROUP BY `level`, `@timestamp_bucket`, `service` WITH TOTALS'
        + ' HAVING isNotNull(`level`) AND isNotNull(`service`) AND `level` IN (SELECT `level` FROM `incidentbench_sre_outage` WHERE `@timestamp` >= now() - INTERVAL 1 HOUR'
        + ' GROUP BY `level` HAVING isNotNull(`level`) ORDER BY count() DESC, `level` ASC LIMIT 10)'
        + " ORDER BY `level` ASC, `@timestamp_bucket` ASC, `doc_count` DESC, `service` ASC LIMIT 2 BY `level`, `@timestamp_bucket` SETTINGS totals_mode = 'before_having' FORMAT JSON");
    });

    it('restricts a second-level outer terms per key of the first with a tuple IN', () => {
      const sql = aggregation('aggregate: terms(service, size=3) > terms(level, size=2) > terms(http_status, size=1)');
      assert.ok(sql.includes(' AND (`service`, `level`) IN (SELECT `service`, `level` FROM `incidentbench_sre_outage` WHERE 1 GROUP BY `service`, `level`'
        + ' HAVING isNotNull(`service`) AND isNotNull(`level`) ORDER BY `service` ASC, count() DESC, `level` ASC LIMIT 2 BY `service`)'), sql);
      assert.ok(sql.includes(' AND `service` IN (SELECT `service` FROM `incidentbench_sre_outage` WHERE 1 GROUP BY `service` HAVING isNotNull(`service`) ORDER BY count() DESC, `service` ASC LIMIT 3)'), sql);
      assert.ok(sql.endsWith('LIMIT 1 BY `service`, `level` SETTINGS totals_mode = \'before_having\' FORMAT JSON'), sql);
    });

    it('chooses aliases that no schema field uses (ClickHouse resolves aliases in WHERE)', () => {
      const withDocCount = [...STREAM.fields, { name: 'doc_count', type: 'int' as const, generator: 'range' as const }];
      const a = compileClickHouse(query({ type: 'aggregation', template: 'filter: doc_count:>1\naggregate: terms(level)' }),
        { ...STREAM, fields: withDocCount }, { table: 't', dialect: 'v18' });
      assert.match(sqlOf(a), /count\(\) AS `doc_count_` FROM `t` WHERE `doc_count` > 1 /);
      const fields = [...STREAM.fields, { name: 'value', type: 'int' as const, generator: 'range' as const },
        { name: '@timestamp_bucket', type: 'keyword' as const, generator: 'enum' as const }];
      const c = compileClickHouse(query({ type: 'aggregation', template: 'aggregate: date_histogram(@timestamp, interval=1m) > avg(value)' }),
        { ...STREAM, fields }, { table: 't', dialect: 'v18' });
      assert.match(sqlOf(c), /AS `@timestamp_bucket_`, count\(\) AS `doc_count`, avg\(`value`\) AS `value_` FROM/);
    });
  });

  describe('native SQL', () => {
    const native = (sql: string) => partsOf(compileClickHouse(query({ type: 'sql', template: null, sql }), null, { table: 't', dialect: 'v18' }));

    it('sends the text as written, each {{var}} a string slot', () => {
      assert.deepEqual(native('SELECT count() FROM logs WHERE trace_id = {{ id }} AND level = {{level}}'), [
        { text: 'SELECT count() FROM logs WHERE trace_id = ' }, { variable: 'id', as: 'string' },
        { text: ' AND level = ' }, { variable: 'level', as: 'string' },
      ]);
      const c = compileClickHouse(query({ type: 'sql', template: null, sql: 'SELECT {{a}}, {{b}}, {{a}}', index: 'logs', stream: null }), null, { table: 'logs', dialect: 'current' });
      assert.equal(c.kind, 'native');
      assert.deepEqual(c.variables, ['a', 'b']);
      assert.equal(c.index, 'logs');
    });

    it("replaces a quoted '{{var}}' by the slot, and splits a longer literal with concat()", () => {
      assert.deepEqual(native("WHERE a = '{{v}}' AND m LIKE '%{{v}}\\'s%'"), [
        { text: 'WHERE a = ' }, { variable: 'v', as: 'string' },
        { text: " AND m LIKE concat('%', " }, { variable: 'v', as: 'string' }, { text: ", '\\'s%')" },
      ]);
    });

    it('leaves placeholders in comments as text and refuses them in quoted identifiers', () => {
      assert.deepEqual(native('SELECT 1 -- {{a}}\n/* {{b}} */ , {{c}}'), [
        { text: 'SELECT 1 -- {{a}}\n/* {{b}} */ , ' }, { variable: 'c', as: 'string' },
      ]);
      assert.throws(() => native('SELECT `{{col}}` FROM t'), (e: TargetError) => e.errorClass === 'bad_query' && /quoted identifier/.test(e.message));
    });

    it('binds hostile values into literals that keep the statement intact', () => {
      const parts = native("SELECT * FROM t WHERE a = {{v}} AND b LIKE '%{{v}}%' -- c");
      for (const value of HOSTILE) {
        const s = skeleton(bindSql(parts, { v: value }, clickhouseStringLiteral));
        assert.equal(s.skeleton, 'SELECT * FROM t WHERE a = ? AND b LIKE concat(?, ?, ?) -- c');
        assert.deepEqual(s.literals, [value, '%', value, '%']);
      }
    });
  });

  describe('errors', () => {
    const errorOf = (fn: () => unknown): TargetError => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof TargetError);
        return e;
      }
      return assert.fail('expected a TargetError');
    };

    it('refuses a native dsl query, naming it', () => {
      const e = errorOf(() => compile(query({ name: 'by_dsl', type: 'dsl', template: null, dsl: { query: {} } })));
      assert.equal(e.errorClass, 'bad_query');
      assert.match(e.message, /"by_dsl" is a native dsl query/);
    });

    it('refuses a field the schema does not have', () => {
      assert.match(errorOf(() => search('nope:1')).message, /field "nope", which is not in the schema/);
    });

    it('refuses a template that does not parse', () => {
      assert.match(errorOf(() => search('level:(')).message, /does not parse/);
    });

    it('refuses a template query without a stream', () => {
      assert.match(errorOf(() => compileClickHouse(query({}), null, { table: 't', dialect: 'v18' })).message, /without a stream/);
    });

    it('parses ISO dates as UTC when no offset is written', () => {
      assert.equal(isoMillis('2024-01-01T00:00:00'), 1704067200000);
      assert.equal(isoMillis('2024-01-01'), 1704067200000);
      assert.equal(isoMillis('not a date'), null);
    });
  });
});
