// Builders of small scenario texts for tests: a valid six-phase single-stream scenario whose parts
// a test can replace. Must not be used outside tests.

export interface ScenarioParts {
  name?: string;
  fields?: string;
  queries?: string;
  phases?: string;
  extra?: string;
  eps?: number[];
  qps?: number[];
  durations?: number[];
}

const STANDARD = ['baseline', 'incident_trigger', 'ingestion_surge', 'overlap', 'recovery', 'post_incident'];

export const BASIC_FIELDS = `    - name: "@timestamp"
      type: timestamp
      generator: now
    - name: level
      type: keyword
      generator: weighted_enum
      config:
        values: { INFO: 0.9, ERROR: 0.1 }
    - name: trace_id
      type: keyword
      generator: hex
      config: { length: 8 }
    - name: latency_ms
      type: int
      generator: range
      config: { min: 1, max: 100 }
`;

export const BASIC_QUERIES = `    - name: errors
      type: search
      template: "level:ERROR"
`;

export function phasesText(eps: number[], qps: number[], durations: number[]): string {
  return STANDARD.map((n, i) => `    - name: ${n}
      duration_seconds: ${durations[i] ?? 30}
      ingest: { target_eps: ${eps[i] ?? 100}, batch_size: 50 }
      query: { target_qps: ${qps[i] ?? 1} }
`).join('');
}

export function scenarioText(p: ScenarioParts = {}): string {
  return `scenario:
  name: ${p.name ?? 'unit'}
  version: 1.0.0
schema:
  index_name: unit-logs
  timestamp_field: "@timestamp"
  fields:
${p.fields ?? BASIC_FIELDS}data_generator:
  type: template
  config: { seed: 7 }
query_mix:
  queries:
${p.queries ?? BASIC_QUERIES}timeline:
  phases:
${p.phases ?? phasesText(p.eps ?? [], p.qps ?? [], p.durations ?? [])}${p.extra ?? ''}`;
}
