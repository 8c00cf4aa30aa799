// Semantic checks of the data side (SPEC §3.4, §5.2): which form is used, unique stream and index
// names, and each stream's field definitions. Must not check queries or phases.

import { checkFields } from './check-fields.js';
import type { ProblemSink } from './problems.js';
import { show } from './problems.js';
import type { ScenarioDoc } from './schema.js';
import type { StreamView } from './stream-forms.js';
import { didYouMean } from './suggest.js';

/** The keys the template generator's `config` reads (SPEC §3.4: `{ seed }`). */
const GENERATOR_CONFIG_KEYS = ['seed'] as const;

export function checkStreams(doc: ScenarioDoc, streams: StreamView[], sink: ProblemSink): void {
  const single = doc.schema !== undefined || doc.data_generator !== undefined;
  if (doc.data_streams !== undefined && single) {
    const other = doc.schema !== undefined ? 'schema' : 'data_generator';
    sink.error(['data_streams'], `${show(other)} and "data_streams" exclude each other; expected either the `
      + 'single-stream form (schema + data_generator) or data_streams, not both', 'key');
  } else if (doc.data_streams !== undefined && doc.data_streams.length === 0) {
    sink.error(['data_streams'], 'must have at least one stream; expected a stream, or no data_streams key for a '
      + 'query-only scenario');
  } else if (doc.schema !== undefined && doc.data_generator === undefined) {
    sink.error([], 'missing required key "data_generator" (the single-stream form needs schema and '
      + 'data_generator: {type: template, config: {seed: N}})');
  } else if (doc.schema === undefined && doc.data_generator !== undefined) {
    sink.error(['data_generator'], 'data_generator without schema; expected a schema: beside it (or '
      + 'data_streams)', 'key');
  }

  const names = new Map<string, number>();
  const indexes = new Map<string, number>();
  streams.forEach((s, i) => {
    if (s.form === 'multi') {
      const n = names.get(s.name);
      if (n !== undefined) {
        sink.error(['data_streams', i, 'name'], `duplicate stream name ${show(s.name)} (also data_streams[${n}]); `
          + 'expected unique names');
      } else names.set(s.name, i);
    }
    const x = indexes.get(s.schema.index_name);
    if (x !== undefined) {
      sink.error([...s.schemaPath, 'index_name'], `duplicate index_name ${show(s.schema.index_name)} (also `
        + `data_streams[${x}]); expected one index per stream`);
    } else indexes.set(s.schema.index_name, i);

    // Other keys of data_generator.config are kept loadable (reference files may carry their own) but said, so a
    // typo such as "sede" does not silently leave the seed at 0.
    const configPath = s.seedPath.slice(0, -1);
    const config = (s.form === 'multi' ? doc.data_streams?.[i]?.data_generator : doc.data_generator)?.config ?? {};
    for (const key of Object.keys(config)) {
      if ((GENERATOR_CONFIG_KEYS as readonly string[]).includes(key)) continue;
      sink.warn([...configPath, key], `unknown key ${show(key)} of the template generator's config is ignored${didYouMean(key, GENERATOR_CONFIG_KEYS)}; `
        + 'it reads only "seed"', 'key');
    }

    checkFields(s.schema.fields, [...s.schemaPath, 'fields'], sink, {
      timestampField: s.schema.timestamp_field,
      partitionKey: s.schema.partition_key ?? null,
      idField: doc.freshness?.id_field ?? null,
    });
  });
}
