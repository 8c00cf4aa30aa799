// Collects located validation problems by document path; positions are resolved from the path by the
// source document. Must not decide what is valid — callers do.

export type PathSegment = string | number;
export type DocPath = readonly PathSegment[];

/** Where in the YAML node a problem points: at the key (unknown keys) or at the value (default). */
export type Anchor = 'key' | 'value';

export interface ProblemSink {
  /** A problem that makes the file invalid. `message` says what is wrong and what is expected. */
  error(path: DocPath, message: string, anchor?: Anchor): void;
  /** A problem worth telling but not fatal (e.g. unknown report.emphasis names). */
  warn(path: DocPath, message: string, anchor?: Anchor): void;
}

const SIMPLE_KEY = /^[A-Za-z_@][A-Za-z0-9_@-]*$/;

/** `timeline.phases[3].ingest.target_eps`; keys that are not simple are quoted: `fields["kubernetes.pod_name"]`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (SIMPLE_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Quotes a user value for a message: strings in double quotes, others as JSON. */
export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}
