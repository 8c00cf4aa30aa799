// Validates a record read from the metrics topic into a WorkerSnapshot (SPEC §10.1), or says in one line why not.
// Must not throw for bad input, decode histograms (shape check only) or keep keys it does not know.

import { looksLikeEncodedHist } from './hist.js';
import { emptyIngestBlock, emptyQueryBlock } from './worker-snapshot.js';
import type {
  CategoryCounters, IngestBlock, LateBlock, ProcBlock, QueryBlock, QueryCounters, SentinelAck, StreamCounters,
  WorkerRole, WorkerSnapshot,
} from './worker-snapshot.js';

export type SnapshotParseResult =
  | { ok: true; snapshot: WorkerSnapshot }
  /** `reason`: the first problem, one line, with the field path; `problems`: all of them. */
  | { ok: false; reason: string; problems: string[] };

type Path = readonly (string | number)[];
type Obj = Record<string, unknown>;

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECOND_KEY = /^(0|[1-9][0-9]{0,14})$/;

function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (SIMPLE_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? typeof v;
  } catch {
    s = typeof v;
  }
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Collects problems while reading; every reader returns a placeholder so reading goes on (the snapshot is
 * discarded when there is any problem). A missing or non-object block is one problem, not one per field.
 */
class Reader {
  readonly problems: string[] = [];

