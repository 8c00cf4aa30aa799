// The error hierarchy of IncidentBench: one base class with a stable `code` per failure, so callers
// branch on codes, never on message text. Must not format for a terminal or import anything of ours.

export type ErrorCode =
  | 'IB_CONFIG_INVALID'
  | 'IB_CONFIG_UNREADABLE'
  | 'IB_USAGE'
  | 'IB_KAFKA'
  | 'IB_TARGET'
  | 'IB_RUN';

export class IncidentBenchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One located problem in a user-supplied file (scenario, target config, …). */
export interface Problem {
  file: string;
  line: number; // 1-based; 0 when unknown
  col: number; // 1-based; 0 when unknown
  path: string; // e.g. timeline.phases[3].ingest.target_eps ('' for the document)
  message: string; // what is wrong and what is expected, one line
}

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Invalid user input, with every problem found (all are reported together). */
export class ConfigError extends IncidentBenchError {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], code: ErrorCode = 'IB_CONFIG_INVALID') {
    super(code, problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** A command line that cannot be acted on (bad flag value, flags that exclude each other). */
export class UsageError extends IncidentBenchError {
  constructor(message: string) {
    super('IB_USAGE', message);
  }
}

export class KafkaError extends IncidentBenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IB_KAFKA', message, options);
  }
}

/** A failure talking to the target platform; `errorClass` is the per-query error class (SPEC §7.4). */
export class TargetError extends IncidentBenchError {
  readonly errorClass: string;
  constructor(errorClass: string, message: string, options?: { cause?: unknown }) {
    super('IB_TARGET', message, options);
    this.errorClass = errorClass;
  }
}

export class RunError extends IncidentBenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IB_RUN', message, options);
  }
}
