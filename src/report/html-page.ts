// The page shell shared by report.html and compare.html: inline stylesheet, document frame, sections, tables,
// badges and the "no value" cell. Must not load anything (no external URL) nor read run data itself.

import { html, raw, type HtmlValue, type SafeHtml } from './html-escape.js';
import { NO_VALUE } from './display-number.js';

const CSS = `
:root{--ink:#1f2937;--muted:#4b5563;--faint:#6b7280;--line:#e5e7eb;--bg:#f4f6f9;--card:#fff;--accent:#1d4ed8;
--ok:#166534;--ok-bg:#dcfce7;--bad:#991b1b;--bad-bg:#fee2e2;--warn:#92400e;--warn-bg:#fef3c7;--na:#475569;--na-bg:#e2e8f0}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page-head{background:#0f172a;color:#f8fafc;padding:28px 0 22px}
.wrap{max-width:1260px;margin:0 auto;padding:0 28px}
.page-head h1{margin:0 0 4px;font-size:26px;line-height:1.25;font-weight:650;letter-spacing:-.01em}
.page-head .subtitle{margin:0 0 14px;color:#cbd5e1;font-size:15px}
.head-row{display:flex;flex-wrap:wrap;align-items:flex-start;justify-content:space-between;gap:16px}
.facts{display:flex;flex-wrap:wrap;gap:6px 26px;margin:0;padding:0}
.facts div{min-width:0}
.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#94a3b8}
.facts dd{margin:0;font-size:14px;color:#f1f5f9;word-break:break-word}
.badges{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.badge{display:inline-block;padding:5px 12px;border-radius:999px;font-size:13px;font-weight:700;letter-spacing:.05em;white-space:nowrap}
.badge.valid{background:#16a34a;color:#fff}.badge.invalid{background:#dc2626;color:#fff}
.badge.not-comparable{background:#d97706;color:#fff}.badge.minor{background:#334155;color:#e2e8f0;font-weight:600;letter-spacing:0}
.notice{margin:14px 0 0;padding:10px 14px;border-radius:8px;background:#7f1d1d;color:#fee2e2}
nav.toc{background:#fff;border-bottom:1px solid var(--line);position:sticky;top:0;z-index:2}
nav.toc .wrap{display:flex;flex-wrap:wrap;gap:2px 18px;padding-top:8px;padding-bottom:8px}
nav.toc a{color:var(--muted);text-decoration:none;font-size:13px}nav.toc a:hover{color:var(--accent)}
main{padding:22px 0 40px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:0 0 20px}
section.card>h2{margin:0 0 4px;font-size:19px;font-weight:650}
section.card>.lead{margin:0 0 16px;color:var(--muted)}
h3{font-size:15px;margin:22px 0 8px;font-weight:650}
p.note{color:var(--muted);margin:8px 0}
.scorecard{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:14px}
.metric{border:1px solid var(--line);border-radius:8px;padding:14px 16px;background:#fcfcfd}
.metric .label{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--faint);font-weight:600}
.metric .value{font-size:26px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums;white-space:nowrap}
.metric .value .unit{font-size:14px;font-weight:500;color:var(--muted);margin-left:4px}
.metric .explain{font-size:12.5px;color:var(--muted);margin:0}
.charts{display:grid;gap:18px}
.chart-box{border:1px solid var(--line);border-radius:8px;padding:12px 10px 4px;background:#fff;overflow:hidden}
.chart-box svg{display:block;width:100%;height:auto}
.table-wrap{overflow-x:auto;margin:6px 0 4px}
table.data{border-collapse:collapse;width:100%;font-size:13px}
table.data th,table.data td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.data thead th{font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--faint);font-weight:600;
background:#f8fafc;border-bottom:1px solid #d1d5db;white-space:nowrap}
table.data thead tr.group th{background:#eef2f7;color:var(--ink);text-align:center;border-bottom:1px solid #d1d5db;text-transform:none;letter-spacing:0;font-size:12.5px}
table.data thead tr.group th+th,table.data .gs{border-left:1px solid #d1d5db}
table.data tbody tr:nth-child(even){background:#fafbfc}
table.data td.num,table.data th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.data td.name{font-weight:600;white-space:nowrap}
table.data td.wrap{white-space:normal;min-width:200px}
.nv{color:#9ca3af;cursor:help}
.chip{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:650;white-space:nowrap}
.chip.pass{background:var(--ok-bg);color:var(--ok)}.chip.fail{background:var(--bad-bg);color:var(--bad)}
.chip.not-judged{background:var(--warn-bg);color:var(--warn)}.chip.not-applicable{background:var(--na-bg);color:var(--na)}
.chip.role{background:#e0e7ff;color:#3730a3;font-weight:600}
.better{color:#15803d;font-weight:600}.worse{color:#b91c1c;font-weight:600}.same{color:var(--muted)}
ul.plain{margin:6px 0;padding-left:20px}ul.plain li{margin:3px 0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:6px 22px;margin:0}
dl.meta dt{color:var(--faint)}dl.meta dd{margin:0;word-break:break-word}
details{margin-top:12px}summary{cursor:pointer;color:var(--accent);font-weight:600}
.muted{color:var(--muted)}
footer{color:var(--faint);font-size:12px;text-align:center;padding:0 0 30px}
@media print{body{background:#fff}nav.toc{display:none}section.card{break-inside:avoid;border:none;padding:0 0 16px}.page-head{background:#fff;color:#000}
.page-head .subtitle,.facts dd,.facts dt{color:#000}}
`;

