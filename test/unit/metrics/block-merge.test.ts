import assert from 'node:assert/strict';
import { Hist, emptyEncoded } from '../../../src/metrics/hist.js';
import {
  addIngestTotals, emptyIngestTotals, ingestBlockToTotals, ingestTotalsToBlock, mergeIngestBlocks,
} from '../../../src/metrics/ingest-totals.js';
import {
  addQueryTotals, emptyQueryTotals, mergeQueryBlocks, queryBlockToTotals, queryTotalsToBlock,
} from '../../../src/metrics/query-totals.js';
import type { IngestBlock, QueryBlock } from '../../../src/metrics/worker-snapshot.js';
import { emptyIngestBlock, emptyQueryBlock } from '../../../src/metrics/worker-snapshot.js';
import { encodedOf, ingestBlock, queryBlock } from './snapshot-fixtures.js';

/** The encoded sum of encoded histograms, computed independently of the code under test. */
function sumOf(...encoded: (string | undefined)[]): string {
  const h = new Hist();
  for (const e of encoded) if (e !== undefined) h.add(Hist.decode(e));
  return h.encode();
}

const INGEST_SUMMED = ['due', 'produced', 'acked', 'failed', 'missed', 'targetEps'] as const;
const QUERY_SUMMED = ['due', 'started', 'ok', 'errors', 'timeouts', 'dropped', 'targetQps'] as const;

function otherIngest(): IngestBlock {
  return {
    due: 3001, produced: 2999, acked: 2900, failed: 7, missed: 2, targetEps: 3000,
    produceDelay: encodedOf([800, 900, 1e12]), ackLatency: encodedOf([700]), scheduleLagMs: 30,
    errorClasses: { KafkaJSRequestTimeoutError: 3, KafkaJSConnectionError: 4 },
    byStream: { app: { due: 3001, acked: 2900, failed: 7, missed: 2 }, metrics: { due: 1, acked: 1, failed: 0, missed: 0 } },
    sentinels: [{ n: 9, scheduledAt: 1_700_000_000_500, ackedAt: 1_700_000_000_530 }],
  };
}

function otherQuery(): QueryBlock {
  return {
    due: 41, started: 39, ok: 30, errors: 5, timeouts: 3, dropped: 2, targetQps: 41,
    latency: encodedOf([25_000, 400_000]), serviceTime: encodedOf([24_000]), timerLateness: encodedOf([60]),
    byQuery: {
      trace_lookup: { started: 19, ok: 15, errors: 3, timeouts: 1, dropped: 1, withHits: 10, latency: encodedOf([25_000]) },
      'slow agg': { started: 20, ok: 15, errors: 2, timeouts: 2, dropped: 1, withHits: 15, latency: encodedOf([400_000]) },
    },
    errorClasses: { http_503: 1, timeout: 3 },
  };
}

describe('ingest block merge (SPEC §10.1, §10.2)', () => {
  it('adds every counter and target, keeps the larger schedule lag and adds histograms exactly', () => {
    const a = ingestBlock();
    const b = otherIngest();
    const m = mergeIngestBlocks(a, b);
    for (const k of INGEST_SUMMED) assert.equal(m[k], a[k] + b[k], k);
    assert.equal(m.scheduleLagMs, 30);
    assert.equal(m.produceDelay, sumOf(a.produceDelay, b.produceDelay));
    assert.equal(m.ackLatency, sumOf(a.ackLatency, b.ackLatency));
    assert.equal(Hist.decode(m.produceDelay).clampedHigh, 1);
    assert.deepEqual(m.errorClasses, { KafkaJSRequestTimeoutError: 13, KafkaJSConnectionError: 4 });
    assert.deepEqual(m.byStream, {
      app: { due: 7001, acked: 6890, failed: 12, missed: 7 },
      audit: { due: 1000, acked: 990, failed: 5, missed: 5 },
      metrics: { due: 1, acked: 1, failed: 0, missed: 0 },
    });
    assert.deepEqual(m.sentinels, [...(a.sentinels ?? []), ...(b.sentinels ?? [])]);
  });

  it('does not change the blocks it merges', () => {
    const a = ingestBlock();
    const b = otherIngest();
    mergeIngestBlocks(a, b);
    assert.deepEqual(a, ingestBlock());
    assert.deepEqual(b, otherIngest());
  });

  it('treats the empty block as the identity and omits empty optional parts', () => {
    assert.deepEqual(mergeIngestBlocks(emptyIngestBlock(), ingestBlock()), ingestBlock());
    const e = mergeIngestBlocks(emptyIngestBlock(100), emptyIngestBlock(0));
    assert.deepEqual(e, emptyIngestBlock(100));
    assert.equal(e.produceDelay, emptyEncoded);
    assert.equal('byStream' in e, false);
    assert.equal('sentinels' in e, false);
  });

  it('keeps the target once when a late block (target 0) merges into its main block', () => {
    const late: IngestBlock = { ...emptyIngestBlock(0), acked: 10, produceDelay: encodedOf([2e6]) };
    const m = mergeIngestBlocks(ingestBlock(), late);
    assert.equal(m.targetEps, 5000);
    assert.equal(m.due, 5000);
    assert.equal(m.acked, 4990);
  });

  it('adds decoded totals the same way as wire blocks', () => {
    const t = emptyIngestTotals();
    addIngestTotals(t, ingestBlockToTotals(ingestBlock()));
    addIngestTotals(t, ingestBlockToTotals(otherIngest()));
    assert.deepEqual(ingestTotalsToBlock(t), mergeIngestBlocks(ingestBlock(), otherIngest()));
  });

  it('keeps a "__proto__" error class as an ordinary counter', () => {
    const a = JSON.parse('{"__proto__": 2}') as Record<string, number>;
    const b = JSON.parse('{"__proto__": 3, "x": 1}') as Record<string, number>;
    const m = mergeIngestBlocks({ ...emptyIngestBlock(), errorClasses: a }, { ...emptyIngestBlock(), errorClasses: b });
    assert.deepEqual(Object.entries(m.errorClasses), [['__proto__', 5], ['x', 1]]);
    assert.equal(Object.getPrototypeOf(m.errorClasses), Object.prototype);
  });
});