  fail(path: Path, expected: string, got: unknown): void {
    const where = formatPath(path);
    const what = got === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${show(got)}`;
    this.problems.push(where ? `${where}: ${what}` : what);
  }

  /** A problem that is not a wrong value type; `message` says what is wrong and what is expected. */
  problem(path: Path, message: string): void {
    this.problems.push(`${formatPath(path)}: ${message}`);
  }

  object(v: unknown, path: Path): Obj | null {
    if (isObj(v)) return v;
    this.fail(path, 'an object', v);
    return null;
  }

  count(o: Obj, key: string, path: Path): number {
    const v = o[key];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    this.fail([...path, key], 'a non-negative integer', v);
    return 0;
  }

  /** A finite number ≥ 0 (rates, times, percentages). */
  amount(o: Obj, key: string, path: Path): number {
    const v = o[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    this.fail([...path, key], 'a finite number ≥ 0', v);
    return 0;
  }

  text(o: Obj, key: string, path: Path): string {
    const v = o[key];
    if (typeof v === 'string' && v.length > 0) return v;
    this.fail([...path, key], 'a non-empty string', v);
    return '';
  }

  hist(o: Obj, key: string, path: Path): string {
    const v = o[key];
    if (typeof v === 'string' && looksLikeEncodedHist(v)) return v;
    this.fail([...path, key], 'an encoded histogram (compressed base64 starting "HISTF")', v);
    return '';
  }

  /** A record of named values; keys are kept as given (any string). */
  record<T>(o: Obj, key: string, path: Path, item: (v: unknown, p: Path) => T): Record<string, T> {
    const v = o[key];
    const rec = this.object(v, [...path, key]);
    const entries: [string, T][] = [];
    if (rec) for (const [k, x] of Object.entries(rec)) entries.push([k, item(x, [...path, key, k])]);
    return Object.fromEntries(entries);
  }

  countRecord(o: Obj, key: string, path: Path): Record<string, number> {
    return this.record(o, key, path, (v, p) => {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
      this.fail(p, 'a non-negative integer', v);
      return 0;
    });
  }
}

function streamCounters(r: Reader, v: unknown, path: Path): StreamCounters {
  const o = r.object(v, path);
  if (!o) return { due: 0, acked: 0, failed: 0, missed: 0 };
  return { due: r.count(o, 'due', path), acked: r.count(o, 'acked', path), failed: r.count(o, 'failed', path),
    missed: r.count(o, 'missed', path) };
}

function sentinel(r: Reader, v: unknown, path: Path): SentinelAck {
  const o = r.object(v, path);
  if (!o) return { n: 0, scheduledAt: 0, ackedAt: 0 };
  const s: SentinelAck = { n: r.count(o, 'n', path), scheduledAt: r.amount(o, 'scheduledAt', path),
    ackedAt: r.amount(o, 'ackedAt', path) };
  if (o.stream !== undefined) s.stream = r.text(o, 'stream', path);
  return s;
}

function ingestBlock(r: Reader, v: unknown, path: Path): IngestBlock {
  const o = r.object(v, path);
  if (!o) return emptyIngestBlock();
  const b: IngestBlock = {
    due: r.count(o, 'due', path), produced: r.count(o, 'produced', path), acked: r.count(o, 'acked', path),
    failed: r.count(o, 'failed', path), missed: r.count(o, 'missed', path), targetEps: r.amount(o, 'targetEps', path),
    produceDelay: r.hist(o, 'produceDelay', path), ackLatency: r.hist(o, 'ackLatency', path),
    scheduleLagMs: r.amount(o, 'scheduleLagMs', path), errorClasses: r.countRecord(o, 'errorClasses', path),
  };
  if (o.byStream !== undefined) b.byStream = r.record(o, 'byStream', path, (x, p) => streamCounters(r, x, p));
  if (o.retries !== undefined) b.retries = r.count(o, 'retries', path);
  if (o.sentinels !== undefined) {
    const list = o.sentinels;
    if (Array.isArray(list)) b.sentinels = list.map((x: unknown, i) => sentinel(r, x, [...path, 'sentinels', i]));
    else r.fail([...path, 'sentinels'], 'an array', list);
  }
  return b;
}

function queryCounters(r: Reader, v: unknown, path: Path): QueryCounters {
  const o = r.object(v, path);
  if (!o) return { started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, withHits: 0, latency: '' };
  return {
    started: r.count(o, 'started', path), ok: r.count(o, 'ok', path), errors: r.count(o, 'errors', path),
    timeouts: r.count(o, 'timeouts', path), dropped: r.count(o, 'dropped', path),
    withHits: r.count(o, 'withHits', path), latency: r.hist(o, 'latency', path),
  };
}

function categoryCounters(r: Reader, v: unknown, path: Path): CategoryCounters {
  const o = r.object(v, path);
  if (!o) return { ok: 0, errors: 0, latency: '' };
  return { ok: r.count(o, 'ok', path), errors: r.count(o, 'errors', path), latency: r.hist(o, 'latency', path) };
}

function queryBlock(r: Reader, v: unknown, path: Path): QueryBlock {
  const o = r.object(v, path);
  if (!o) return emptyQueryBlock();
  const b: QueryBlock = {
    due: r.count(o, 'due', path), started: r.count(o, 'started', path), ok: r.count(o, 'ok', path),
    errors: r.count(o, 'errors', path), timeouts: r.count(o, 'timeouts', path), dropped: r.count(o, 'dropped', path),
    targetQps: r.amount(o, 'targetQps', path), latency: r.hist(o, 'latency', path),
    serviceTime: r.hist(o, 'serviceTime', path), timerLateness: r.hist(o, 'timerLateness', path),
    byQuery: r.record(o, 'byQuery', path, (x, p) => queryCounters(r, x, p)),
    errorClasses: r.countRecord(o, 'errorClasses', path),
  };
  if (o.errorLatency !== undefined) b.errorLatency = r.hist(o, 'errorLatency', path);
  if (o.page !== undefined) b.page = r.hist(o, 'page', path);
  if (o.byCategory !== undefined) b.byCategory = r.record(o, 'byCategory', path, (x, p) => categoryCounters(r, x, p));
  return b;
}

/** The role's block is optional; the other role's block is a mistake (it would be merged into the wrong totals). */
function blocks(r: Reader, o: Obj, role: WorkerRole | null, path: Path): LateBlock {
  const out: LateBlock = {};
  if (o.ingest !== undefined) {
    if (role === 'query') r.problem([...path, 'ingest'], 'not allowed for role "query" (a query worker sends query blocks only)');
    out.ingest = ingestBlock(r, o.ingest, [...path, 'ingest']);
  }
  if (o.query !== undefined) {
    if (role === 'ingest') r.problem([...path, 'query'], 'not allowed for role "ingest" (an ingest worker sends ingest blocks only)');
    out.query = queryBlock(r, o.query, [...path, 'query']);
  }
  return out;
}

function proc(r: Reader, v: unknown): ProcBlock {
  const path = ['proc'];
  const o = r.object(v, path);
  if (!o) return { cpuPct: 0, cpuLimitCores: 0, rssMb: 0, eventLoopDelayP99Ms: 0 };
  return { cpuPct: r.amount(o, 'cpuPct', path), cpuLimitCores: r.amount(o, 'cpuLimitCores', path),
    rssMb: r.amount(o, 'rssMb', path), eventLoopDelayP99Ms: r.amount(o, 'eventLoopDelayP99Ms', path) };
}

/**
 * Reads one metrics-topic record (already JSON-parsed). The snapshot returned is a fresh object holding only the
 * keys SPEC §10.1 defines (unknown keys are ignored); histograms are shape-checked, not decoded.
 */
export function parseWorkerSnapshot(json: unknown): SnapshotParseResult {
  const r = new Reader();
  if (!isObj(json)) {
    r.fail([], 'a worker snapshot object', json);
    return { ok: false, reason: r.problems[0] ?? '', problems: r.problems };
  }
  const o = json;
  if (o.v !== 1) r.fail(['v'], 'version 1', o.v);
  let role: WorkerRole | null = null;
  if (o.role === 'ingest' || o.role === 'query') role = o.role;
  else r.fail(['role'], '"ingest" or "query"', o.role);
  const second = r.count(o, 'second', []);
  const snapshot: WorkerSnapshot = {
    v: 1, run: r.text(o, 'run', []), runId: r.text(o, 'runId', []), worker: r.text(o, 'worker', []),
    role: role ?? 'ingest', second, phase: r.text(o, 'phase', []),
    ...blocks(r, o, role, []),
    proc: proc(r, o.proc),
  };
  if (o.group !== undefined) snapshot.group = r.text(o, 'group', []);
  if (o.phaseSwitchAt !== undefined) snapshot.phaseSwitchAt = r.amount(o, 'phaseSwitchAt', []);
  if (o.late !== undefined) {
    const late = r.object(o.late, ['late']);
    if (late) {
      const entries: [string, LateBlock][] = [];
      for (const [k, x] of Object.entries(late)) {
        const path = ['late', k];
        if (!SECOND_KEY.test(k) || Number(k) >= second) {
          r.problem(path, `key must be a due second (unix s) earlier than the snapshot's second ${second}, got ${show(k)}`);
        }
        const lo = r.object(x, path);
        if (lo) entries.push([k, blocks(r, lo, role, path)]);
      }
      snapshot.late = Object.fromEntries(entries);
    }
  }
  const first = r.problems[0];
  if (first === undefined) return { ok: true, snapshot };
  const more = r.problems.length - 1;
  return { ok: false, reason: more > 0 ? `${first} (and ${more} more)` : first, problems: r.problems };
}
