import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { runCli } from '../../support/run-cli.js';
import { scenarioText } from '../../support/scenario-text.js';

const SRE = 'scenarios/sre-outage.yaml';

describe('incidentbench CLI: validate, plan, generate, version', function () {
  this.timeout(20_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validate exits 0 on the shipped scenarios and on reference-format fixtures', () => {
    const r = runCli(['validate', 'scenarios/sre-outage.yaml', 'scenarios/smoke.yaml',
      'test/fixtures/scenarios/two-streams.yaml', 'test/fixtures/scenarios/query-only.yaml',
      'test/fixtures/scenarios/session.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 5);
    assert.equal(r.stderr, '');
  });

  it('validate exits 1 with every problem located, one per line, and no stack trace', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, scenarioText({ eps: [-1] }).replace('template: "level:ERROR"', 'template: "levle:ERROR"'));
    const r = runCli(['validate', file]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 3, r.stderr);
    assert.match(lines[0]!, /^.*broken\.yaml:\d+:\d+: query_mix\.queries\[0\]\.template: column 1: unknown field "levle" \(did you mean "level"\?\)/);
    assert.match(lines[1]!, /broken\.yaml:\d+:\d+: timeline\.phases\[0\]\.ingest\.target_eps: must be ≥ 0, got -1$/);
    assert.match(lines[2]!, /^2 problems in 1 of 1 file$/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('validate says a missing file cannot be read', () => {
    const r = runCli(['validate', join(dir, 'nope.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.yaml: cannot read: no such file/);
  });

  it('plan --json prints the plan with 13 500 000 events for the flagship', () => {
    const r = runCli(['plan', SRE, '--json', '--run-name', 'unit']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as RunPlan;
    assert.equal(plan.totals.events, 13_500_000);
    assert.equal(plan.run.name, 'unit');
    assert.equal(plan.streams[0]!.topic, 'ib.unit.events');
  });

  it('plan rejects bad flag values with one line naming the flag', () => {
    for (const [args, re] of [
      [['--threads', '0'], /^error: --threads: expected a whole number ≥ 1, got "0"$/],
      [['--rate-scale', 'fast'], /^error: --rate-scale: expected a number > 0, got "fast"$/],
      [['--run-name', 'Bad_Name'], /^error: --run-name: "Bad_Name" is not a DNS-1123 label/],
      [['--target', 'clickhuose'], /^error: --target: unknown adapter "clickhuose" \(did you mean "clickhouse"\?\)/],
    ] as const) {
      const r = runCli(['plan', SRE, ...args]);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr.trim(), re);
    }
  });

  it('generate prints byte-identical output for the same seed and different output for another', () => {
    const a = runCli(['generate', SRE, '--count', '2000']);
    const b = runCli(['generate', SRE, '--count', '2000']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.equal(a.stdout.trim().split('\n').length, 2000);
    const c = runCli(['generate', SRE, '--count', '2000', '--seed', '43']);
    assert.notEqual(a.stdout, c.stdout);
  });

  it('generate: the union of all lanes equals the unsplit stream, for several splits', function () {
    this.timeout(60_000);
    const start = 599_990; // spans the baseline → incident_trigger boundary
    const all = runCli(['generate', SRE, '--start', String(start), '--count', '300']).stdout.trim().split('\n');
    for (const lanes of [2, 3, 7]) {
      const merged: string[] = new Array(all.length);
      for (let lane = 0; lane < lanes; lane++) {
        const out = runCli(['generate', SRE, '--start', String(start), '--count', '300', '--lanes', String(lanes),
          '--lane', String(lane)]).stdout.trim().split('\n').filter(Boolean);
        let g = start + ((lane - (start % lanes)) + lanes) % lanes;
        for (const line of out) {
          assert.equal(merged[g - start], undefined);
          merged[g - start] = line;
          g += lanes;
        }
      }
      assert.deepEqual(merged, all, `split into ${lanes} lanes`);
    }
  });

  it('generate --phase starts at the phase, with its profile and scheduled times', () => {
    const r = runCli(['generate', SRE, '--phase', 'overlap', '--count', '2000', '--t0', '2026-01-01T00:00:00Z']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // overlap starts at offset 270 s; 50 000 EPS → 50 events per millisecond
    assert.equal(events[0]!['@timestamp'], '2026-01-01T00:04:30.000Z');
    assert.equal(events[1999]!['@timestamp'], '2026-01-01T00:04:30.039Z');
    const errors = events.filter((e) => e.level === 'ERROR').length / events.length;
    assert.ok(errors > 0.5 && errors < 0.7, `incident profile has 60 % ERROR, got ${errors}`);
  });

  it('generate stops at the end of the phase named by --phase', () => {
    const r = runCli(['generate', 'scenarios/smoke.yaml', '--phase', 'post_incident', '--start', '5995', '--count', '100']);
    assert.equal(r.stdout.trim().split('\n').length, 5); // 200 EPS × 30 s = 6 000 events in the phase
  });

  it('generate rejects an unknown phase with a suggestion', () => {
    const r = runCli(['generate', SRE, '--phase', 'overlpa']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: --phase: "overlpa" is not a phase \(did you mean "overlap"\?\)/);
  });

  it('version prints the package version', () => {
    const r = runCli(['version', '--json']);
    assert.equal(r.code, 0);
    assert.match((JSON.parse(r.stdout) as { incidentbench: string }).incidentbench, /^\d+\.\d+\.\d+/);
  });
});
