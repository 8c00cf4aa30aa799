import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import { IncidentBenchError } from '../../../src/core/errors.js';
import { HIST_MAX_US, Hist, emptyEncoded, looksLikeEncodedHist } from '../../../src/metrics/hist.js';
import { latencyValues, seededRandom } from './seeded-random.js';

/** 0, 0.1, …, 100 and the usual tail points. */
const PERCENTILES: number[] = [
  ...Array.from({ length: 1001 }, (_, i) => i / 10), 99.95, 99.99, 99.999,
];

function histOf(values: readonly number[]): Hist {
  const h = new Hist();
  for (const v of values) h.record(v);
  return h;
}

function assertSameDistribution(actual: Hist, expected: Hist): void {
  assert.equal(actual.count, expected.count, 'count');
  assert.equal(actual.min, expected.min, 'min');
  assert.equal(actual.max, expected.max, 'max');
  assert.equal(actual.mean, expected.mean, 'mean');
  assert.equal(actual.clampedHigh, expected.clampedHigh, 'clampedHigh');
  assert.equal(actual.clampedLow, expected.clampedLow, 'clampedLow');
  for (const p of PERCENTILES) assert.equal(actual.percentileUs(p), expected.percentileUs(p), `p${p}`);
  // The encoding is the whole counts array: equal text means the same count in every bucket.
  assert.equal(actual.encode(), expected.encode(), 'bucket counts');
}

