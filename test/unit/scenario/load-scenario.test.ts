import assert from 'node:assert/strict';
import { ConfigError, formatProblem } from '../../../src/core/errors.js';
import { loadScenarioFile, loadScenarioText } from '../../../src/scenario/load-scenario.js';
import { BASIC_FIELDS, phasesText, scenarioText } from '../../support/scenario-text.js';

/** The formatted problems of an invalid text (fails the test when the text is valid). */
function problems(text: string): string[] {
  try {
    loadScenarioText(text, 's.yaml', '.');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  assert.fail('expected the scenario to be invalid');
}

function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `needle ${needle} not in text`);
  return i + 1;
}

describe('scenario loading and validation (SPEC §3.1)', () => {
  it('accepts both shipped scenarios', () => {
    for (const f of ['scenarios/sre-outage.yaml', 'scenarios/smoke.yaml']) {
      const loaded = loadScenarioFile(f);
      assert.equal(loaded.doc.timeline.phases.length, 6);
    }
  });

  it('accepts the small valid test scenario', () => {
    const loaded = loadScenarioText(scenarioText(), 's.yaml', '.');
    assert.equal(loaded.doc.scenario.name, 'unit');
  });

  it('says "file is empty" for an empty file', () => {
    assert.deepEqual(problems('  \n\n'), ['s.yaml: file is empty']);
  });

  it('names a file that cannot be read', () => {
    assert.throws(() => loadScenarioFile('no/such/file.yaml'), (err: ConfigError) =>
      err.problems[0]!.message === 'cannot read: no such file' && err.code === 'IB_CONFIG_UNREADABLE');
  });

  it('locates YAML syntax errors', () => {
    const out = problems('scenario:\n  name: [unclosed\n');
    assert.equal(out.length >= 1, true);
    assert.match(out[0]!, /^s\.yaml:\d+:\d+: YAML: /);
  });

  it('rejects a top-level list', () => {
    assert.deepEqual(problems('- a\n- b\n'), ['s.yaml:1:1: expected a mapping at the top of the file (scenario:, timeline:, …), got a list']);
  });

  it('warns about a data_generator.config key the template generator does not read, with a did-you-mean, and loads', () => {
    const text = scenarioText().replace('config: { seed: 7 }', 'config: { seed: 7, sede: 9 }');
    assert.notEqual(text, scenarioText(), 'the test scenario has the config to change');
    const loaded = loadScenarioText(text, 's.yaml', '.');
    const line = lineOf(text, 'sede');
    const col = text.split('\n')[line - 1]!.indexOf('sede') + 1;
    assert.deepEqual(loaded.warnings.map(formatProblem), [`s.yaml:${line}:${col}: data_generator.config.sede: unknown key "sede" `
      + 'of the template generator\'s config is ignored (did you mean "seed"?); it reads only "seed"']);
  });

  it('reports an unknown key at the key with a did-you-mean', () => {
    const text = scenarioText({ phases: phasesText([], [], []).replace('target_eps: 100', 'tagret_eps: 100') });
    const line = lineOf(text, 'tagret_eps');
    const col = text.split('\n')[line - 1]!.indexOf('tagret_eps') + 1;
    assert.deepEqual(problems(text), [
      `s.yaml:${line}:${col}: timeline.phases[0].ingest.tagret_eps: unknown key "tagret_eps" (did you mean "target_eps"?)`,
    ]);
    const missing = scenarioText({ phases: phasesText([], [], []).replace('target_eps: 100, ', '') });
    assert.deepEqual(problems(missing), [
      `s.yaml:${lineOf(missing, 'batch_size: 50 }')}:15: timeline.phases[0].ingest: missing required key "target_eps"`,
    ]);
  });

  it('reports an unknown key without a close match by listing what is allowed', () => {
    const text = scenarioText({ extra: 'report:\n  zzz: 1\n' });
    assert.deepEqual(problems(text), [`s.yaml:${lineOf(text, 'zzz')}:3: report.zzz: unknown key "zzz"; expected one of "title", "emphasis"`]);
  });

  it('reports wrong types with what was found', () => {
    const text = scenarioText({ durations: [120] }).replace('duration_seconds: 120', 'duration_seconds: fast');
    assert.deepEqual(problems(text), [`s.yaml:${lineOf(text, 'fast')}:25: timeline.phases[0].duration_seconds: expected a whole number, got "fast"`]);
  });

  it('reports values out of range', () => {
    const text = scenarioText({ eps: [-5] });
    assert.deepEqual(problems(text), [`s.yaml:${lineOf(text, '-5')}:29: timeline.phases[0].ingest.target_eps: must be ≥ 0, got -5`]);
  });

  it('reports unknown enum values with a suggestion', () => {
    const text = scenarioText({ fields: BASIC_FIELDS.replace('generator: hex', 'generator: hexx') });
    assert.deepEqual(problems(text), [`s.yaml:${lineOf(text, 'hexx')}:18: schema.fields[2].generator: "hexx" is not allowed (did you mean "hex"?); expected one of "now", "enum", "weighted_enum", "range", "distribution", "hex", "pattern", "template", "conditional", "derived", "ip"`]);
  });

  it('reports bad names and versions with what is expected', () => {
    const text = scenarioText({ name: 'Bad_Name' }).replace('version: 1.0.0', 'version: one');
    assert.deepEqual(problems(text), [
      `s.yaml:2:9: scenario.name: "Bad_Name" is not valid; expected lowercase letters, digits and "-"`,
      `s.yaml:3:12: scenario.version: "one" is not valid; expected a semantic version such as "1.0.0"`,
    ]);
  });

  it('requires the six standard phases in order for a scenario that ingests', () => {
    const swapped = scenarioText().replace('name: overlap', 'name: overlpa');
    assert.deepEqual(problems(swapped), [`s.yaml:${lineOf(swapped, 'overlpa')}:13: timeline.phases[3].name: expected "overlap" (phase 4 of the six standard phases in order: baseline, incident_trigger, ingestion_surge, overlap, recovery, post_incident), got "overlpa"`]);
    const short = scenarioText({ phases: phasesText([], [], []).split('    - name: recovery')[0] });
    assert.deepEqual(problems(short).map((p) => p.replace(/^s\.yaml:\d+:\d+: /, '')), [
      'timeline.phases: has 4 phases (missing recovery, post_incident); a scenario that ingests data needs exactly these six in order: baseline, incident_trigger, ingestion_surge, overlap, recovery, post_incident',
    ]);
  });

  it('rejects duplicate phase names', () => {
    const text = scenarioText({ phases: phasesText([], [], []).replace('name: post_incident', 'name: recovery') });
    const out = problems(text).map((p) => p.replace(/^s\.yaml:\d+:\d+: /, ''));
    assert.ok(out.includes('timeline.phases[5].name: duplicate phase name "recovery" (also phases[4]); expected unique names'), out.join('\n'));
  });

  it('requires ingest: in every phase of a single-stream scenario', () => {
    const text = scenarioText({ phases: phasesText([], [], []).replace('      ingest: { target_eps: 100, batch_size: 50 }\n', '') });
    assert.deepEqual(problems(text), [`s.yaml:${lineOf(text, 'name: baseline')}:7: timeline.phases[0]: missing required key "ingest" (a scenario with a schema needs ingest: {target_eps, batch_size} in every phase)`]);
  });

  it('rejects schema and data_streams together, naming both', () => {
    const text = `${scenarioText()}data_streams: []\n`;
    assert.ok(problems(text).some((p) => p.endsWith('data_streams: "schema" and "data_streams" exclude each other; expected either the single-stream form (schema + data_generator) or data_streams, not both')));
  });

  it('checks that query weights are all given and sum to 1', () => {
    const some = scenarioText({ queries: `    - { name: a, type: search, template: "level:ERROR", weight: 0.5 }
    - { name: b, type: search, template: "level:INFO" }
` });
    assert.deepEqual(problems(some), [`s.yaml:${lineOf(some, 'name: b')}:7: query_mix.queries[1]: missing key "weight": when any query of the mix has a weight every query must (1 of 2 have one)`]);
    const sum = scenarioText({ queries: `    - { name: a, type: search, template: "level:ERROR", weight: 0.5 }
    - { name: b, type: search, template: "level:INFO", weight: 0.4 }
` });
    assert.deepEqual(problems(sum), [`s.yaml:${lineOf(sum, 'name: a')}:5: query_mix.queries: query weights sum to 0.9; expected 1 (±0.000001)`]);
  });

  it('checks mix_override names and sums', () => {
    const text = scenarioText({ phases: phasesText([], [], []).replace('query: { target_qps: 1 }',
      'query: { target_qps: 1, mix_override: { erorrs: 1 } }') });
    const out = problems(text);
    assert.ok(out.includes(`s.yaml:${lineOf(text, 'erorrs')}:${text.split('\n')[lineOf(text, 'erorrs') - 1]!.indexOf('erorrs') + 1}: timeline.phases[0].query.mix_override.erorrs: unknown query "erorrs" (did you mean "errors"?); expected a query of query_mix: errors`), out.join('\n'));
  });

  it('requires categories on all queries or none', () => {
    const text = scenarioText({ queries: `    - { name: a, type: search, template: "level:ERROR", category: logs }
    - { name: b, type: search, template: "level:INFO" }
` });
    assert.deepEqual(problems(text), [`s.yaml:${lineOf(text, 'name: b')}:7: query_mix.queries[1]: missing key "category": when any query has a category every query must (session mode); 1 of 2 have one`]);
  });

  it('requires native text for native queries and rejects templates on them', () => {
    const text = scenarioText({ queries: `    - { name: a, type: sql, template: "level:ERROR" }
` });
    const out = problems(text).map((p) => p.replace(/^s\.yaml:\d+:\d+: /, ''));
    assert.deepEqual(out.sort(), [
      'query_mix.queries[0].template: a native sql query is sent as written; expected template to be empty or absent, with the query under sql:',
      'query_mix.queries[0]: missing key "sql" (or "sql_file"): a type: sql query needs its SQL text',
    ]);
  });

  it('requires query group weights to sum to 1 and names to be unique', () => {
    const text = scenarioText({ extra: 'query_groups:\n  - { name: a, weight: 0.5 }\n  - { name: a, weight: 0.6 }\n' });
    const out = problems(text).map((p) => p.replace(/^s\.yaml:\d+:\d+: /, ''));
    assert.deepEqual(out.sort(), [
      'query_groups: group weights sum to 1.1; expected 1 (±0.000001)',
      'query_groups[1].name: duplicate name "a"; expected unique names',
    ]);
  });

  it('collects every problem of a file in one pass, sorted by position', () => {
    const text = scenarioText({ name: 'X', eps: [-1] }).replace('version: 1.0.0', 'verison: 1.0.0');
    const out = problems(text);
    assert.ok(out.length >= 3, out.join('\n'));
    const lines = out.map((p) => Number(p.split(':')[1]));
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });
});
