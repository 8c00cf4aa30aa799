// One container of the fake kubelet as an OS process: `node <cli> <args>` with the pod's environment, its stdout and
// stderr handed on as they come, stopped like a kubelet stops a container (SIGTERM, SIGKILL after the grace
// period). Must not signal any process but its own.

import { spawn, type ChildProcess } from 'node:child_process';
import { exitCodeOf } from './pod-status.js';

/** Kubernetes' terminationGracePeriodSeconds, shortened for tests. */
export const KILL_GRACE_MS = 5_000;

export interface PodProcessOptions {
  cliPath: string;
  /** node flags before the CLI path. */
  nodeArgs?: string[];
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Every chunk of stdout and stderr, in arrival order. */
  onOutput: (text: string) => void;
}

export interface PodExit {
  exitCode: number;
  finishedAt: Date;
}

export class PodProcess {
  readonly startedAt = new Date();
  /** Resolves once the process has exited and its output is delivered (never rejects). */
  readonly exited: Promise<PodExit>;
  private readonly child: ChildProcess;
  private running = true;
  private killTimer: NodeJS.Timeout | null = null;

  constructor(o: PodProcessOptions) {
    this.child = spawn(process.execPath, [...(o.nodeArgs ?? []), o.cliPath, ...o.args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => o.onOutput(d));
    this.child.stderr!.on('data', (d: string) => o.onOutput(d));
    this.exited = new Promise<PodExit>((resolve) => {
      this.child.once('error', (err) => o.onOutput(`[fake kubelet] cannot start the process: ${err.message}\n`));
      this.child.once('close', (code, signal) => {
        this.running = false;
        if (this.killTimer !== null) clearTimeout(this.killTimer);
        resolve({ exitCode: exitCodeOf(code, signal), finishedAt: new Date() });
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** SIGTERM now, SIGKILL after `graceMs` if still running; resolves when it has exited. */
  stop(graceMs = KILL_GRACE_MS): Promise<PodExit> {
    if (this.running && this.killTimer === null) {
      this.child.kill('SIGTERM');
      this.killTimer = setTimeout(() => {
        if (this.running) this.child.kill('SIGKILL');
      }, graceMs);
    }
    return this.exited;
  }
}
