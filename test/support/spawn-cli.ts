// Starts the built `incidentbench` CLI as a child process for long runs (end-to-end tests): collects stdout and
// stderr, resolves with the exit code, can wait for a line and be sent signals. Must not be used outside tests, nor
// touch any process it did not start.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI } from './run-cli.js';

export interface CliExit {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms (reported by the tests, never asserted). */
  elapsedMs: number;
}

export interface CliProcess {
  readonly pid: number;
  readonly args: readonly string[];
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<CliExit>;
  readonly running: boolean;
  /** Resolves with the first line of `stream` matching `pattern` (also one already written); rejects when the
   *  process exits first or `timeoutMs` passes, with the output tail in the message. */
  waitFor(pattern: RegExp, opts?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number }): Promise<string>;
  /** Sends a signal if the process is still running. */
  signal(sig: NodeJS.Signals): void;
}

export interface SpawnCliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const TAIL = 3000;
const DEFAULT_WAIT_MS = 120_000;

/** The CLI processes one test file started; `killAll()` in `after` ends those still running (SIGKILL, by pid). */
export class CliProcesses {
  private readonly children = new Set<ChildProcessWithoutNullStreams>();

  start(args: string[], opts: SpawnCliOptions = {}): CliProcess {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    this.children.add(child);
    const out = { stdout: '', stderr: '' };
    const watchers = new Set<() => void>();
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out.stdout += d;
      for (const w of [...watchers]) w();
    });
    child.stderr.on('data', (d: string) => {
      out.stderr += d;
      for (const w of [...watchers]) w();
    });
    let running = true;
    const exited = new Promise<CliExit>((resolve) => {
      child.once('error', (err) => {
        out.stderr += `\n[spawn error] ${err.message}`;
      });
      child.once('close', (code, signal) => {
        running = false;
        this.children.delete(child);
        for (const w of [...watchers]) w();
        resolve({ code, signal, stdout: out.stdout, stderr: out.stderr, elapsedMs: Date.now() - startedAt });
      });
    });
    const tail = () => `\n--- stdout (tail) ---\n${out.stdout.slice(-TAIL)}\n--- stderr (tail) ---\n${out.stderr.slice(-TAIL)}`;
    return {
      pid: child.pid ?? -1,
      args,
      get stdout() { return out.stdout; },
      get stderr() { return out.stderr; },
      exited,
      get running() { return running; },
      waitFor(pattern, o = {}) {
        const stream = o.stream ?? 'stderr';
        const timeoutMs = o.timeoutMs ?? DEFAULT_WAIT_MS;
        return new Promise<string>((resolve, reject) => {
          const check = () => {
            const line = out[stream].split('\n').find((l) => pattern.test(l));
            if (line !== undefined) finish(() => resolve(line));
            else if (!running) finish(() => reject(new Error(`the CLI exited before printing ${String(pattern)} on ${stream}${tail()}`)));
          };
          const timer = setTimeout(() => finish(() => reject(new Error(
            `no line matching ${String(pattern)} on ${stream} within ${timeoutMs} ms${tail()}`))), timeoutMs);
          const finish = (settle: () => void) => {
            clearTimeout(timer);
            watchers.delete(check);
            settle();
          };
          watchers.add(check);
          check();
        });
      },
      signal(sig) {
        if (running && child.exitCode === null && child.signalCode === null) child.kill(sig);
      },
    };
  }

  /** SIGKILLs every process started here that is still running and waits for each to end. */
  async killAll(): Promise<void> {
    const left = [...this.children];
    await Promise.all(left.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) {
        resolve();
        return;
      }
      c.once('close', () => resolve());
      c.kill('SIGKILL');
    })));
  }
}
