// The test PostgreSQL (SPEC §8.4, §16): Debian's `postgresql` binaries, a fresh cluster initdb'd into a temporary
// folder and served on 127.0.0.1:<free port> with password (scram) authentication. Must not touch any process but the one
// it started, nor any cluster but its own, nor outlive the test process.
//
// initdb and postgres refuse to run as root; as root both run as the `postgres` system user (created by Debian's
// package) through `setpriv` (which execs, so the pid we hold is the server's), the folder chowned to that user.

import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

export const POSTGRES_INSTALL_HINT = 'install it: apt-get install -y postgresql';
/** The system user initdb/postgres run as when the tests run as root. */
export const POSTGRES_OS_USER = 'postgres';

export interface TestPostgres {
  readonly host: string;
  readonly port: number;
  /** The cluster's superuser (password authentication over TCP). */
  readonly user: string;
  readonly password: string;
  readonly dbname: string;
  /** The server's process id (diagnostics; stop() is the way to end it). */
  readonly pid: number;
  /** The temporary folder holding data/, the socket and the log (removed by stop()). */
  readonly dir: string;
  /** `SHOW server_version`, e.g. "15.14 (Debian 15.14-0+deb12u1)". */
  readonly version: string;
  /** Runs `sql` as the superuser on a fresh connection; the rows as arrays of text. */
  query(sql: string): Promise<unknown[][]>;
  /** Ends the server (SIGINT: fast shutdown; SIGKILL after a grace period), waits for it, removes the folder; idempotent. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** How long start-up may take until a login succeeds (default 60 000 ms). */
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
const PORT_ATTEMPTS = 3;
const USER = 'ib';
const DBNAME = 'postgres';
const run = promisify(execFile);

/** Started through a small sh supervisor: it prints the server's pid and fast-stops it when its own stdin closes. */
const SUPERVISOR = [
  'exec 3<&0',
  'errlog=$1; shift',
  '"$@" </dev/null >>"$errlog" 2>&1 &',
  'pid=$!',
  'echo "PID $pid"',
  '{ while read -r _line <&3; do :; done; kill -INT "$pid" 2>/dev/null; } &',
  'reader=$!',
  'wait "$pid"',
  'code=$?',
  'kill "$reader" 2>/dev/null',
  'echo "EXIT $code"',
].join('\n');

/** Debian's newest /usr/lib/postgresql/<version>/bin holding initdb and postgres, or null. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string | null {
  let versions: string[];
  try {
    versions = readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
  } catch {
    return null;
  }
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (isExecutable(join(bin, 'initdb')) && isExecutable(join(bin, 'postgres'))) return bin;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How to run a program as the cluster's owner: as is, or (root) through setpriv as the postgres user. */
interface Runner {
  prefix: string[];
  uid: number | null;
  gid: number | null;
}

async function runner(): Promise<Runner> {
  if (process.getuid?.() !== 0) return { prefix: [], uid: null, gid: null };
  let uid: number;
  let gid: number;
  try {
    uid = Number((await run('id', ['-u', POSTGRES_OS_USER])).stdout.trim());
    gid = Number((await run('id', ['-g', POSTGRES_OS_USER])).stdout.trim());
  } catch {
    throw new Error(`running as root, but there is no "${POSTGRES_OS_USER}" user to run initdb/postgres as; ${POSTGRES_INSTALL_HINT}`);
  }
  return { prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'], uid, gid };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve());
  });
  const a = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  if (a === null || typeof a === 'string') throw new Error('cannot read a free port');
  return a.port;
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (bin === null) throw new Error(`PostgreSQL not found (no /usr/lib/postgresql/<version>/bin/initdb); ${POSTGRES_INSTALL_HINT}`);
  const as = await runner();
  const dir = await mkdtemp(join(tmpdir(), 'ib-postgres-'));
  try {
    const password = `pw-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    await chmod(dir, 0o700);
    await writeFile(join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
    if (as.uid !== null) {
      await chown(dir, as.uid, as.gid!);
      await chown(join(dir, 'pwfile'), as.uid, as.gid!);
    }
    const [cmd, ...args] = [...as.prefix, join(bin, 'initdb'), '-D', join(dir, 'data'), '-U', USER,
      `--pwfile=${join(dir, 'pwfile')}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8',
      '--locale=C', '--no-sync'];
    try {
      await run(cmd!, args, { cwd: dir, timeout: opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`initdb failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' | ')}`);
    }
    let lastError: Error | null = null;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        return await startOnce(bin, as, dir, password, opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
      } catch (err) {
        lastError = err as Error;
        // Another process may have taken the port between choosing and binding it: choose again.
        if (!/could not (create|bind)|Address already in use/i.test(lastError.message)) throw lastError;
      }
    }
    throw lastError ?? new Error('postgres did not start');
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startOnce(bin: string, as: Runner, dir: string, password: string, timeoutMs: number): Promise<TestPostgres> {
  const port = await freePort();
  const logFile = join(dir, 'postgres.log');
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'ib-postgres', logFile, ...as.prefix, join(bin, 'postgres'),
    '-D', join(dir, 'data'), '-k', dir, '-h', '127.0.0.1', '-p', String(port),
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50'],
  { stdio: ['pipe', 'pipe', 'pipe'], cwd: dir });
  const server = supervise(child);
  const config: pg.ClientConfig = { host: '127.0.0.1', port, user: USER, password, database: DBNAME };
  const query = async (sql: string): Promise<unknown[][]> => {
    const c = new pg.Client(config);
    await c.connect();
    try {
      const r = await c.query({ text: sql, rowMode: 'array' });
      return r.rows;
    } finally {
      await c.end();
    }
  };
  try {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer yet';
    for (;;) {
      if (server.hasExited()) {
        throw new Error(`postgres ended during start-up (${await server.exited})${await logTail(logFile)}`);
      }
      if (Date.now() > deadline) throw new Error(`postgres did not accept a login within ${timeoutMs} ms (${lastProblem})${await logTail(logFile)}`);
      try {
        const rows = await query('SHOW server_version');
        const pid = await server.pid;
        let stopping: Promise<void> | undefined;
        const stop = () => {
          stopping ??= server.stop().then(() => rm(dir, { recursive: true, force: true }));
          return stopping;
        };
        return { host: '127.0.0.1', port, user: USER, password, dbname: DBNAME, pid, dir, version: String(rows[0]![0]), query, stop };
      } catch (err) {
        lastProblem = (err as Error).message;
      }
      await sleep(100);
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
}

interface Supervised {
  pid: Promise<number>;
  exited: Promise<string>;
  hasExited(): boolean;
  /** Closes the supervisor's stdin (it SIGINTs the server), SIGKILLs the server by pid after a grace period. */
  stop(): Promise<void>;
}

function supervise(child: ChildProcessWithoutNullStreams): Supervised {
  let out = '';
  let exitText: string | null = null;
  let serverPid: number | null = null;
  let resolvePid: (pid: number) => void = () => {};
  let rejectPid: (err: Error) => void = () => {};
  const pid = new Promise<number>((resolve, reject) => {
    resolvePid = resolve;
    rejectPid = reject;
  });
  pid.catch(() => {});
  child.stdout.setEncoding('utf8');
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
  child.stderr.resume();
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      exitText ??= `could not start: ${err.message}`;
      rejectPid(err);
      resolve(exitText);
    });
    child.once('close', (code, signal) => {
      exitText ??= signal ? `supervisor ended by ${signal}` : `supervisor exit code ${String(code)}`;
      rejectPid(new Error(`postgres ended before reporting its pid (${exitText})`));
      resolve(exitText);
    });
  });
  // A forgotten server must not keep the test process alive; when that process ends, the supervisor's stdin closes.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => {
          if (serverPid !== null) {
            try {
              process.kill(serverPid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
  return { pid, exited, hasExited: () => exitText !== null, stop };
}

async function logTail(logFile: string): Promise<string> {
  try {
    const lines = (await readFile(logFile, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    return lines.length > 0 ? `; postgres.log: ${lines.slice(-5).join(' | ')}` : '';
  } catch {
    return '';
  }
}
