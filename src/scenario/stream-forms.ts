// The two ways a scenario declares its data (SPEC §3.4) seen as one list of streams, each with the
// document paths of its parts. Must not validate; callers check what the view points at.

import type { DocPath } from './problems.js';
import type { DataStreamDef, ScenarioDoc, SchemaDef } from './schema.js';

export interface StreamView {
  name: string;
  schema: SchemaDef;
  schemaPath: DocPath;
  seed: number;
  seedPath: DocPath;
  kafkaPartitions: number | null;
  ingestReplicas: number | null;
  /** Ingest settings of the phase at `phaseIndex`, with the path where they are (or should be) written. */
  ingestOf(phaseIndex: number): { target_eps: number; batch_size?: number | undefined } | undefined;
  ingestPath(phaseIndex: number): DocPath;
  form: 'single' | 'multi';
}

export function streamViews(doc: ScenarioDoc): StreamView[] {
  const phases = doc.timeline?.phases ?? [];
  if (doc.data_streams && doc.data_streams.length > 0) {
    return doc.data_streams.map((s: DataStreamDef, i: number): StreamView => ({
      name: s.name,
      schema: s.schema,
      schemaPath: ['data_streams', i, 'schema'],
      seed: s.data_generator?.config?.seed ?? 0,
      seedPath: ['data_streams', i, 'data_generator', 'config', 'seed'],
      kafkaPartitions: s.kafka_partitions ?? null,
      ingestReplicas: s.ingest_replicas ?? null,
      ingestOf: (p) => (phases[p] ? s.ingest?.[phases[p]!.name] : undefined),
      ingestPath: (p) => ['data_streams', i, 'ingest', phases[p]?.name ?? String(p)],
      form: 'multi',
    }));
  }
  if (doc.schema) {
    const schema = doc.schema;
    return [{
      name: schema.index_name,
      schema,
      schemaPath: ['schema'],
      seed: doc.data_generator?.config?.seed ?? 0,
      seedPath: ['data_generator', 'config', 'seed'],
      kafkaPartitions: null,
      ingestReplicas: null,
      ingestOf: (p) => phases[p]?.ingest,
      ingestPath: (p) => ['timeline', 'phases', p, 'ingest'],
      form: 'single',
    }];
  }
  return [];
}