/** A complete self-contained document: inline CSS, no script, no external reference. */
export function htmlDocument(title: string, body: HtmlValue): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="IncidentBench">
<title>${title}</title>
<style>${raw(CSS.trim().replace(/\n/g, ''))}</style>
</head>
<body>
${body}
</body>
</html>
`.markup;
}

/** A report section: a card with an anchor id, a heading and an optional lead sentence. */
export function section(id: string, title: string, lead: string | null, content: HtmlValue): SafeHtml {
  return html`<section class="card" id="${id}"><h2>${title}</h2>${lead === null ? '' : html`<p class="lead">${lead}</p>`}${content}</section>\n`;
}

/** A table column: its heading, how its cells are styled, and an optional tooltip saying what it means. */
export interface Column {
  head: string;
  /** num: right-aligned tabular figures; name: bold identifier; wrap: long text. */
  kind?: 'num' | 'name' | 'wrap';
  tip?: string;
  /** First column of a column group: drawn with a separator on its left. */
  startsGroup?: boolean;
}

/** A data table inside a horizontally scrollable wrapper; each row holds one value (markup or text) per column. */
export function dataTable(
  columns: readonly Column[], rows: readonly (readonly HtmlValue[])[], groupRow?: readonly { head: string; span: number }[],
): SafeHtml {
  const group = groupRow === undefined ? ''
    : html`<tr class="group">${groupRow.map((g) => html`<th colspan="${g.span}">${g.head}</th>`)}</tr>`;
  const heads = columns.map((c) => html`<th${classOf(c)}${c.tip === undefined ? '' : html` title="${c.tip}"`}>${c.head}</th>`);
  const body = rows.map((r) => html`<tr>${r.map((v, i) => html`<td${classOf(columns[i])}>${v}</td>`)}</tr>`);
  return html`<div class="table-wrap"><table class="data"><thead>${group}<tr>${heads}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function classOf(c: Column | undefined): SafeHtml | '' {
  const classes = [c?.kind, c?.startsGroup ? 'gs' : undefined].filter((x) => x !== undefined);
  return classes.length === 0 ? '' : html` class="${classes.join(' ')}"`;
}

/** A formatted value, or "—" with the tooltip "no value" when the formatter produced the no-value dash. */
export function valueText(text: string): SafeHtml {
  return text === NO_VALUE ? html`<span class="nv" title="no value">${NO_VALUE}</span>` : html`${text}`;
}

/** A nullable number through `format`, with an optional unit; null renders as the "no value" dash. */
export function nullable(v: number | null, format: (x: number) => string, unit = ''): SafeHtml {
  const text = v === null ? NO_VALUE : format(v);
  if (text === NO_VALUE || unit === '') return valueText(text);
  return html`${text}<span class="unit">\u00a0${unit}</span>`;
}

/** A status chip: pass / fail / not judged / not applicable, or a role. */
export function chip(kind: 'pass' | 'fail' | 'not-judged' | 'not-applicable' | 'role', text: string, tip?: string): SafeHtml {
  return html`<span class="chip ${kind}"${tip === undefined ? '' : html` title="${tip}"`}>${text}</span>`;
}
