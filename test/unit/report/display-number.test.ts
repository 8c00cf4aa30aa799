import assert from 'node:assert/strict';
import { linearAxis, logAxis, niceStep, timeTicks } from '../../../src/report/chart-axis.js';
import {
  formatCount, formatElapsed, formatFixed, formatInstant, formatMs, formatPercent, formatRatio, formatSeconds, formatSigned,
  formatTick, NO_VALUE,
} from '../../../src/report/display-number.js';
import { escapeAttr, escapeHtml, html, raw } from '../../../src/report/html-escape.js';
import { centredMovingAverage } from '../../../src/report/series-smoothing.js';

const NNBSP = '\u202f';

describe('report number formatting', () => {
  it('groups thousands with a narrow no-break space and rounds half up on the decimal value', () => {
    assert.equal(formatCount(13_500_000), `13${NNBSP}500${NNBSP}000`);
    assert.equal(formatCount(999), '999');
    assert.equal(formatFixed(1.005, 2), '1.01');
    assert.equal(formatFixed(-1234.5, 0), `−1${NNBSP}235`);
    assert.equal(formatFixed(-0.0001, 2), '0.00');
  });

  it('writes milliseconds with about three significant digits', () => {
    assert.deepEqual([0.4123, 7.5, 42.25, 900, 5200].map(formatMs), ['0.412', '7.50', '42.3', '900', `5${NNBSP}200`]);
  });

  it('writes null as the no-value dash', () => {
    for (const f of [formatCount, formatMs, formatPercent, formatRatio, formatSeconds]) assert.equal(f(null), NO_VALUE);
  });

  it('writes shares as percentages, ratios with ×, seconds with up to three decimals', () => {
    assert.equal(formatPercent(0.0033), '0.33 %');
    assert.equal(formatPercent(0.9996), '99.96 %');
    assert.equal(formatPercent(1), '100 %');
    assert.equal(formatRatio(7.5), '7.50×');
    assert.equal(formatSeconds(30.004), '30.004');
    assert.equal(formatSeconds(41), '41');
    assert.equal(formatSigned(-24, formatMs), '−24.0');
    assert.equal(formatSigned(270, formatMs), '+270');
  });

  it('writes axis ticks compactly and elapsed time as a clock', () => {
    assert.equal(formatTick(1500, 500), '1.5k');
    assert.equal(formatTick(1250, 250), '1.25k');
    assert.equal(formatTick(3000, 300), '3k');
    assert.equal(formatTick(2_000_000, 1_000_000), '2M');
    assert.equal(formatTick(0.25, 0.05), '0.25');
    assert.equal(formatElapsed(75), '1:15');
    assert.equal(formatElapsed(3725), '1:02:05');
  });

  it('writes instants in UTC whatever the local time zone, and leaves other text as it is', () => {
    assert.equal(formatInstant('2026-11-27T10:00:00.000+02:00'), '2026-11-27 08:00:00 UTC');
    assert.equal(formatInstant('yesterday'), 'yesterday');
  });
});

describe('chart axes', () => {
  it('picks nice linear ticks from zero up to the first tick above the data', () => {
    const a = linearAxis(0, 2000);
    assert.deepEqual(a.ticks, [0, 500, 1000, 1500, 2000]);
    assert.deepEqual(linearAxis(120, 930).ticks, [0, 200, 400, 600, 800, 1000]);
    assert.equal(niceStep(1, 5), 0.2);
    assert.equal(a.fraction(1000), 0.5);
  });

  it('gives a flat zero series a non-empty axis', () => {
    const a = linearAxis(0, 0);
    assert.ok(a.max > a.min);
  });

  it('spans whole decades on a log axis and cannot place values ≤ 0', () => {
    const a = logAxis(12, 4000);
    assert.equal(a.min, 10);
    assert.equal(a.max, 10_000);
    assert.equal(a.fraction(0), null);
    assert.ok(Math.abs(a.fraction(100)! - 1 / 3) < 1e-12);
  });

  it('places time ticks at clock-friendly steps counted from the origin', () => {
    assert.deepEqual(timeTicks(1000, 1180, 1000, 10), [1000, 1030, 1060, 1090, 1120, 1150, 1180]);
    assert.deepEqual(timeTicks(1000, 1060, 990, 4), [1005, 1020, 1035, 1050]);
  });
});

describe('HTML escaping', () => {
  it('escapes text and attribute values', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(escapeAttr('a\nb'), 'a&#10;b');
  });

  it('escapes every interpolated string in the html tag but keeps nested safe markup', () => {
    const name = '<script>x</script>';
    const out = html`<td title="${name}">${html`<b>${name}</b>`}${[name, 1]}${null}${raw('<i>ok</i>')}</td>`.markup;
    assert.equal(out, '<td title="&lt;script&gt;x&lt;/script&gt;"><b>&lt;script&gt;x&lt;/script&gt;</b>&lt;script&gt;x&lt;/script&gt;1<i>ok</i></td>');
  });
});

describe('display smoothing', () => {
  it('averages a centred 10-sample window, skipping nulls', () => {
    const raw10 = [0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0];
    const s = centredMovingAverage(raw10, 10);
    assert.equal(s[0], 0); // window 0‥4
    assert.equal(s[1], 100 / 6); // window 0‥5, cut at the start
    assert.equal(s[5], 10); // window 0‥9
    assert.equal(s[10], 100 / 7); // window 5‥11, cut at the end
    assert.deepEqual(centredMovingAverage([null, null], 10), [null, null]);
    assert.deepEqual(centredMovingAverage([null, 4, null], 10), [4, 4, 4]);
  });
});
