// Messages of the control topic (SPEC §9): one ordered stream keyed by the run name carrying the plan, the
// READY barrier, START, heartbeats, DONE, ABORT and FAIL. Types and a validating parser; no I/O.

import type { RunPlan } from '../scenario/plan-types.js';

export type WorkerRole = 'ingest' | 'query';

interface Envelope<T extends string> {
  v: 1;
  type: T;
  run: string;
  runId: string;
  /** "coordinator", "cli", or a worker id: "ingest-<i>", "query-<i>", "query-<group>-<i>" */
  from: string;
  /** sender's unix ms */
  at: number;
}

/** Counters a worker reports in `done`: the same counters as its snapshots, summed. */
export interface WorkerTotals {
  ingest?: { due: number; produced: number; acked: number; failed: number; missed: number };
  query?: { due: number; started: number; ok: number; errors: number; timeouts: number; dropped: number };
}

export type ControlMessage =
  | (Envelope<'plan'> & { plan: RunPlan; planHash: string })
  | (Envelope<'prepared'> & { planHash: string; prepareResult: unknown })
  | (Envelope<'hello'> & { role: WorkerRole; index: number; group?: string; threads: number; host: string;
      version: string; planHash: string })
  | (Envelope<'ready'> & { role: WorkerRole; index: number; group?: string })
  | (Envelope<'start'> & { t0: number })
  | (Envelope<'heartbeat'>)
  | (Envelope<'done'> & { totals: WorkerTotals })
  | (Envelope<'abort'> & { reason: string; /** (ext) the run failed (exit 1), not interrupted (exit 130). */ fatal?: boolean })
  | (Envelope<'fail'> & { error: string });

export type ControlType = ControlMessage['type'];
export type MessageOf<T extends ControlType> = Extract<ControlMessage, { type: T }>;
/** A message without its envelope fields, as a sender writes it. */
export type Outgoing<T extends ControlType = ControlType> = T extends ControlType
  ? Omit<MessageOf<T>, 'v' | 'run' | 'runId' | 'from' | 'at'> : never;

/** The worker id of SPEC §10.1: "ingest-<i>", "query-<i>" (group default), "query-<group>-<i>". */
export function workerId(role: WorkerRole, index: number, group?: string): string {
  if (role === 'ingest') return `ingest-${index}`;
  return !group || group === 'default' ? `query-${index}` : `query-${group}-${index}`;
}

const TYPES: readonly ControlType[] = ['plan', 'prepared', 'hello', 'ready', 'start', 'heartbeat', 'done', 'abort', 'fail'];

/** Validates a decoded control record; returns the message or a one-line reason. Unknown keys are ignored. */
export function parseControlMessage(value: unknown): { ok: true; message: ControlMessage } | { ok: false; reason: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const m = value as Record<string, unknown>;
  if (m.v !== 1) return { ok: false, reason: `unsupported version ${JSON.stringify(m.v)} (expected 1)` };
  if (typeof m.type !== 'string' || !TYPES.includes(m.type as ControlType)) {
    return { ok: false, reason: `unknown type ${JSON.stringify(m.type)}` };
  }
  for (const k of ['run', 'runId', 'from'] as const) {
    if (typeof m[k] !== 'string') return { ok: false, reason: `${m.type}: "${k}" must be a string` };
  }
  if (typeof m.at !== 'number' || !Number.isFinite(m.at)) return { ok: false, reason: `${m.type}: "at" must be unix ms` };
  const need = (k: string, t: 'string' | 'number' | 'object') =>
    (typeof m[k] === t && m[k] !== null) ? null : `${m.type}: "${k}" must be ${t === 'object' ? 'an object' : `a ${t}`}`;
  let problem: string | null = null;
  switch (m.type as ControlType) {
    case 'plan': problem = need('plan', 'object') ?? need('planHash', 'string'); break;
    case 'prepared': problem = need('planHash', 'string'); break;
    case 'hello':
      problem = need('role', 'string') ?? need('index', 'number') ?? need('threads', 'number') ?? need('planHash', 'string');
      if (!problem && m.role !== 'ingest' && m.role !== 'query') problem = `hello: unknown role ${JSON.stringify(m.role)}`;
      break;
    case 'ready': problem = need('role', 'string') ?? need('index', 'number'); break;
    case 'start':
      problem = need('t0', 'number');
      if (!problem && (m.t0 as number) % 1000 !== 0) problem = 'start: "t0" must be a whole second in ms';
      break;
    case 'done': problem = need('totals', 'object'); break;
    case 'abort': problem = need('reason', 'string'); break;
    case 'fail': problem = need('error', 'string'); break;
    case 'heartbeat': break;
  }
  return problem ? { ok: false, reason: problem } : { ok: true, message: value as ControlMessage };
}
