import assert from 'node:assert/strict';
import { emptyEncoded } from '../../../src/metrics/hist.js';
import { parseWorkerSnapshot } from '../../../src/metrics/parse-worker-snapshot.js';
import type { WorkerSnapshot } from '../../../src/metrics/worker-snapshot.js';
import { emptyIngestBlock, emptyQueryBlock } from '../../../src/metrics/worker-snapshot.js';
import { ingestSnapshot, querySnapshot } from './snapshot-fixtures.js';

/** A JSON round trip, as the record arrives from Kafka, with edits applied to the plain object. */
function wire(s: WorkerSnapshot, edit: (o: Record<string, any>) => void = () => {}): unknown {
  const o = JSON.parse(JSON.stringify(s)) as Record<string, any>;
  edit(o);
  return o;
}

function reasonFor(json: unknown): string {
  const r = parseWorkerSnapshot(json);
  if (r.ok) assert.fail('expected the record to be rejected');
  return r.reason;
}

describe('parseWorkerSnapshot (SPEC §10.1)', () => {
  it('accepts a full ingest snapshot and returns it unchanged', () => {
    const r = parseWorkerSnapshot(wire(ingestSnapshot()));
    if (!r.ok) assert.fail(r.reason);
    assert.deepEqual(r.snapshot, ingestSnapshot());
  });

  it('accepts a query snapshot with group, late entries and phaseSwitchAt and returns it unchanged', () => {
    const r = parseWorkerSnapshot(wire(querySnapshot()));
    if (!r.ok) assert.fail(r.reason);
    assert.deepEqual(r.snapshot, querySnapshot());
  });

  it('accepts snapshots whose optional fields are absent', () => {
    const s: WorkerSnapshot = {
      v: 1, run: 'r', runId: 'id', worker: 'query-0', role: 'query', second: 10, phase: 'baseline',
      query: emptyQueryBlock(40), proc: { cpuPct: 0, cpuLimitCores: 1, rssMb: 50, eventLoopDelayP99Ms: 0 },
    };
    const r = parseWorkerSnapshot(wire(s));
    if (!r.ok) assert.fail(r.reason);
    assert.deepEqual(r.snapshot, s);
    const bare = parseWorkerSnapshot(wire(s, (o) => delete o.query));
    assert.equal(bare.ok, true);
  });

  it('ignores keys it does not know and does not keep them', () => {
    const r = parseWorkerSnapshot(wire(ingestSnapshot(), (o) => {
      o.futureField = { x: 1 };
      o.ingest.newCounter = 5;
      o.proc.gcPauseMs = 3;
    }));
    if (!r.ok) assert.fail(r.reason);
    assert.deepEqual(r.snapshot, ingestSnapshot());
  });

  it('keeps user-chosen names such as "__proto__" as ordinary keys', () => {
    const json = JSON.parse(JSON.stringify(ingestSnapshot()).replace('"KafkaJSRequestTimeoutError"', '"__proto__"'));
    const r = parseWorkerSnapshot(json);
    if (!r.ok) assert.fail(r.reason);
    assert.deepEqual(Object.entries(r.snapshot.ingest?.errorClasses ?? {}), [['__proto__', 10]]);
  });

  describe('rejects malformed records with a one-line reason', () => {
    const cases: [string, () => unknown, string][] = [
      ['a non-object record', () => 'hello', 'expected a worker snapshot object, got "hello"'],
      ['an array', () => [], 'expected a worker snapshot object, got []'],
      ['another version', () => wire(ingestSnapshot(), (o) => { o.v = 2; }), 'v: expected version 1, got 2'],
      ['an unknown role', () => wire(ingestSnapshot(), (o) => { o.role = 'ingester'; }),
        'role: expected "ingest" or "query", got "ingester"'],
      ['a missing run id', () => wire(ingestSnapshot(), (o) => { delete o.runId; }),
        'runId: missing (expected a non-empty string)'],
      ['a fractional second', () => wire(ingestSnapshot(), (o) => { o.second = 1.5; }),
        'second: expected a non-negative integer, got 1.5'],
      ['a negative counter', () => wire(ingestSnapshot(), (o) => { o.ingest.acked = -3; }),
        'ingest.acked: expected a non-negative integer, got -3'],
      ['a counter given as a string', () => wire(querySnapshot(), (o) => { o.query.ok = '35'; }),
        'query.ok: expected a non-negative integer, got "35"'],
      ['a non-finite amount', () => wire(ingestSnapshot(), (o) => { o.proc.cpuPct = Number.POSITIVE_INFINITY; }),
        'proc.cpuPct: expected a finite number ≥ 0, got Infinity'],
      ['a missing proc block', () => wire(ingestSnapshot(), (o) => { delete o.proc; }),
        'proc: missing (expected an object)'],
      ['a histogram that is not encoded', () => wire(querySnapshot(), (o) => { o.query.latency = 'abc'; }),
        'query.latency: expected an encoded histogram (compressed base64 starting "HISTF"), got "abc"'],
      ['a bad per-query counter under a name with spaces',
        () => wire(querySnapshot(), (o) => { o.query.byQuery['top errors'].withHits = null; }),
        'query.byQuery["top errors"].withHits: expected a non-negative integer, got null'],
      ['a bad error-class count', () => wire(ingestSnapshot(), (o) => { o.ingest.errorClasses.x = 0.5; }),
        'ingest.errorClasses.x: expected a non-negative integer, got 0.5'],
      ['sentinels that are not a list', () => wire(ingestSnapshot(), (o) => { o.ingest.sentinels = {}; }),
        'ingest.sentinels: expected an array, got {}'],
      ['a sentinel without n', () => wire(ingestSnapshot(), (o) => { delete o.ingest.sentinels[0].n; }),
        'ingest.sentinels[0].n: missing (expected a non-negative integer)'],
      ['an optional field set to null', () => wire(querySnapshot(), (o) => { o.group = null; }),
        'group: expected a non-empty string, got null'],
      ['a query block in an ingest snapshot', () => wire(ingestSnapshot(), (o) => { o.query = emptyQueryBlock(); }),
        'query: not allowed for role "ingest" (an ingest worker sends ingest blocks only)'],
      ['an ingest block in a late entry of a query snapshot',
        () => wire(querySnapshot(), (o) => { o.late['1700000009'] = { ingest: emptyIngestBlock() }; }),
        'late["1700000009"].ingest: not allowed for role "query" (a query worker sends query blocks only)'],
      ['a late key that is not earlier than the snapshot', () => wire(querySnapshot(), (o) => { o.late['1700000010'] = {}; }),
        'late["1700000010"]: key must be a due second (unix s) earlier than the snapshot\'s second 1700000010, got "1700000010"'],
      ['a late key that is not a second', () => wire(querySnapshot(), (o) => { o.late.yesterday = {}; }),
        'late.yesterday: key must be a due second (unix s) earlier than the snapshot\'s second 1700000010, got "yesterday"'],
      ['a late block with a bad counter', () => wire(querySnapshot(), (o) => { o.late['1700000008'].query.timeouts = -1; }),
        'late["1700000008"].query.timeouts: expected a non-negative integer, got -1'],
    ];
    for (const [what, make, reason] of cases) {
      it(`rejects ${what}`, () => assert.equal(reasonFor(make()), reason));
    }
  });

  it('lists every problem and counts the rest in the reason', () => {
    const r = parseWorkerSnapshot(wire(ingestSnapshot(), (o) => {
      o.v = 0;
      o.ingest.due = -1;
      o.ingest.ackLatency = emptyEncoded.slice(1);
    }));
    if (r.ok) assert.fail('expected the record to be rejected');
    assert.equal(r.reason, 'v: expected version 1, got 0 (and 2 more)');
    assert.deepEqual(r.problems, [
      'v: expected version 1, got 0',
      'ingest.due: expected a non-negative integer, got -1',
      `ingest.ackLatency: expected an encoded histogram (compressed base64 starting "HISTF"), got ${JSON.stringify(emptyEncoded.slice(1)).slice(0, 40)}…`,
    ]);
  });

  it('never throws, whatever it is given', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const weird: unknown[] = [
      null, undefined, 0, true, [], {}, circular, { v: 1n }, { v: 1, role: 'ingest', ingest: [] },
      { v: 1, role: 'query', query: { byQuery: [1, 2] }, late: 'x' }, { v: 1, proc: circular, second: -0 },
      Object.create(null),
    ];
    for (const w of weird) {
      const r = parseWorkerSnapshot(w);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.ok(r.reason.length > 0);
        assert.ok(!r.reason.includes('\n'), r.reason);
      }
    }
  });
});
