// report.html and compare.html opened from file:// in headless Chromium (SPEC §16 "Browser"): nothing but the file is
// requested, no console error, every chart is drawn with a visible series, and a screenshot can be taken.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { renderCompareHtml } from '../../../src/report/compare-html.js';
import { compareRuns } from '../../../src/report/compare.js';
import { renderReportHtml } from '../../../src/report/html-report.js';
import { sampleRunJson } from '../../support/sample-run-json.js';

const CHROMIUM = '/usr/bin/chromium';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface ChartBox {
  id: string;
  width: number;
  height: number;
  /** Per `path[data-series]`: its `d` length and bounding box. */
  paths: { series: string; d: number; width: number; height: number }[];
}

interface PageFindings {
  requests: string[];
  errors: string[];
  charts: ChartBox[];
  /** Document width beyond the viewport (horizontal page scroll), px. */
  overflowX: number;
}

/** Runs in the page: every chart root with its size and the size of each of its series paths. */
const MEASURE_CHARTS = `[...document.querySelectorAll('svg[data-chart]')].map((svg) => {
  const r = svg.getBoundingClientRect();
  return {
    id: svg.getAttribute('data-chart'), width: r.width, height: r.height,
    paths: [...svg.querySelectorAll('path[data-series]')].map((p) => {
      const b = p.getBBox();
      return { series: p.getAttribute('data-series'), d: (p.getAttribute('d') || '').length, width: b.width, height: b.height };
    }),
  };
})`;

describe('HTML reports in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | null = null;
  let dir = '';

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      skipped: ${CHROMIUM} is absent (install the Debian package chromium)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'ib-report-browser-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the file, collects requests, console errors and chart geometry, and saves a full-page screenshot. */
  async function open(file: string, screenshot: string): Promise<PageFindings> {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const charts = (await page.evaluate(MEASURE_CHARTS)) as ChartBox[];
      const overflowX = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      await page.screenshot({ path: screenshot, fullPage: true });
      return { requests, errors, charts, overflowX };
    } finally {
      await page.close();
    }
  }

  function assertPage(f: PageFindings, file: string, chartIds: readonly string[]): void {
    assert.deepEqual(f.requests, [pathToFileURL(file).href], 'the file itself is the only request');
    assert.deepEqual(f.errors, []);
    assert.deepEqual(f.charts.map((c) => c.id), chartIds);
    for (const c of f.charts) {
      assert.ok(c.width > 100 && c.height > 100, `chart ${c.id} has a visible box (${c.width}×${c.height})`);
      const drawn = c.paths.filter((p) => p.d > 0 && (p.width > 0 || p.height > 0));
      assert.ok(drawn.length >= 1, `chart ${c.id} draws at least one series: ${JSON.stringify(c.paths)}`);
    }
    assert.ok(f.overflowX <= 0, `no horizontal page scroll at 1280 px (overflow ${f.overflowX} px)`);
  }

  function assertPng(path: string): void {
    const png = readFileSync(path);
    assert.ok(png.length > 10_000, `screenshot ${path} is not empty (${png.length} bytes)`);
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'screenshot is a PNG');
  }

  it('loads report.html from file:// with nothing else requested, no error, and every chart drawn', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReportHtml(sampleRunJson({ hostileTitle: '<script>alert("title")</script> drill' })));
    const findings = await open(file, join(dir, 'report.png'));
    assertPage(findings, file, ['ingest-eps', 'consumer-lag', 'query-qps', 'query-latency', 'query-errors', 'freshness',
      'query-groups', 'latency-distribution']);
    assertPng(join(dir, 'report.png'));
  });

  it('loads compare.html from file:// with nothing else requested, no error, and every overlaid timeline drawn', async () => {
    const result = compareRuns([
      { run: sampleRunJson() },
      { run: sampleRunJson({ latencyFactor: 1.4, runName: 'contender-<b>1</b>' }) },
      { run: sampleRunJson({ latencyFactor: 0.7, runName: 'contender-2', valid: false }) },
    ]);
    assert.ok(result.ok);
    const file = join(dir, 'compare.html');
    writeFileSync(file, renderCompareHtml(result.comparison));
    const findings = await open(file, join(dir, 'compare.png'));
    assertPage(findings, file, ['compare-query-p99', 'compare-acked-eps', 'compare-lag']);
    for (const c of findings.charts) assert.equal(c.paths.length, 3, `chart ${c.id} has one series per run`);
    assertPng(join(dir, 'compare.png'));
  });
});
