// Where the log of `incidentbench run` goes: every line (JSON) into `<out>/harness.log` (SPEC §13), and warnings and
// errors — or everything with --verbose — shown to the user in readable form. Must not decide what is logged.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from '../core/logger.js';

export class RunLogSink implements LogSink {
  private fd: number | null;
  readonly path: string;

  constructor(dir: string, private readonly show: (line: string) => void, private readonly verbose: boolean) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'harness.log');
    this.fd = openSync(this.path, 'a');
  }

  write(line: string): boolean {
    if (this.fd !== null) writeSync(this.fd, line);
    let o: Record<string, unknown> | null = null;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // not one of ours: show it as it is
    }
    const level = typeof o?.level === 'string' ? o.level : 'info';
    if (this.verbose || level === 'warn' || level === 'error') this.show(o ? readable(o) : line.trimEnd());
    return true;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function readable(o: Record<string, unknown>): string {
  const { t: _t, level, run: _run, role, msg, ...fields } = o;
  const extra = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  return `${String(level)}: [${String(role)}] ${String(msg)}${extra ? ` ${extra}` : ''}`;
}
