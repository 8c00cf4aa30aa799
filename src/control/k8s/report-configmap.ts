// The report ConfigMap `R-report` (SPEC §15.2): run.json and report.html gzip-compressed as binaryData, report.html
// left out when both together are above the 900 KiB budget. Pure; must not do I/O nor render the report.

import { gzipSync } from 'node:zlib';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { childLabels, ownerReference } from './child-meta.js';
import { REPORT_HTML_GZ_BYTES_ANNOTATION } from './observed-objects.js';
import { childNames, REPORT_HTML_LIMIT_BYTES, REPORT_KEYS, type IncidentBenchRun } from './run-resource.js';

export interface ReportConfigMap {
  configMap: V1ConfigMap;
  /** report.html is in it. */
  hasHtml: boolean;
  htmlGzBytes: number;
}

/** Builds `R-report`; throws when run.json alone is above the budget (nothing sensible fits then). */
export function reportConfigMap(run: IncidentBenchRun, runJsonText: string, html: string): ReportConfigMap {
  const runGz = gzipSync(Buffer.from(runJsonText, 'utf8'));
  const htmlGz = gzipSync(Buffer.from(html, 'utf8'));
  if (runGz.length > REPORT_HTML_LIMIT_BYTES) {
    throw new Error(`run.json is ${Math.ceil(runGz.length / 1024)} KiB gzip, above the ${REPORT_HTML_LIMIT_BYTES / 1024} KiB ConfigMap budget`);
  }
  const hasHtml = runGz.length + htmlGz.length <= REPORT_HTML_LIMIT_BYTES;
  const name = run.metadata.name;
  const binaryData: Record<string, string> = { [REPORT_KEYS.runJson]: runGz.toString('base64') };
  if (hasHtml) binaryData[REPORT_KEYS.reportHtml] = htmlGz.toString('base64');
  const configMap: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: childNames.reportConfigMap(name),
      namespace: run.metadata.namespace,
      labels: childLabels({ run: name, namespace: run.metadata.namespace ?? '', planHash: '', owner: run }, 'coordinator'),
      annotations: { [REPORT_HTML_GZ_BYTES_ANNOTATION]: String(htmlGz.length) },
      ownerReferences: [ownerReference(run)],
    },
    binaryData,
  };
  return { configMap, hasHtml, htmlGzBytes: htmlGz.length };
}
