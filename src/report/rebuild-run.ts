// Rebuilds a run's result from its raw records (SPEC §13.1): replays them in order through a fresh aggregator and
// analyses the result, so `report` gives what the live run gave. Must not read files or Kafka (callers do).

import type { RunPlan } from '../scenario/plan-types.js';
import { RunAggregator } from '../stream-agg/run-aggregator.js';
import { parseRecordLine, type RawRecord } from '../stream-agg/records.js';
import { buildRunResult, type ResultMeta } from '../stream-agg/run-result.js';
import type { RunJson } from '../stream-agg/run-result-types.js';

/** Feeds raw-record lines (snapshots.jsonl) into a new aggregator; malformed lines are counted with their line number. */
export function aggregateLines(plan: RunPlan, lines: Iterable<string>): RunAggregator {
  const agg = new RunAggregator(plan);
  let n = 0;
  for (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const r = parseRecordLine(line);
    if (!r.ok) agg.malformed(`line ${n}: ${r.reason}`);
    else if (r.record) agg.add(r.record);
  }
  agg.finish();
  return agg;
}

/** Feeds decoded records (e.g. read from Kafka) into a new aggregator. */
export function aggregateRecords(plan: RunPlan, records: Iterable<RawRecord>): RunAggregator {
  const agg = new RunAggregator(plan);
  for (const r of records) agg.add(r);
  agg.finish();
  return agg;
}

export function rebuildRun(plan: RunPlan, lines: Iterable<string>, meta: ResultMeta): RunJson {
  return buildRunResult(plan, aggregateLines(plan, lines), meta);
}
