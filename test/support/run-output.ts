// Reads what `incidentbench run` leaves in its --out folder (SPEC §13) for end-to-end tests: t0 from harness.log while
// it runs; afterwards run.json, the raw records of snapshots.jsonl, report.html and which files exist. Must not judge the run.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunJson } from '../../src/stream-agg/run-result-types.js';

/** The files SPEC §13 lists for a run's output folder. */
export const RUN_OUTPUT_FILES = ['run.json', 'report.html', 'timeseries.csv', 'snapshots.jsonl', 'scenario.yaml', 'plan.json', 'harness.log'] as const;

export interface RawLine {
  kind: string;
  [key: string]: unknown;
}

export interface RunOutput {
  dir: string;
  run: RunJson;
  /** run.json as parsed JSON, untyped (for the schema validator). */
  rawRun: unknown;
  records: RawLine[];
  html: string;
  missing: string[];
}

export function readRunOutput(dir: string): RunOutput {
  const missing = RUN_OUTPUT_FILES.filter((f) => !existsSync(join(dir, f)));
  const rawRun: unknown = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  const records = readFileSync(join(dir, 'snapshots.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RawLine);
  const html = existsSync(join(dir, 'report.html')) ? readFileSync(join(dir, 'report.html'), 'utf8') : '';
  return { dir, run: rawRun as RunJson, rawRun, records, html, missing };
}

/** The validity check of a rule code (SPEC §12.1), failing the test when run.json lacks it. */
export function check(run: RunJson, rule: string): RunJson['validity'][number] {
  const c = run.validity.find((v) => v.rule === rule);
  if (!c) throw new Error(`run.json has no validity check '${rule}' (has ${run.validity.map((v) => v.rule).join(', ')})`);
  return c;
}

/**
 * t0 of a running run (unix ms), from the coordinator's START line in `<dir>/harness.log`, so a test can time a fault
 * against the timeline. Rejects after `timeoutMs` or when `stillRunning()` turns false first.
 */
export async function waitForRunStart(dir: string, stillRunning: () => boolean, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const file = join(dir, 'harness.log');
  while (Date.now() < deadline && stillRunning()) {
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.includes('"START"')) continue;
        const o = JSON.parse(line) as { msg?: string; t0?: string };
        if (o.msg === 'START' && typeof o.t0 === 'string') return Date.parse(o.t0);
      }
    }
    await sleep(100);
  }
  throw new Error(`no START in ${file} ${stillRunning() ? `within ${timeoutMs} ms` : '(the run ended first)'}`);
}

/** Sleeps until the wall clock reads `atMs` (a fault's moment in the timeline; never an assertion on time). */
export async function sleepUntil(atMs: number): Promise<void> {
  const left = atMs - Date.now();
  if (left > 0) await sleep(left);
}
