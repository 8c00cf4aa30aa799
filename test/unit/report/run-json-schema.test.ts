import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RUN_JSON_SCHEMA_URL, runJsonSchema, validateRunJson } from '../../../src/report/run-json-schema.js';
import { TIMESERIES_COLUMNS } from '../../../src/report/run-json-types.js';
import { SCORECARD_KEYS } from '../../../src/scenario/metric-names.js';
import { sampleRunJson } from '../../support/sample-run-json.js';

type Json = Record<string, unknown>;

/** A deep copy of the sample as plain JSON, to break in one place. */
function sample(): Json {
  return JSON.parse(JSON.stringify(sampleRunJson())) as Json;
}

function at(doc: Json, ...path: (string | number)[]): Json {
  let node: unknown = doc;
  for (const seg of path) node = (node as Record<string | number, unknown>)[seg];
  return node as Json;
}

function onlyProblem(doc: unknown): string {
  const problems = validateRunJson(doc);
  assert.equal(problems.length, 1, `expected exactly one problem, got:\n${problems.join('\n')}`);
  return problems[0]!;
}

describe('run.json schema: validateRunJson (SPEC §13)', () => {
  it('loads the schema from docs/ at the package root, where package.json "files" ships it', () => {
    assert.ok(existsSync(fileURLToPath(RUN_JSON_SCHEMA_URL)), String(RUN_JSON_SCHEMA_URL));
    assert.match(fileURLToPath(RUN_JSON_SCHEMA_URL), /[/\\]docs[/\\]run-json\.schema\.json$/);
    assert.doesNotMatch(fileURLToPath(RUN_JSON_SCHEMA_URL), /[/\\]dist[/\\]/);
  });

  it('accepts the sample run.json, also the invalid-run and the slower-contender variants', () => {
    assert.deepEqual(validateRunJson(sampleRunJson()), []);
    assert.deepEqual(validateRunJson(sampleRunJson({ valid: false, latencyFactor: 2.5, hostileTitle: '<b>x</b>' })), []);
  });

  it('accepts a session-mode run (categories and session filled) and session null otherwise', () => {
    const doc = sampleRunJson({ session: true });
    assert.notEqual(doc.session, null);
    assert.deepEqual(validateRunJson(doc), []);
    assert.equal(sampleRunJson().session, null);
  });

  it('rejects a malformed session: wrong type, missing or unknown key, negative or fractional counts', () => {
    const session = (): Json => JSON.parse(JSON.stringify(sampleRunJson({ session: true }))) as Json;
    const notObject = session();
    notObject.session = 5;
    assert.equal(onlyProblem(notObject), '$.session: expected an object or null, got 5');
    const missing = session();
    delete at(missing, 'session').page_max_ms;
    assert.equal(onlyProblem(missing), '$.session.page_max_ms: required key is missing; expected a number or null');
    const misspelt = session();
    const phase = at(misspelt, 'session', 'phases', 'overlap');
    phase.usres = phase.users;
    delete phase.users;
    assert.match(onlyProblem(misspelt), /^\$\.session\.phases\.overlap\.usres: unknown key \(did you mean "users"\?\)/);
    const counts = session();
    at(counts, 'session').ticks = -1;
    at(counts, 'session', 'phases', 'baseline').users = 2.5;
    at(counts, 'session', 'phases', 'recovery').page_p99_ms = '180';
    assert.deepEqual(validateRunJson(counts).sort(), [
      '$.session.phases.baseline.users: expected a whole number, got 2.5',
      '$.session.phases.recovery.page_p99_ms: expected a number or null, got "180"',
      '$.session.ticks: must be ≥ 0, got -1',
    ]);
    const absent = session();
    delete absent.session;
    assert.equal(onlyProblem(absent), '$.session: required key is missing; expected an object or null');
  });

  it('accepts a query-only run: phases without ingest, no streams, nulls for every metric without a value', () => {
    const doc = sample();
    for (const p of doc.phases as Json[]) p.ingest = null;
    doc.streams = {};
    for (const k of Object.keys(doc.scorecard as Json)) (doc.scorecard as Json)[k] = null;
    at(doc, 'run').started_at = null;
    at(doc, 'run').ended_at = null;
    at(doc, 'phases', 0, 'query').p99_ms = null;
    at(doc, 'phases', 0, 'query').distribution = [];
    (at(doc, 'timeseries').points as unknown[][])[0]!.splice(2, 17, ...new Array<null>(17).fill(null));
    assert.deepEqual(validateRunJson(doc), []);
  });

  it('accepts unknown top-level keys (more keys may follow) but not unknown keys inside a fixed section', () => {
    const doc = sample();
    doc.future_section = { anything: 1 };
    assert.deepEqual(validateRunJson(doc), []);
    at(doc, 'run').valdi = true;
    assert.equal(onlyProblem(doc), '$.run.valdi: unknown key (did you mean "valid"?); expected only "name", "id", "started_at", '
      + '"ended_at", "valid", "comparable", "validity_violations", "warnings", "harness_saturated", "saturated_workers", "aborted", "exit_code"');
  });

  it('reports a misspelt key once, with the suggestion, not also as a missing key', () => {
    const doc = sample();
    const run = at(doc, 'run');
    run.valdi = run.valid;
    delete run.valid;
    const problems = validateRunJson(doc);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^\$\.run\.valdi: unknown key \(did you mean "valid"\?\)/);
  });

  it('names the path and the expected type of a missing required key, at the top level and deep inside', () => {
    const doc = sample();
    delete doc.scorecard;
    delete at(doc, 'phases', 2, 'query').p99_ms;
    const problems = validateRunJson(doc);
    assert.deepEqual(problems.sort(), [
      '$.phases[2].query.p99_ms: required key is missing; expected a number or null',
      '$.scorecard: required key is missing; expected an object',
    ]);
  });

  it('reports a wrong type with the path, the expected type and the value it got', () => {
    const doc = sample();
    at(doc, 'run').valid = 'yes';
    at(doc, 'phases', 3, 'query').p99_ms = '900';
    const problems = validateRunJson(doc);
    assert.deepEqual(problems, [
      '$.run.valid: expected true or false, got "yes"',
      '$.phases[3].query.p99_ms: expected a number or null, got "900"',
    ]);
  });

  it('reports a wrong type once, not also the keywords of the same node (minimum, enum)', () => {
    const doc = sample();
    at(doc, 'data_quality').late_snapshots = -1.5;
    at(doc, 'workers', 'ingest-0').role = 7;
    assert.deepEqual(validateRunJson(doc).sort(), [
      '$.data_quality.late_snapshots: expected a whole number, got -1.5',
      '$.workers["ingest-0"].role: expected a string, got 7',
    ]);
  });

  it('rejects a bad enum value of a status, a rule code, a warning code and a role, with a "did you mean"', () => {
    const doc = sample();
    at(doc, 'validity', 0).status = 'passed';
    at(doc, 'run', 'warnings', 0).code = 'late_snapshot';
    at(doc, 'phases', 1).role = 'incident';
    (at(doc, 'run').validity_violations as unknown[]).push({ rule: 'kafka_health', name: 'Kafka healthy', message: 'x' });
    const problems = validateRunJson(doc);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.ok(problems.includes('$.validity[0].status: "passed" is not allowed (did you mean "pass"?); '
      + 'expected one of "pass", "fail", "not_judged", "not_applicable"'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('$.run.warnings[0].code: "late_snapshot" is not allowed (did you mean "late_snapshots"?); expected one of "ingest_below_target"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('$.run.validity_violations[0].rule: "kafka_health" is not allowed (did you mean "kafka_healthy"?)')), problems.join('\n'));
    assert.ok(problems.includes('$.phases[1].role: "incident" is not allowed; expected one of "baseline", "overlap", "recovery", "warmup", null'), problems.join('\n'));
  });

  it('rejects an exit code that is not one of SPEC §14', () => {
    const doc = sample();
    at(doc, 'run').exit_code = 4;
    assert.equal(onlyProblem(doc), '$.run.exit_code: 4 is not allowed; expected one of 0, 1, 2, 3, 130');
  });

  it('says which schema_version it supports when given version 2 (or "1" as a string)', () => {
    const doc = sample();
    doc.schema_version = 2;
    assert.equal(onlyProblem(doc), '$.schema_version: schema_version 2 is not supported; this version of IncidentBench reads schema_version 1');
    doc.schema_version = '1';
    assert.equal(onlyProblem(doc), '$.schema_version: expected a whole number, got "1"');
  });

  it('quotes keys that are not simple names in the path (dotted metric names, worker ids)', () => {
    const doc = sample();
    at(doc, 'derived')['query.p99_ratio'] = 'high';
    assert.equal(onlyProblem(doc), '$.derived["query.p99_ratio"]: expected a number or null, got "high"');
  });

  it('checks each timeseries row: one value per column, second an integer, phase a string', () => {
    const doc = sample();
    const points = at(doc, 'timeseries').points as unknown[][];
    points[4]!.pop();
    points[5]![0] = 1795571105.5;
    points[6]![1] = null;
    assert.deepEqual(validateRunJson(doc), [
      '$.timeseries.points[4]: expected at least 19 items, got 18',
      '$.timeseries.points[5][0]: expected a whole number, got 1795571105.5',
      '$.timeseries.points[6][1]: expected a string, got null',
    ]);
  });

  it('requires the timeseries columns exactly as TIMESERIES_COLUMNS, in order', () => {
    const doc = sample();
    const columns = at(doc, 'timeseries').columns as string[];
    [columns[2], columns[3]] = [columns[3]!, columns[2]!];
    assert.match(onlyProblem(doc), /^\$\.timeseries\.columns: expected \["second","phase",/);
  });

  it('rejects dates that are not ISO-8601, latencies below 0, and a scorecard_order that repeats a key', () => {
    const doc = sample();
    doc.generated_at = 'yesterday';
    at(doc, 'queries', 'error_search').p99_ms = -3;
    const order = doc.scorecard_order as string[];
    order[7] = order[0]!;
    assert.deepEqual(validateRunJson(doc).sort(), [
      '$.generated_at: "yesterday" is not an ISO-8601 date-time; expected e.g. "2026-11-27T10:00:00.000Z"',
      '$.queries.error_search.p99_ms: must be ≥ 0, got -3',
      '$.scorecard_order: items 0 and 7 are the same ("baseline_p99_ms"); expected each value once',
    ]);
  });

  it('collects every problem of a document instead of stopping at the first', () => {
    const doc = sample();
    delete doc.timeseries;
    at(doc, 'run').comparable = null;
    at(doc, 'target').adapter = 3;
    assert.equal(validateRunJson(doc).length, 3);
  });

  it('says what it got when the document is not an object at all', () => {
    assert.deepEqual(validateRunJson([]), ['$: expected an object, got an array']);
    assert.deepEqual(validateRunJson(null), ['$: expected an object, got null']);
  });
});

describe('run.json schema: the schema document cannot drift from RunJson', () => {
  const schema = runJsonSchema() as Json;
  const definitions = schema.definitions as Record<string, Json>;

  it('requires exactly the top-level keys of the sample run.json, and describes each one', () => {
    const doc = sampleRunJson();
    assert.deepEqual([...(schema.required as string[])].sort(), Object.keys(doc).sort());
    assert.deepEqual(Object.keys(schema.properties as Json).sort(), Object.keys(doc).sort());
    assert.equal(schema.additionalProperties, true);
  });

  it('is draft-07 with an $id and schema_version const 1', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.match(String(schema.$id), /^https:\/\//);
    assert.equal((schema.properties as Record<string, Json>).schema_version!.const, 1);
  });

  it('lists the timeseries columns and scorecard keys of the TypeScript constants', () => {
    const ts = (schema.properties as Record<string, Json>).timeseries!.properties as Record<string, Json>;
    assert.deepEqual(ts.columns!.const, [...TIMESERIES_COLUMNS]);
    const row = (ts.points!.items as Json).items as Json[];
    assert.equal(row.length, TIMESERIES_COLUMNS.length);
    row.forEach((item, i) => assert.ok(String(item.description).startsWith(`${TIMESERIES_COLUMNS[i]}:`), String(item.description)));
    assert.deepEqual(definitions.scorecardKey!.enum, [...SCORECARD_KEYS]);
    const scorecard = (schema.properties as Record<string, Json>).scorecard!;
    assert.deepEqual(Object.keys(scorecard.properties as Json), [...SCORECARD_KEYS]);
  });

  it('closes every fixed-shape object and requires all its keys except the optional ones of RunJson', () => {
    // The `?` keys of RunJson: RuleResult.reason, ThresholdResult.reason, WorkerJson.ingest / .query.
    const optional: Record<string, string[]> = {
      '$/definitions/ruleResult': ['reason'],
      '$/definitions/thresholdResult': ['reason'],
      '$/definitions/worker': ['ingest', 'query'],
    };
    const seen: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      const o = node as Json;
      if (o.properties && where !== '$') {
        seen.push(where);
        assert.equal(o.additionalProperties, false, `${where} must be closed`);
        const notRequired = Object.keys(o.properties as Json).filter((k) => !(o.required as string[]).includes(k));
        assert.deepEqual(notRequired, optional[where] ?? [], `${where}: keys that are not required`);
      }
      for (const [k, v] of Object.entries(o)) visit(v, `${where}/${k}`);
    };
    visit(schema, '$');
    assert.ok(seen.length > 25, `visited ${seen.length} object schemas`);
  });

  it('gives every property a description', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      const o = node as Json;
      for (const [k, sub] of Object.entries((o.properties as Json | undefined) ?? {})) {
        if (typeof (sub as Json).description !== 'string' || (sub as Json).description === '') undocumented.push(`${where}.${k}`);
      }
      for (const [k, v] of Object.entries(o)) visit(v, `${where}/${k}`);
    };
    visit(schema, '$');
    assert.deepEqual(undocumented, []);
  });
});
