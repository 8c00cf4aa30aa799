import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/core/errors.js';
import { Logger } from '../../../src/core/logger.js';
import { parseMach5Config } from '../../../src/adapters/mach5/config.js';
import { createMach5Adapter } from '../../../src/adapters/mach5/index.js';
import { ConfigProblems } from '../../../src/adapters/opensearch/config-reader.js';

const noFiles = (): string => { throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); };

function parse(raw: unknown, env: Record<string, string> = {}) {
  const sink = new ConfigProblems('mach5.yaml');
  const parsed = parseMach5Config(raw, sink, { env, readFile: noFiles });
  return {
    parsed,
    errors: sink.errors.map((p) => `${p.path}: ${p.message}`),
    warnings: sink.warnings.map((p) => `${p.path}: ${p.message}`),
  };
}

describe('Mach5 target config (SPEC §8.4 table)', () => {
  it('defaults: one warehouse incidentbench-wh (1 mediator, 2 OS), TLS verified, namespace and warehouses managed', () => {
    const { parsed, errors } = parse({ endpoint: 'https://mach5.example/', namespace: 'perf' });
    assert.deepEqual(errors, []);
    assert.deepEqual(parsed, {
      config: {
        url: 'https://mach5.example', namespace: 'perf',
        warehouses: [{ name: 'incidentbench-wh', numMediators: 1, numOs: 2, resource: {} }],
        tlsVerify: true, manageNamespace: true, manageWarehouses: true, queryEndpointTemplate: null,
        pg: { host: null, port: 5432, user: null, dbname: null, passwordEnv: null, warehouseOption: '-c warehouse={warehouse}' },
        auth: 'none',
      },
      authorization: null,
      pgPassword: null,
    });
  });

  it('accepts the reference\'s numMediators/numOs and its single warehouse object; fields default separately', () => {
    const single = parse({ url: 'http://m', namespace: 'perf', warehouse: { numOs: 6 } });
    assert.deepEqual(single.parsed?.config.warehouses, [{ name: 'incidentbench-wh', numMediators: 1, numOs: 6, resource: {} }]);
    const list = parse({ url: 'http://m', namespace: 'perf', warehouses: [{ name: 'a', numMediators: 3 }, { name: 'b', num_os: 4 }] });
    assert.deepEqual(list.parsed?.config.warehouses, [
      { name: 'a', numMediators: 3, numOs: 2, resource: {} },
      { name: 'b', numMediators: 1, numOs: 4, resource: {} },
    ]);
  });

  it('deduplicates warehouses by name, the first entry winning, with a warning', () => {
    const r = parse({ url: 'http://m', namespace: 'perf', warehouses: [{ name: 'a', num_os: 2 }, { name: 'a', num_os: 8 }] });
    assert.deepEqual(r.parsed?.config.warehouses.map((w) => [w.name, w.numOs]), [['a', 2]]);
    assert.deepEqual(r.warnings, ['warehouses[1].name: warehouse "a" is listed more than once; the first entry is used']);
  });

  it('reads token_env as a bearer token, and names the variable when it is unset', () => {
    assert.equal(parse({ url: 'http://m', namespace: 'perf', token_env: 'T' }, { T: 'abc' }).parsed?.authorization, 'Bearer abc');
    assert.deepEqual(parse({ url: 'http://m', namespace: 'perf', token_env: 'T' }).errors, [
      'token_env: environment variable "T" is not set; expected it to hold the Mach5 API token',
    ]);
  });

  it('reports every problem with its key', () => {
    assert.deepEqual(parse({
      url: 'http://m', namespace: 'my ns', warehouse: {}, warehouses: [], tls_verfy: false,
      pg_port: 70000, pg_password: 'hunter2', pg_password_env: 'PGPW', query_endpoint_template: '{endpoint}/{warehose}',
    }).errors, [
      'tls_verfy: unknown key "tls_verfy" (did you mean "tls_verify"?)',
      'namespace: "my ns" is not a usable name; expected letters, digits, "-", "_" or ".", starting with a letter or digit',
      'warehouse: both "warehouses" and the reference\'s single "warehouse" are given; expected only one of them',
      'query_endpoint_template: unknown placeholder "{warehose}" (did you mean "warehouse"?); expected one of "{endpoint}", "{namespace}", "{warehouse}", "{warehouse_id}"',
      'pg_password: a password written in the config would be copied into plans; expected pg_password_env naming an environment variable that holds it',
      'pg_port: expected a port number 1–65535, got 70000',
      'pg_password_env: environment variable "PGPW" is not set; expected it to hold the PostgreSQL-wire password',
    ]);
    assert.deepEqual(parse({ url: 'http://m', namespace: 'perf', warehouses: [{ name: 'w', numOs: 2, num_os: 3, size: 'L' }, 'x'] }).errors, [
      'warehouses[0].size: unknown key "size"; expected one of "name", "num_mediators", "numMediators", "num_os", "numOs", "resource"',
      'warehouses[0].numOs: both "num_os" and the reference\'s "numOs" are given; expected only one of them',
      'warehouses[1]: expected a warehouse mapping ({name, num_mediators, num_os, resource}), got "x"',
    ]);
  });

  it('createMach5Adapter throws one ConfigError for all problems and logs the warnings', () => {
    assert.throws(() => createMach5Adapter({ namespace: 'perf' }, { configFile: 'm.yaml', secrets: { env: {}, readFile: noFiles } }),
      (err: unknown) => err instanceof ConfigError
        && err.message === 'm.yaml: url: missing: expected the Mach5 base URL (REST under {url}/apis), e.g. url: http://mach5:8888');
    const lines: string[] = [];
    createMach5Adapter({ url: 'http://m', namespace: 'perf', warehouses: [{ name: 'a' }, { name: 'a' }] },
      { secrets: { env: {}, readFile: noFiles }, logger: new Logger({ json: true, sink: { write: (l: string) => lines.push(l) } }) });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /listed more than once/);
  });
});
