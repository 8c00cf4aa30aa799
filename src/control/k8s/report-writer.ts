// Rebuilds a finished run's run.json and report.html from its Kafka topics for the operator (SPEC §13.1, §15.2),
// exactly as `incidentbench report --from-kafka` does, and stores them as the run's report ConfigMap. Must not change
// the records it reads, nor keep the report anywhere but the ConfigMap.

import type { Logger } from '../../core/logger.js';
import type { Timers } from '../../core/timers.js';
import { VERSION } from '../../core/version.js';
import type { KafkaSettings } from '../../kafka/kafka-config.js';
import { renderReportHtml } from '../../report/html-report.js';
import { readRunFromKafka } from '../../report/kafka-records.js';
import { aggregateRecords } from '../../report/rebuild-run.js';
import { buildRunResult } from '../../stream-agg/run-result.js';
import type { KubeApi } from './kube-api.js';
import { reportConfigMap } from './report-configmap.js';
import type { IncidentBenchRun } from './run-resource.js';

export interface WrittenReportConfigMap {
  name: string;
  hasHtml: boolean;
  htmlGzBytes: number;
}

/** Reads the run's plan (control topic) and records (metrics topic), rebuilds run.json + report.html, creates `R-report`. */
export async function writeRunReport(api: KubeApi, run: IncidentBenchRun, settings: KafkaSettings, logger: Logger,
  timers: Timers, nowMs: number, timeoutS = 60): Promise<WrittenReportConfigMap> {
  const name = run.metadata.name;
  const k = await readRunFromKafka(settings, name, logger, timers, timeoutS);
  const agg = aggregateRecords(k.plan, k.records);
  for (let i = 0; i < k.malformed.count; i++) agg.malformed(k.malformed.first ?? 'unreadable record');
  const runJson = buildRunResult(k.plan, agg, { version: VERSION, generatedAt: new Date(nowMs).toISOString() });
  const built = reportConfigMap(run, `${JSON.stringify(runJson, null, 2)}\n`, renderReportHtml(runJson));
  await api.createConfigMap(run.metadata.namespace ?? api.defaultNamespace, built.configMap);
  return { name: built.configMap.metadata?.name ?? '', hasHtml: built.hasHtml, htmlGzBytes: built.htmlGzBytes };
}
