import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Comparison } from '../../../src/report/compare.js';
import { readRunJson } from '../../../src/report/read-run-json.js';
import type { RunJson } from '../../../src/report/run-json-types.js';
import { runCli } from '../../support/run-cli.js';
import { sampleRunJson } from '../../support/sample-run-json.js';

describe('incidentbench compare', function () {
  this.timeout(20_000);
  let dir: string;
  let baseFile: string;
  let slowDir: string;
  const write = (path: string, doc: unknown): string => {
    writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-compare-'));
    baseFile = write(join(dir, 'base.json'), sampleRunJson({ runName: 'base' }));
    // A results directory, as `run` leaves it.
    slowDir = join(dir, 'results', 'slow');
    mkdirSync(slowDir, { recursive: true });
    write(join(slowDir, 'run.json'), sampleRunJson({ runName: 'slow', latencyFactor: 1.5 }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the side-by-side scorecard of a run.json against a results directory and exits 0', () => {
    const r = runCli(['compare', baseFile, slowDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^smoke 1\.0\.0 \(Smoke\): baseline base vs slow\n/);
    assert.match(r.stdout, /\nBaseline p99 +120 ms +180 ms +\+60\.0 ms +\+50\.0 % +▼ worse\n/);
    assert.match(r.stdout, /\n {2}contender +slow +clickhouse .* valid\n/);
    assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colours when stdout is not a TTY');
  });

  it('prints the comparison as JSON with --json', () => {
    const r = runCli(['compare', baseFile, slowDir, baseFile, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as Comparison;
    assert.equal(c.baseline.label, 'base');
    assert.deepEqual(c.contenders.map((x) => x.run.label), ['slow', 'base #2']);
    assert.deepEqual(c.contenders[0]!.deltas.find((d) => d.key === 'overlap_p99_ms'),
      { key: 'overlap_p99_ms', baseline: 900, value: 1350, absolute: 450, percent: 50, better: 'worse' });
    assert.deepEqual(c.notes, []);
  });

  it('refuses runs of another scenario version: exit 1, the reason on stderr, nothing on stdout', () => {
    const other = write(join(dir, 'other.json'), sampleRunJson({ runName: 'B', scenarioVersion: '1.1.0' }));
    const out = join(dir, 'refused-out');
    const r = runCli(['compare', baseFile, other, '--out', out]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: run B used scenario smoke 1.1.0, the baseline smoke 1.0.0: '
      + 'compare needs the same scenario version\n');
    assert.equal(existsSync(out), false);
  });

  it('refuses a single run', () => {
    const r = runCli(['compare', baseFile]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: compare needs at least 2 runs \(a baseline and a contender\), got 1\n$/);
  });

  it('writes compare.html into --out, creating the directory', () => {
    const out = join(dir, 'out', 'nested');
    const r = runCli(['compare', baseFile, slowDir, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const file = join(out, 'compare.html');
    assert.equal(r.stderr, `wrote ${file}\n`);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /slow/);
    assert.match(r.stdout, /Baseline p99/, 'the table is printed too');
  });

  it('names every unreadable input on its own line and exits 1', () => {
    const missing = join(dir, 'nope.json');
    const notJson = write(join(dir, 'broken.json'), '{"schema_version": 1,');
    const r = runCli(['compare', missing, baseFile, notJson]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.equal(lines[0], `error: ${missing}: cannot read: no such file; expected a run.json or a results directory containing one`);
    assert.match(lines[1]!, new RegExp(`^error: ${notJson.replace(/[.\\/]/g, '\\$&')}: not JSON \\(.+\\); expected a run\\.json written by incidentbench$`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

describe('readRunJson', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-read-run-json-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, doc: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(doc));
    return path;
  };
  const edited = (edit: (doc: Record<string, unknown>) => void): Record<string, unknown> => {
    const doc = sampleRunJson() as unknown as Record<string, unknown>;
    edit(doc);
    return doc;
  };

  it('reads a run.json file and the run.json of a results directory', () => {
    const sub = join(dir, 'results');
    mkdirSync(sub);
    const doc: RunJson = sampleRunJson({ runName: 'r1' });
    file('results/run.json', doc);
    assert.deepEqual(readRunJson(sub), doc);
    assert.deepEqual(readRunJson(join(sub, 'run.json')), doc);
  });

  it('names run.json inside a results directory that has none', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    assert.throws(() => readRunJson(empty), { code: 'IB_USAGE', message: `${join(empty, 'run.json')}: cannot read: no such file; `
      + 'expected a run.json or a results directory containing one' });
  });

  it('says a document without schema_version is not a run.json', () => {
    const path = file('plan.json', { run: { name: 'x' } });
    assert.throws(() => readRunJson(path),
      { message: `${path}: not a run.json: it has no schema_version; expected schema_version 1` });
    const list = file('list.json', [1, 2]);
    assert.throws(() => readRunJson(list), { message: `${list}: not a run.json: the document is a list, expected an object` });
  });

  it('says which schema_version a run.json has and which one is supported', () => {
    const path = file('v2.json', edited((d) => { d.schema_version = 2; }));
    assert.throws(() => readRunJson(path),
      { message: `${path}: run.json schema_version 2 is not supported; this incidentbench reads schema_version 1` });
  });

  it('lists every missing or mistyped required field once, on one line', () => {
    const path = file('partial.json', edited((d) => {
      delete d.scorecard;
      delete d.timeseries;
      (d.scenario as Record<string, unknown>).version = 3;
      (d.run as Record<string, unknown>).valid = 'yes';
    }));
    assert.throws(() => readRunJson(path), { message: `${path}: incomplete run.json: missing scorecard, timeseries; `
      + 'scenario.version is 3, expected a string; run.valid is "yes", expected true or false' });
  });

  it('accepts null scorecard values but not text', () => {
    const ok = file('nulls.json', edited((d) => { (d.scorecard as Record<string, unknown>).recovery_time_s = null; }));
    assert.equal(readRunJson(ok).scorecard.recovery_time_s, null);
    const bad = file('text.json', edited((d) => { (d.scorecard as Record<string, unknown>).peak_backlog = '12k'; }));
    assert.throws(() => readRunJson(bad), { message: `${bad}: incomplete run.json: scorecard.peak_backlog is "12k", expected a number or null` });
  });
});