describe('Hist (SPEC §10.1 histograms)', () => {
  describe('percentiles', () => {
    it('gives p50 ≈ 5000 µs and p99 ≈ 9900 µs for 1..10000 µs uniform, within hdr 3-digit precision', () => {
      const h = histOf(Array.from({ length: 10_000 }, (_, i) => i + 1));
      assert.equal(h.count, 10_000);
      const p50 = h.percentileUs(50);
      const p99 = h.percentileUs(99);
      assert.ok(p50 !== null && Math.abs(p50 - 5000) <= 5, `p50 ${p50}`);
      assert.ok(p99 !== null && Math.abs(p99 - 9900) <= 10, `p99 ${p99}`);
      assert.equal(h.min, 1);
      const max = h.max;
      assert.ok(max !== null && max >= 10_000 && max <= 10_010, `max ${max}`);
      assert.equal(h.percentileUs(100), max);
      const mean = h.mean;
      assert.ok(mean !== null && Math.abs(mean - 5000.5) <= 5, `mean ${mean}`);
    });

    it('reports percentiles in ms as the µs value / 1000', () => {
      const h = histOf([1000, 2000, 3000, 250_000]);
      assert.equal(h.percentileUs(50), 2000);
      assert.equal(h.percentileMs(50), 2);
      const p100 = h.percentileUs(100);
      assert.ok(p100 !== null);
      assert.equal(h.percentileMs(100), p100 / 1000);
    });

    it('returns null for every statistic of an empty histogram (never 0)', () => {
      const h = new Hist();
      assert.equal(h.isEmpty, true);
      assert.equal(h.count, 0);
      assert.equal(h.min, null);
      assert.equal(h.max, null);
      assert.equal(h.mean, null);
      assert.equal(h.percentileUs(99), null);
      assert.equal(h.percentileMs(50), null);
    });

    it('rejects a percentile outside [0, 100] as a programming error', () => {
      const h = histOf([5]);
      assert.throws(() => h.percentileUs(101), RangeError);
      assert.throws(() => h.percentileUs(Number.NaN), RangeError);
    });
  });

  describe('recording', () => {
    it('records ms values as µs', () => {
      const h = new Hist();
      h.recordMs(1.5);
      assert.equal(h.min, 1500);
      assert.equal(h.percentileMs(50), 1.5);
    });

    it('rounds fractional µs to the nearest integer and records values below 1 µs as 1 µs without clamping', () => {
      const h = new Hist();
      h.record(0);
      h.record(0.3);
      h.record(2.6);
      assert.equal(h.count, 3);
      assert.equal(h.clampedCount, 0);
      assert.equal(h.min, 1);
      assert.equal(h.max, 3);
      assert.equal(h.percentileUs(60), 1);
    });

    it('records weighted values with recordN, and ignores a count of 0', () => {
      const h = new Hist();
      h.recordN(100, 5);
      h.recordN(200, 0);
      h.recordN(300, 1);
      assert.equal(h.count, 6);
      assert.equal(h.percentileUs(80), 100);
      assert.equal(h.max, 300);
      assert.equal(h.encode(), histOf([100, 100, 100, 100, 100, 300]).encode());
    });

    it('rejects a negative or fractional recordN count as a programming error', () => {
      const h = new Hist();
      assert.throws(() => h.recordN(10, -1), RangeError);
      assert.throws(() => h.recordN(10, 1.5), RangeError);
      assert.equal(h.count, 0);
    });
  });

  describe('clamping', () => {
    it('records values above 1 h as 1 h and counts them as clamped high, never dropping them', () => {
      const h = histOf([10, 20]);
      h.record(HIST_MAX_US + 1);
      h.record(5e12);
      h.record(Number.POSITIVE_INFINITY);
      h.recordN(1e10, 4);
      assert.equal(h.count, 9);
      assert.equal(h.clampedHigh, 7);
      assert.equal(h.clampedLow, 0);
      assert.equal(h.clampedCount, 7);
      const max = h.max;
      assert.ok(max !== null && max >= HIST_MAX_US && max <= HIST_MAX_US * 1.001, `max ${max}`);
      assert.equal(h.percentileUs(99), max);
    });

    it('keeps a value of exactly 1 h unclamped', () => {
      const h = histOf([HIST_MAX_US]);
      assert.equal(h.clampedCount, 0);
      assert.equal(h.count, 1);
    });

    it('records NaN and negative values as 1 µs and counts them as clamped low', () => {
      const h = histOf([Number.NaN, -5, Number.NEGATIVE_INFINITY, 700]);
      assert.equal(h.count, 4);
      assert.equal(h.clampedLow, 3);
      assert.equal(h.clampedHigh, 0);
      assert.equal(h.min, 1);
      assert.equal(h.percentileUs(75), 1);
    });

    it('carries clamped counts through encode/decode and adds them on merge', () => {
      const a = histOf([1e11, -1, 50]);
      const b = histOf([1e11, 1e11, 60]);
      const da = Hist.decode(a.encode());
      assert.equal(da.clampedHigh, 1);
      assert.equal(da.clampedLow, 1);
      da.addEncoded(b.encode());
      assert.equal(da.clampedHigh, 3);
      assert.equal(da.clampedLow, 1);
      assert.equal(da.count, 6);
      assertSameDistribution(Hist.decode(da.encode()), da);
    });
  });

  describe('codec', () => {
    for (const seed of [1, 7, 42]) {
      it(`decode(encode(h)) has the same buckets, counts, min/max and percentiles (random data, seed ${seed})`, () => {
        const rand = seededRandom(seed);
        const values = [
          ...latencyValues(rand, 3000, 20_000),
          ...latencyValues(rand, 500, 50),
          ...Array.from({ length: 200 }, () => rand() * 1e9),
        ];
        const h = histOf(values);
        const d = Hist.decode(h.encode());
        assertSameDistribution(d, h);
        assert.equal(d.count, values.length);
      });
    }

    it('encodes an empty histogram as the emptyEncoded constant, which decodes to an empty histogram', () => {
      assert.equal(new Hist().encode(), emptyEncoded);
      const d = Hist.decode(emptyEncoded);
      assert.equal(d.isEmpty, true);
      assert.equal(d.clampedCount, 0);
      const viaHdr = hdr.decodeFromCompressedBase64(emptyEncoded, 32);
      assert.equal(viaHdr.totalCount, 0);
    });

    it('writes plain hdr compressed base64 (readable by hdr-histogram-js) when nothing was clamped', () => {
      const h = histOf([100, 200, 300]);
      const text = h.encode();
      assert.ok(text.startsWith('HISTF'), text);
      const viaHdr = hdr.decodeFromCompressedBase64(text, 32);
      assert.equal(viaHdr.totalCount, 3);
      assert.equal(viaHdr.getValueAtPercentile(50), 200);
    });

    it('prefixes the clamped counts as c=<high>,<low>; only when values were clamped', () => {
      const h = histOf([100]);
      h.record(1e12);
      h.record(-3);
      h.record(-4);
      assert.match(h.encode(), /^c=1,2;HISTF/);
    });

    it('keeps an empty histogram small and a 1 000-sample latency histogram under 2 KB', () => {
      assert.ok(emptyEncoded.length <= 64, `empty: ${emptyEncoded.length} chars`);
      const h = histOf(latencyValues(seededRandom(3), 1000));
      const size = h.encode().length;
      // Measured ≈ 1.05 KB; 13 such histograms in a query snapshot stay well under Kafka's 1 MB message limit.
      assert.ok(size <= 2048, `1 000 samples: ${size} chars`);
      assert.ok(size > emptyEncoded.length, 'a populated histogram encodes more than an empty one');
    });

    it('recognises its own encodings and rejects other text by shape', () => {
      assert.equal(looksLikeEncodedHist(emptyEncoded), true);
      assert.equal(looksLikeEncodedHist(histOf([5, 6e12]).encode()), true);
      for (const bad of ['', 'hello', 'HISTF', 'HISTF!!!', 'c=1,2;', 'c=x,2;HISTFAAAAB54', emptyEncoded.slice(0, -1)]) {
        assert.equal(looksLikeEncodedHist(bad), false, JSON.stringify(bad));
      }
    });

    it('throws an IB_RUN error for text that is not an encoded histogram', () => {
      for (const bad of ['hello', 'HISTFAAAAB54nJNpmSzMwMDACMXM', `c=1,0;${'A'.repeat(8)}`]) {
        assert.throws(() => Hist.decode(bad), (e: unknown) => e instanceof IncidentBenchError && e.code === 'IB_RUN');
      }
    });

    it('rejects an hdr histogram built with other settings (range or precision)', () => {
      const other = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: 2 });
      other.recordValue(500);
      const text = hdr.encodeIntoCompressedBase64(other);
      assert.throws(() => Hist.decode(text), /expected 1\.\.3600000000 µs, 3 digits/);
    });
  });

  describe('merge', () => {
    it('adding N histograms equals one histogram fed all the values (every percentile and bucket)', () => {
      const rand = seededRandom(11);
      const parts: number[][] = [];
      for (let i = 0; i < 25; i++) parts.push(latencyValues(rand, 1 + Math.floor(rand() * 400), 1000 * (1 + i)));
      parts.push([]);
      parts.push([1e13, -1]);
      const all = histOf(parts.flat());
      const merged = new Hist();
      for (const p of parts) merged.add(histOf(p));
      assertSameDistribution(merged, all);
    });

    it('adding the encoded forms (the aggregator path) equals one histogram fed all the values', () => {
      const rand = seededRandom(12);
      const parts = Array.from({ length: 40 }, (_, i) => latencyValues(rand, 50, 5000 + 300 * i));
      const merged = new Hist();
      for (const p of parts) merged.addEncoded(histOf(p).encode());
      assertSameDistribution(merged, histOf(parts.flat()));
    });

    it('leaves the added histogram unchanged', () => {
      const a = histOf([10, 20, 30]);
      const b = histOf([40, 1e12]);
      const before = b.encode();
      a.add(b);
      assert.equal(b.encode(), before);
      assert.equal(b.count, 2);
      assert.equal(a.count, 5);
      assert.equal(a.clampedHigh, 1);
    });

    it('clones into an independent copy', () => {
      const a = histOf([10, 20]);
      const c = a.clone();
      c.record(30);
      assert.equal(a.count, 2);
      assert.equal(c.count, 3);
    });
  });

  it('merges histograms recorded and encoded in worker threads exactly on the main thread', async () => {
    const histUrl = new URL('../../../src/metrics/hist.js', import.meta.url).href;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.histUrl).then(({ Hist }) => {
        const h = new Hist();
        for (const v of workerData.values) h.record(v);
        parentPort.postMessage(h.encode());
      });`;
    const rand = seededRandom(99);
    const parts = [latencyValues(rand, 300), latencyValues(rand, 200, 900), [...latencyValues(rand, 10), 1e12]];
    const merged = new Hist();
    for (const values of parts) {
      const worker = new Worker(code, { eval: true, workerData: { histUrl, values } });
      const [encoded] = (await once(worker, 'message')) as [string];
      await worker.terminate();
      merged.addEncoded(encoded);
    }
    assertSameDistribution(merged, histOf(parts.flat()));
  });

  it('reset empties values and clamped counts', () => {
    const h = histOf([10, 1e12, -1]);
    h.reset();
    assert.equal(h.isEmpty, true);
    assert.equal(h.clampedCount, 0);
    assert.equal(h.max, null);
    assert.equal(h.encode(), emptyEncoded);
    h.record(42);
    assert.equal(h.min, 42);
    assert.equal(h.max, 42);
  });
});
