// The progress display of `incidentbench run` (SPEC §14): one status line rewritten in place on a terminal (phase,
// elapsed/total, EPS target/acked/consumed, QPS, p99, lag), a line every 10 s otherwise, stage changes and the
// harness's warnings as full lines above it. Must not compute metrics (the live messages carry them).

import type { LiveMessage } from '../stream-agg/live-types.js';
import { formatLivePoint, formatRunState } from './live-line.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Without a terminal, a point line every this many seconds of the run. */
const PLAIN_EVERY_S = 10;

export class RunProgress {
  private status = '';
  private lastStage = '';

  constructor(private readonly out: ProgressStream) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** A live message of the run. */
  show(m: LiveMessage): void {
    if (m.kind === 'state') {
      const line = formatRunState(m);
      if (line !== this.lastStage) {
        this.lastStage = line;
        this.line(line);
      }
    } else if (m.kind === 'point') {
      const text = formatLivePoint(m);
      if (this.tty) this.setStatus(text);
      else if (m.elapsedS % PLAIN_EVERY_S === PLAIN_EVERY_S - 1 || m.elapsedS + 1 === m.durationS) this.line(text);
    }
  }

  /** A full line (a warning, a stage change) above the status line. */
  line(text: string): void {
    if (this.tty && this.status !== '') this.out.write('\r\x1b[2K');
    this.out.write(`${text}\n`);
    if (this.tty && this.status !== '') this.out.write(this.fit(this.status));
  }

  /** Clears the status line (before the summary is printed). */
  end(): void {
    if (this.tty && this.status !== '') this.out.write('\r\x1b[2K');
    this.status = '';
  }

  private setStatus(text: string): void {
    this.status = text;
    this.out.write(`\r\x1b[2K${this.fit(text)}`);
  }

  private fit(text: string): string {
    const width = Math.max(20, (this.out.columns ?? 120) - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }
}
