// Semantic checks of timeline.phases (SPEC §3.2, §3.4): the six standard phases for scenarios that
// ingest, unique free names otherwise, roles, and where ingest settings may appear. Not query mixes.

import type { ProblemSink } from './problems.js';
import { show } from './problems.js';
import { STANDARD_PHASES, type ScenarioDoc } from './schema.js';
import type { StreamView } from './stream-forms.js';
import { didYouMean } from './suggest.js';

export function checkTimeline(doc: ScenarioDoc, streams: StreamView[], sink: ProblemSink): void {
  const phases = doc.timeline.phases;
  const names = phases.map((p) => p.name);
  const standard = STANDARD_PHASES.join(', ');

  if (streams.length > 0) {
    if (phases.length !== STANDARD_PHASES.length) {
      const missing = STANDARD_PHASES.filter((n) => !names.includes(n));
      const extra = names.filter((n) => !(STANDARD_PHASES as readonly string[]).includes(n));
      const detail = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : '']
        .filter(Boolean).join('; ');
      sink.error(['timeline', 'phases'], `has ${phases.length} phases${detail ? ` (${detail})` : ''}; a scenario `
        + `that ingests data needs exactly these six in order: ${standard}`);
    } else {
      phases.forEach((p, i) => {
        const want = STANDARD_PHASES[i]!;
        if (p.name !== want) {
          sink.error(['timeline', 'phases', i, 'name'], `expected ${show(want)} (phase ${i + 1} of the six `
            + `standard phases in order: ${standard}), got ${show(p.name)}`);
        }
      });
    }
  }

  const seen = new Map<string, number>();
  phases.forEach((p, i) => {
    const first = seen.get(p.name);
    if (first !== undefined) {
      sink.error(['timeline', 'phases', i, 'name'], `duplicate phase name ${show(p.name)} (also phases[${first}]); `
        + 'expected unique names');
    } else seen.set(p.name, i);
  });

  const roleAt = new Map<string, number>();
  phases.forEach((p, i) => {
    if (!p.role || p.role === 'warmup') return;
    const first = roleAt.get(p.role);
    if (first !== undefined) {
      sink.error(['timeline', 'phases', i, 'role'], `role ${show(p.role)} is already given to phases[${first}] `
        + `(${show(phases[first]!.name)}); expected at most one phase per scorecard role`);
    } else roleAt.set(p.role, i);
  });

  const form = streams[0]?.form;
  phases.forEach((p, i) => {
    if (form === 'single' && !p.ingest) {
      sink.error(['timeline', 'phases', i], 'missing required key "ingest" (a scenario with a schema needs '
        + 'ingest: {target_eps, batch_size} in every phase)');
    }
    if (form === 'multi' && p.ingest) {
      sink.error(['timeline', 'phases', i, 'ingest'], 'phases of a multi-stream scenario carry no ingest:; '
        + `expected it under data_streams[].ingest.${p.name}`, 'key');
    }
    if (form === undefined && p.ingest) {
      sink.error(['timeline', 'phases', i, 'ingest'], 'this scenario has no data stream (no schema or '
        + 'data_streams), so ingest: has nothing to produce; expected no ingest: in a query-only scenario', 'key');
    }
  });

  // Multi-stream ingest maps: an entry for every phase, and only for phases that exist.
  for (const [si, s] of (doc.data_streams ?? []).entries()) {
    const ingest = s.ingest ?? {};
    for (const key of Object.keys(ingest)) {
      if (!names.includes(key)) {
        sink.error(['data_streams', si, 'ingest', key], `${show(key)} is not a phase of the timeline${didYouMean(key, names)}; `
          + `expected one of the phase names: ${names.join(', ')}`, 'key');
      }
    }
    for (const name of names) {
      if (!(name in ingest)) {
        sink.error(['data_streams', si, 'ingest'], `missing an entry for phase ${show(name)}; expected one entry `
          + 'for every phase ({target_eps, batch_size})');
      }
    }
  }
}
