// Loads a scenario file: YAML with positions → structural check → semantic checks, every problem
// collected and located (SPEC §3.1). Must not resolve defaults or scale (resolve.ts does).

import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { ConfigError, type Problem } from '../core/errors.js';
import { checkQueries } from './check-queries.js';
import { checkRules } from './check-rules.js';
import { checkStreams } from './check-streams.js';
import { checkStructure } from './check-structure.js';
import { checkTimeline } from './check-timeline.js';
import { formatPath, type Anchor, type DocPath, type ProblemSink } from './problems.js';
import { ScenarioSchema, type ScenarioDoc } from './schema.js';
import { streamViews } from './stream-forms.js';
import { YamlSource } from './yaml-source.js';

export interface LoadedScenario {
  file: string;
  baseDir: string;
  text: string;
  doc: ScenarioDoc;
  warnings: Problem[];
}

class LocatingSink implements ProblemSink {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  constructor(private readonly source: YamlSource) {}
  error(path: DocPath, message: string, anchor?: Anchor): void {
    this.errors.push(this.locate(path, message, anchor));
  }
  warn(path: DocPath, message: string, anchor?: Anchor): void {
    this.warnings.push(this.locate(path, message, anchor));
  }
  private locate(path: DocPath, message: string, anchor?: Anchor): Problem {
    const pos = this.source.positionOf(path, anchor);
    return { file: this.source.file, line: pos.line, col: pos.col, path: formatPath(path), message };
  }
}

/** Reads and validates a scenario file; throws ConfigError listing every problem. */
export function loadScenarioFile(file: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file'
      : (err as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory, expected a scenario file'
        : (err as Error).message;
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read: ${reason}` }], 'IB_CONFIG_UNREADABLE');
  }
  return loadScenarioText(text, file, dirname(resolvePath(file)));
}

/** Validates scenario `text` as if read from `file`; `baseDir` resolves `sql_file`. */
export function loadScenarioText(text: string, file: string, baseDir: string): LoadedScenario {
  const { source, problems } = YamlSource.parse(text, file);
  if (!source) throw new ConfigError(problems);
  const sink = new LocatingSink(source);
  const data = source.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    sink.error([], `expected a mapping at the top of the file (scenario:, timeline:, …), got ${Array.isArray(data) ? 'a list' : JSON.stringify(data)}`);
    throw new ConfigError(sink.errors);
  }
  const structurallyValid = checkStructure(data, ScenarioSchema, sink);
  const doc = data as ScenarioDoc;
  // Semantic checks run even after structural errors so that one pass reports as much as possible;
  // a check that trips over a malformed part is skipped — that part already has its structural error.
  const guarded = (check: () => void) => {
    try {
      check();
    } catch (err) {
      if (structurallyValid) throw err;
    }
  };
  let streams: ReturnType<typeof streamViews> = [];
  guarded(() => {
    streams = streamViews(doc);
  });
  guarded(() => checkStreams(doc, streams, sink));
  guarded(() => checkTimeline(doc, streams, sink));
  guarded(() => checkQueries(doc, streams, sink, { baseDir }));
  guarded(() => checkRules(doc, streams, sink));
  if (sink.errors.length > 0) throw new ConfigError(dedupe(sink.errors));
  return { file, baseDir, text, doc, warnings: sink.warnings };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of problems) {
    const key = `${p.line}:${p.col}:${p.path}:${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}
