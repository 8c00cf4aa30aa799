// Routes the decoded records of a run's live topic to an output for `incidentbench metrics`: validates each one,
// holds back the records that were already in the topic when tailing began (showing only the latest RunState, or
// the summary of a finished run), reports each kind of malformed record once, and says when the tail is over.
// Must not do I/O itself, nor stop on a bad record.

import { parseLiveMessage, type LiveMessage, type RunState } from '../stream-agg/live-types.js';

/** Where the tail shows what it reads. */
export interface LiveOutput {
  /** A valid message of this run; `raw` is the decoded value as received. */
  show(message: LiveMessage, raw: unknown): void;
  /** A one-line warning about a skipped record (once per kind of problem). */
  problem(line: string): void;
  /** A one-line notice for the user (not about the stream's content). */
  note(line: string): void;
  /** How many records have been skipped so far (called whenever the count grows). */
  skipped(total: number): void;
}

/** One decoded record of the live topic. */
export interface LiveRecord {
  partition: number;
  offset: number;
  value: unknown;
}

export interface LiveTailOptions {
  run: string;
  topic: string;
  /**
   * Per partition, the offset tailing starts at (the high watermark when the tail began); records below it are
   * history. Empty = everything is shown (`--from-start`, or an empty topic).
   */
  historyEnd: ReadonlyMap<number, number>;
  output: LiveOutput;
}

/** At most this many distinct kinds of problem are reported one by one; later kinds are only counted. */
const MAX_PROBLEM_KINDS = 20;

export class LiveTail {
  private readonly pendingHistory: Map<number, number>;
  private latestState: RunState | null = null;
  private lastHistory: { message: LiveMessage; raw: unknown } | null = null;
  private latestStateRaw: unknown = null;
  private done = false;
  private endedAsFinished = false;
  private readonly kinds = new Set<string>();
  private invalid = 0;
  private undecodable = 0;

  constructor(private readonly opts: LiveTailOptions) {
    this.pendingHistory = new Map([...opts.historyEnd].filter(([, end]) => end > 0));
    this.settleHistory();
  }

  /** True once a RunSummary was shown: the tail is over. */
  get finished(): boolean {
    return this.done;
  }

  /** True when the topic's history already ended with a RunSummary (the run had finished before tailing began). */
  get alreadyFinished(): boolean {
    return this.endedAsFinished;
  }

  /** Records skipped: not UTF-8 JSON (as counted by the consumer) or not a live message of this run. */
  get skipped(): number {
    return this.invalid + this.undecodable;
  }

  /** Feeds one decoded record; returns `finished`. Records after the summary are ignored. */
  handle(record: LiveRecord): boolean {
    if (this.done) return true;
    const end = this.opts.historyEnd.get(record.partition);
    const history = end !== undefined && record.offset < end;
    const parsed = parseLiveMessage(record.value);
    if (!parsed.ok) {
      this.skip(parsed.reason, record);
    } else if (parsed.message.run !== this.opts.run) {
      this.skip(`message of run ${JSON.stringify(parsed.message.run)}, expected ${JSON.stringify(this.opts.run)}`, record, 'other run');
    } else if (history && this.pendingHistory.size > 0) {
      this.remember(parsed.message, record.value);
    }
    if (history) {
      // History that arrives after the tail moved on (another partition's, once new records came) is not shown.
      if (record.offset >= end - 1) this.pendingHistory.delete(record.partition);
      this.settleHistory();
      return this.done;
    }
    // A live record: whatever history is still unread (other partitions) is no longer waited for.
    if (this.pendingHistory.size > 0) {
      this.pendingHistory.clear();
      this.settleHistory();
      if (this.done) return true;
    }
    if (parsed.ok && parsed.message.run === this.opts.run) this.emit(parsed.message, record.value);
    return this.done;
  }

  /** The consumer's running count of records that were not one UTF-8 JSON value; reported once, counted always. */
  noteUndecodable(total: number): void {
    if (total <= this.undecodable) return;
    const first = this.undecodable === 0;
    this.undecodable = total;
    this.opts.output.skipped(this.skipped);
    if (first) this.report('undecodable', `skipped a record of ${this.opts.topic} that is not one UTF-8 JSON value; expected a live message (SPEC §10.3) — further ones are only counted`);
  }

  /** `skipped N malformed record(s) of <topic>`, or null when none was skipped. */
  skippedSummary(): string | null {
    const n = this.skipped;
    return n === 0 ? null : `skipped ${n} malformed record${n === 1 ? '' : 's'} of ${this.opts.topic}`;
  }

  private remember(message: LiveMessage, raw: unknown): void {
    if (this.lastHistory === null || message.at >= this.lastHistory.message.at) this.lastHistory = { message, raw };
    if (message.kind === 'state' && (this.latestState === null || message.at >= this.latestState.at)) {
      this.latestState = message;
      this.latestStateRaw = raw;
    }
  }

  /** Once no history is pending: shows the latest RunState, and ends at once if the history ended with a summary. */
  private settleHistory(): void {
    if (this.pendingHistory.size > 0 || (this.latestState === null && this.lastHistory === null)) return;
    const state = this.latestState;
    const last = this.lastHistory;
    this.latestState = null;
    this.lastHistory = null;
    if (state !== null) this.emit(state, this.latestStateRaw);
    if (last?.message.kind === 'summary') {
      this.endedAsFinished = true;
      this.opts.output.note(`run ${this.opts.run} had already finished; its summary follows (--from-start replays the whole run)`);
      this.emit(last.message, last.raw);
    }
  }

  private emit(message: LiveMessage, raw: unknown): void {
    this.opts.output.show(message, raw);
    if (message.kind === 'summary') this.done = true;
  }

  private skip(reason: string, record: LiveRecord, kind = reason): void {
    this.invalid += 1;
    this.opts.output.skipped(this.skipped);
    this.report(kind, `skipped a malformed record of ${this.opts.topic} (partition ${record.partition}, offset ${record.offset}): `
      + `${reason} — further ones of this kind are only counted`);
  }

  private report(kind: string, line: string): void {
    if (this.kinds.has(kind) || this.kinds.size >= MAX_PROBLEM_KINDS) return;
    this.kinds.add(kind);
    this.opts.output.problem(line);
  }
}
