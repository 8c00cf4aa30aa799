// The local ClickHouse of tests and `incidentbench demo` (SPEC §16): Debian's clickhouse-server as a child on free loopback
// ports with a temporary data folder, ready once it answers. Must not touch any process but the one it started, nor outlive
// the process that started it.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverConfigXml, usersXml, type ServerPorts } from './clickhouse-server-config.js';

export const CLICKHOUSE_INSTALL_HINT = 'install it: apt-get install -y clickhouse-server';

export interface TestClickHouse {
  /** Base URL of the HTTP interface, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  /** The server's process id (diagnostics; stop() is the way to end it). */
  readonly pid: number;
  /** The temporary folder holding data/ and log/ (removed by stop()). */
  readonly dir: string;
  /** The server's version string, e.g. "18.16.1". */
  readonly version: string;
  /** Ends the server (SIGTERM, SIGKILL after a grace period), waits for it and removes the folder; idempotent. */
  stop(): Promise<void>;
}

export interface StartClickHouseOptions {
  /** How long start-up may take until `SELECT 1` answers (default 60 000 ms). */
  startTimeoutMs?: number;
  /**
   * Start the server in a process group (and session) of its own, so a Ctrl-C in the terminal reaches only this
   * process, which then stops the server in order (default false). It still ends when this process ends.
   */
  ownProcessGroup?: boolean;
}

/** The same server under the name `incidentbench demo` uses for it. */
export type LocalClickHouse = TestClickHouse;

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
const PORT_ATTEMPTS = 3;
const KEEP = 4_000;

/**
 * Started through a small sh supervisor: it prints the server's pid, ends the server (SIGTERM) when its own stdin
 * closes — on stop() or when the test process dies for any reason — and prints the server's exit code.
 */
const SUPERVISOR = [
  'exec 3<&0',
  'errlog=$1; shift',
  '"$@" </dev/null >>"$errlog" 2>&1 &',
  'pid=$!',
  'echo "PID $pid"',
  '{ while read -r _line <&3; do :; done; kill -TERM "$pid" 2>/dev/null; } &',
  'reader=$!',
  'wait "$pid"',
  'code=$?',
  'kill "$reader" 2>/dev/null',
  'echo "EXIT $code"',
].join('\n');

/** The server program: clickhouse-server (Debian puts it in /usr/sbin), else the single `clickhouse` binary. */
export function findClickHouseServer(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } | null {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const p = join(dir, 'clickhouse-server');
    if (isExecutable(p)) return { command: p, args: [] };
  }
  for (const dir of dirs) {
    const p = join(dir, 'clickhouse');
    if (isExecutable(p)) return { command: p, args: ['server'] };
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return existsSync(path);
  } catch {
    return false;
  }
}