describe('query block merge (SPEC §10.1, §10.2)', () => {
  it('adds every counter and target and adds every histogram exactly', () => {
    const a = queryBlock();
    const b = otherQuery();
    const m = mergeQueryBlocks(a, b);
    for (const k of QUERY_SUMMED) assert.equal(m[k], a[k] + b[k], k);
    assert.equal(m.latency, sumOf(a.latency, b.latency));
    assert.equal(m.serviceTime, sumOf(a.serviceTime, b.serviceTime));
    assert.equal(m.timerLateness, sumOf(a.timerLateness, b.timerLateness));
    assert.equal(m.errorLatency, a.errorLatency, 'errorLatency only on one side');
    assert.equal(m.page, a.page, 'page only on one side');
    assert.deepEqual(m.errorClasses, { http_503: 3, timeout: 3 });
  });

  it('unions per-query and per-category entries, adding counters and latency of names on both sides', () => {
    const a = queryBlock();
    const b = otherQuery();
    const m = mergeQueryBlocks(a, b);
    assert.deepEqual(Object.keys(m.byQuery).sort(), ['slow agg', 'top errors', 'trace_lookup']);
    const both = m.byQuery.trace_lookup;
    const qa = a.byQuery.trace_lookup;
    const qb = b.byQuery.trace_lookup;
    assert.ok(both && qa && qb);
    for (const k of ['started', 'ok', 'errors', 'timeouts', 'dropped', 'withHits'] as const) {
      assert.equal(both[k], qa[k] + qb[k], k);
    }
    assert.equal(both.latency, sumOf(qa.latency, qb.latency));
    assert.deepEqual(m.byQuery['top errors'], a.byQuery['top errors']);
    assert.deepEqual(m.byQuery['slow agg'], b.byQuery['slow agg']);
    assert.deepEqual(m.byCategory, a.byCategory);
  });

  it('treats the empty block as the identity and omits optional histograms nobody sent', () => {
    assert.deepEqual(mergeQueryBlocks(queryBlock(), emptyQueryBlock()), queryBlock());
    const e = mergeQueryBlocks(emptyQueryBlock(40), emptyQueryBlock(0));
    assert.deepEqual(e, emptyQueryBlock(40));
    for (const k of ['errorLatency', 'page', 'byCategory']) assert.equal(k in e, false, k);
  });

  it('adds decoded totals the same way as wire blocks', () => {
    const t = emptyQueryTotals();
    addQueryTotals(t, queryBlockToTotals(otherQuery()));
    addQueryTotals(t, queryBlockToTotals(queryBlock()));
    const viaTotals = queryTotalsToBlock(t);
    const viaBlocks = mergeQueryBlocks(otherQuery(), queryBlock());
    assert.deepEqual(viaTotals, viaBlocks);
  });

  it('merging 100 workers\' blocks one by one equals the sum of all their counters and values', () => {
    const t = emptyQueryTotals();
    const all = new Hist();
    let ok = 0;
    for (let w = 0; w < 100; w++) {
      const values = [1000 + w, 20_000 + 10 * w, 300_000 - w];
      for (const v of values) all.record(v);
      ok += values.length;
      const block: QueryBlock = { ...emptyQueryBlock(1), ok: values.length, latency: encodedOf(values) };
      addQueryTotals(t, queryBlockToTotals(block));
    }
    assert.equal(t.ok, ok);
    assert.equal(t.targetQps, 100);
    assert.equal(t.latency.encode(), all.encode());
    assert.equal(t.latency.percentileUs(99), all.percentileUs(99));
  });
});
