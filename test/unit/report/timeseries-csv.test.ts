import assert from 'node:assert/strict';
import { csvNumber, timeseriesCsv } from '../../../src/report/timeseries-csv.js';
import { TIMESERIES_COLUMNS, type RunJson, type TimeseriesRow } from '../../../src/report/run-json-types.js';
import { sampleRunJson } from '../../support/sample-run-json.js';

function withPoints(points: TimeseriesRow[], columns: RunJson['timeseries']['columns'] = [...TIMESERIES_COLUMNS]): RunJson {
  const run = sampleRunJson();
  run.timeseries = { resolution_s: 1, columns, points };
  return run;
}

/** A row with `second`, `phase`, then the 17 numeric columns from `rest` (null-padded). */
function row(second: number, phase: string, ...rest: (number | null)[]): TimeseriesRow {
  const values = [...rest, ...new Array<null>(17 - rest.length).fill(null)];
  return [second, phase, ...values];
}

describe('timeseries.csv (SPEC §13)', () => {
  it('starts with the header row of the documented columns, in order', () => {
    const csv = timeseriesCsv(withPoints([]));
    assert.equal(csv, 'second,phase,target_eps,acked_eps,consumed_eps,lag,target_qps,started_qps,completed_qps,errors,'
      + 'timeouts,dropped,p50_ms,p95_ms,p99_ms,max_ms,freshness_p99_ms,active_workers,saturated_workers\n');
  });

  it('writes one row per point of the sample, 19 cells each, \\n line ends and a trailing newline', () => {
    const run = sampleRunJson();
    const csv = timeseriesCsv(run);
    assert.ok(csv.endsWith('\n') && !csv.endsWith('\n\n'));
    assert.ok(!csv.includes('\r'));
    const lines = csv.slice(0, -1).split('\n');
    assert.equal(lines.length, 1 + run.timeseries.points.length);
    for (const line of lines) assert.equal(line.split(',').length, TIMESERIES_COLUMNS.length, line);
    // The sample's first second: baseline at 200 EPS, acked 200, consumed 300, lag 0, 1 QPS, p99 = 120 ms.
    assert.equal(lines[1], '1795571100,baseline,200,200,300,0,1,1,1,0,0,0,40,80,120,144,4500,2,0');
  });

  it('prints null as an empty cell', () => {
    const csv = timeseriesCsv(withPoints([row(1795571100, 'drain', 0, 0, null, 12, 0, 0, 0, 0, 0, 0, null, null, null, null, null, 1, 0)]));
    assert.equal(csv.split('\n')[1], '1795571100,drain,0,0,,12,0,0,0,0,0,0,,,,,,1,0');
  });

  it('rounds to at most 3 decimals, half away from zero on the decimal value, and drops trailing zeros', () => {
    const csv = timeseriesCsv(withPoints([row(1795571100, 'baseline', 199.7, 1 / 3, 2 / 3, 1.0005, 2.5, 0.1 + 0.2, 1.2344, 1e-4)]));
    assert.equal(csv.split('\n')[1], '1795571100,baseline,199.7,0.333,0.667,1.001,2.5,0.3,1.234,0,,,,,,,,,');
  });

  it('carries a rounding up into the whole part', () => {
    assert.equal(csvNumber(0.9995), '1');
    assert.equal(csvNumber(9.9996), '10');
    assert.equal(csvNumber(1795571099.9995), '1795571100');
    assert.equal(csvNumber(0.0994999), '0.099');
  });

  it('never prints an exponent, for tiny, large and huge values', () => {
    assert.equal(csvNumber(1e-7), '0');
    assert.equal(csvNumber(0.0005), '0.001');
    assert.equal(csvNumber(1e21), '1000000000000000000000');
    assert.equal(csvNumber(1.5e20), '150000000000000000000');
    assert.equal(csvNumber(123456789012345.5), '123456789012345.5');
    assert.equal(csvNumber(2 ** 53), '9007199254740992');
    for (const x of [1e-7, 5e-324, 1e21, 1.7976931348623157e308, -1e22, 1e15 + 0.5]) assert.doesNotMatch(csvNumber(x), /e/i);
  });

  it('prints negative numbers with a sign but never "-0"', () => {
    assert.equal(csvNumber(-1.0005), '-1.001');
    assert.equal(csvNumber(-0.0001), '0');
    assert.equal(csvNumber(-0), '0');
    assert.equal(csvNumber(-42), '-42');
  });

  it('prints a non-finite number as an empty cell (no value)', () => {
    assert.equal(csvNumber(Number.NaN), '');
    assert.equal(csvNumber(Number.POSITIVE_INFINITY), '');
  });

  it('quotes text cells with a comma, a quote or a line break as RFC 4180 says, and leaves plain names alone', () => {
    const csv = timeseriesCsv(withPoints([
      row(1, 'a,b'), row(2, 'say "hi"'), row(3, 'two\nlines'), row(4, 'cr\rhere'), row(5, 'post_incident'),
    ]));
    const body = csv.split('\n').slice(1).join('\n');
    assert.equal(body, '1,"a,b",,,,,,,,,,,,,,,,,\n2,"say ""hi""",,,,,,,,,,,,,,,,,\n3,"two\nlines",,,,,,,,,,,,,,,,,\n'
      + '4,"cr\rhere",,,,,,,,,,,,,,,,,\n5,post_incident,,,,,,,,,,,,,,,,,\n');
  });

  it('takes each value by column name, so a document with its columns in another order still lines up', () => {
    const columns = [...TIMESERIES_COLUMNS];
    [columns[2], columns[3]] = [columns[3]!, columns[2]!]; // acked_eps before target_eps
    const csv = timeseriesCsv(withPoints([row(7, 'overlap', 1999, 2000)], columns));
    assert.equal(csv.split('\n')[1], '7,overlap,2000,1999,,,,,,,,,,,,,,,');
  });

  it('is deterministic: the same run gives the same bytes', () => {
    assert.equal(timeseriesCsv(sampleRunJson()), timeseriesCsv(sampleRunJson()));
  });
});