/** Three distinct free loopback ports (held open together while choosing, so they differ). */
async function freePorts(): Promise<ServerPorts> {
  const servers = await Promise.all([0, 1, 2].map(() => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('cannot read a free port');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return { http: ports[0]!, tcp: ports[1]!, interserver: ports[2]! };
}

export async function startClickHouse(opts: StartClickHouseOptions = {}): Promise<TestClickHouse> {
  const program = findClickHouseServer();
  if (program === null) throw new Error(`clickhouse-server not found (looked in PATH, /usr/sbin, /usr/bin); ${CLICKHOUSE_INSTALL_HINT}`);
  const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let lastError: Error | null = null;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    try {
      return await startOnce(program, timeoutMs, opts.ownProcessGroup === true);
    } catch (err) {
      lastError = err as Error;
      // Another process may have taken a port between choosing and binding it: choose again.
      if (!/Address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('clickhouse-server did not start');
}

async function startOnce(program: { command: string; args: string[] }, timeoutMs: number, ownProcessGroup: boolean)
  : Promise<TestClickHouse> {
  const dir = await mkdtemp(join(tmpdir(), 'ib-clickhouse-'));
  for (const sub of ['log', 'data', 'tmp', 'user_files', 'format_schemas']) await mkdir(join(dir, sub), { recursive: true });
  const ports = await freePorts();
  const configFile = join(dir, 'config.xml');
  await writeFile(configFile, serverConfigXml(dir, ports));
  await writeFile(join(dir, 'users.xml'), usersXml());
  const stderrFile = join(dir, 'log', 'stderr.log');
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'ib-clickhouse', stderrFile, program.command, ...program.args,
    `--config-file=${configFile}`], { stdio: ['pipe', 'pipe', 'pipe'], detached: ownProcessGroup });
  const server = supervise(child, dir);
  try {
    const url = `http://127.0.0.1:${ports.http}`;
    const version = await waitUntilReady(url, server, timeoutMs);
    return {
      url,
      httpPort: ports.http,
      tcpPort: ports.tcp,
      pid: await server.pid,
      dir,
      version,
      stop: server.stop,
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

interface Supervised {
  dir: string;
  pid: Promise<number>;
  /** Resolves with the exit description once the server has ended. */
  exited: Promise<string>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

function supervise(child: ChildProcessWithoutNullStreams, dir: string): Supervised {
  let out = '';
  let stderr = '';
  let exitText: string | null = null;
  let resolvePid: (pid: number) => void = () => {};
  let rejectPid: (err: Error) => void = () => {};
  const pid = new Promise<number>((resolve, reject) => {
    resolvePid = resolve;
    rejectPid = reject;
  });
  pid.catch(() => {});
  let serverPid: number | null = null;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl).trim();
      out = out.slice(nl + 1);
      const p = /^PID (\d+)$/.exec(line);
      if (p) {
        serverPid = Number(p[1]);
        resolvePid(serverPid);
      }
      const e = /^EXIT (\d+)$/.exec(line);
      if (e) exitText = `exit code ${e[1]}`;
    }
  });
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-KEEP);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      exitText ??= `could not start: ${err.message}`;
      rejectPid(err);
      resolve(exitText);
    });
    child.once('close', (code, signal) => {
      exitText ??= signal ? `supervisor ended by ${signal}` : `supervisor exit code ${String(code)}`;
      if (stderr.trim() !== '') exitText += `: ${stderr.trim()}`;
      rejectPid(new Error(`clickhouse-server ended before reporting its pid (${exitText})`));
      resolve(exitText);
    });
  });
  // A forgotten server must not keep the test process alive; when the test process ends, the supervisor's stdin
  // closes and it ends the server.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => {
          if (serverPid !== null) killQuietly(serverPid);
          child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return { dir, pid, exited, hasExited: () => exitText !== null, stop };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Polls until its own server (macro ib_fixture_dir = its folder) answers; fails early with the server's words. */
async function waitUntilReady(url: string, server: Supervised, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const sql = "SELECT version(), substitution FROM system.macros WHERE macro = 'ib_fixture_dir' FORMAT TSV";
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const how = await server.exited;
      throw new Error(`clickhouse-server ended during start-up (${how})${await logTail(server)}`);
    }
    try {
      const res = await fetch(`${url}/?query=${encodeURIComponent(sql)}`, { signal: AbortSignal.timeout(2_000) });
      const [version, dir] = (await res.text()).trim().split('\t');
      if (res.ok && dir === server.dir && version) return version;
      lastProblem = res.ok ? `another server answers on ${url}` : `HTTP ${res.status}: ${String(version).slice(0, 200)}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`clickhouse-server did not answer within ${timeoutMs} ms (${lastProblem})${await logTail(server)}`);
}

/** The last lines of the server's error logs (stack frames left out), for start-up failures. */
async function logTail(server: Supervised): Promise<string> {
  const parts: string[] = [];
  for (const f of ['server.err.log', 'stderr.log']) {
    try {
      const text = await readFile(join(server.dir, 'log', f), 'utf8');
      const lines = text.split('\n').filter((l) => l.trim() !== '' && !/^\d+\. /.test(l));
      if (lines.length > 0) parts.push(`${f}: ${lines.slice(-5).join(' | ')}`);
    } catch {
      // no such log yet
    }
  }
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}
