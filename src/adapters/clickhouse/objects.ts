// The ClickHouse objects of a run (SPEC §8.2): per stream the data table (config `table`, else the index name with
// `-`/`.` → `_`), the Kafka table and view named after the run, the consumer group. Must not talk to the server.

import type { Problem } from '../../core/errors.js';
import { formatPath, show } from '../../scenario/problems.js';
import { didYouMean, oneOf } from '../../scenario/suggest.js';
import type { StreamContext } from '../types.js';
import { clickhouseTableName, quoteIdent } from './compile.js';
import type { ClickHouseConfig } from './config.js';

export interface StreamObjects {
  stream: StreamContext;
  database: string;
  /** Unquoted names. */
  table: string;
  kafkaTable: string;
  view: string;
  consumerGroup: string;
}

/** The run name as part of an identifier: `-` and `.` → `_` (run names are DNS-1123 labels, so this is one-to-one). */
export function runSuffix(run: string): string {
  return run.replace(/[-.]/g, '_');
}

/** `ib-<run>-<stream>`: a fresh group per run, so a run never inherits an older run's offsets. */
export function consumerGroupName(run: string, stream: string): string {
  return `ib-${run}-${stream}`;
}

/** `db`.`name` */
export function qualifiedName(database: string, name: string): string {
  return `${quoteIdent(database)}.${quoteIdent(name)}`;
}

/** `db.name` as listed in PrepareResult.created. */
export function createdName(database: string, name: string): string {
  return `${database}.${name}`;
}

/** The ClickHouse comment marking a table as created by this run's prepare (see ownerOf in prepare.ts). */
export function ownerComment(run: string): string {
  return `incidentbench run ${run}`;
}

/** The data table of a stream: the config's single name, its entry for the stream's index_name (or name), else the default. */
export function tableFor(cfg: ClickHouseConfig, stream: StreamContext): string {
  const t = cfg.table;
  if (typeof t === 'string') return t;
  if (t !== null) return t[stream.index] ?? t[stream.name] ?? clickhouseTableName(stream.index);
  return clickhouseTableName(stream.index);
}

/**
 * Problems of the `table` key against the run's streams: a mapping key that names no stream, or one name given to
 * several streams. One-line messages naming the key; empty when it fits.
 */
export function tableKeyProblems(cfg: ClickHouseConfig, all: readonly StreamContext[], file: string): Problem[] {
  const t = cfg.table;
  const problem = (path: string, message: string): Problem => ({ file, line: 0, col: 0, path, message });
  if (t === null) return [];
  if (typeof t === 'string') {
    return all.length > 1
      ? [problem('table', `one table name (${show(t)}) cannot serve ${all.length} streams (${all.map((s) => show(s.index)).join(', ')}); `
        + 'expected a mapping of index_name to table name')]
      : [];
  }
  const names = all.flatMap((s) => [s.index, s.name]);
  return Object.keys(t).filter((key) => !names.includes(key)).map((key) => problem(formatPath(['table', key]),
    `${show(key)} names no stream${didYouMean(key, all.map((s) => s.index))}; expected ${oneOf(all.map((s) => s.index))}`));
}

export function streamObjects(cfg: ClickHouseConfig, run: string, stream: StreamContext): StreamObjects {
  const table = tableFor(cfg, stream);
  const suffix = runSuffix(run);
  return {
    stream,
    database: cfg.database,
    table,
    kafkaTable: `${table}_kafka_${suffix}`,
    view: `${table}_mv_${suffix}`,
    consumerGroup: consumerGroupName(run, stream.name),
  };
}
