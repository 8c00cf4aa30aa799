// Writes a run's report files (SPEC §13): run.json, report.html and timeseries.csv into the output directory.
// Must not compute anything: it renders a RunJson.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunJson } from '../stream-agg/run-result-types.js';
import { renderReportHtml } from './html-report.js';
import { timeseriesCsv } from './timeseries-csv.js';

export interface WrittenReport {
  dir: string;
  runJson: string;
  html: string;
  csv: string;
}

export function writeReport(run: RunJson, dir: string): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const out = { dir, runJson: join(dir, 'run.json'), html: join(dir, 'report.html'), csv: join(dir, 'timeseries.csv') };
  writeFileSync(out.runJson, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(out.html, renderReportHtml(run));
  writeFileSync(out.csv, timeseriesCsv(run));
  return out;
}

/** The exit code `report` gives for a rendered run (SPEC §14: 0 valid, 2 invalid, 3 thresholds failed). */
export function reportExitCode(run: RunJson): number {
  if (!run.run.valid) return 2;
  if (run.thresholds.some((t) => !t.passed)) return 3;
  return 0;
}
