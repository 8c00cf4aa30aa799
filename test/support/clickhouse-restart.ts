// Takes a running test ClickHouse down as a crash would (SIGKILL of its server) and starts the same server again on
// the same ports, config and data folder (SPEC §17 "target down mid-run"), for end-to-end tests. Must not touch any
// process but the test ClickHouse's server and the one it starts itself, nor let that one outlive the test process.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { findClickHouseServer, type TestClickHouse } from './clickhouse/index.js';

export interface ClickHouseRestarter {
  /** SIGKILLs the server and resolves once its HTTP port refuses connections. */
  crash(): Promise<void>;
  /** Starts the server again (same config, ports and data) and resolves once it answers `SELECT 1`. */
  startAgain(timeoutMs?: number): Promise<void>;
  /** Ends the server started by startAgain (if any) and waits for it; the launcher's stop() removes the folder. */
  stop(): Promise<void>;
}

/**
 * The restarted server runs under a tiny sh supervisor that kills it when its stdin closes — on stop(), or when the
 * test process dies for any reason.
 */
const SUPERVISOR = [
  'exec 3<&0', // a background list's stdin is /dev/null: keep ours on fd 3
  'log=$1; shift',
  '"$@" </dev/null >>"$log" 2>&1 &',
  'pid=$!',
  '{ while read -r _line <&3; do :; done; kill -KILL "$pid" 2>/dev/null; } &',
  'wait "$pid"',
].join('\n');

export function clickHouseRestarter(ch: TestClickHouse): ClickHouseRestarter {
  let again: ChildProcess | null = null;
  let againExited: Promise<void> | null = null;
  return {
    async crash() {
      process.kill(ch.pid, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while (await portAccepts(ch.httpPort)) {
        if (Date.now() > deadline) throw new Error(`ClickHouse (pid ${ch.pid}) still accepts connections 30 s after SIGKILL`);
        await sleep(50);
      }
    },
    async startAgain(timeoutMs = 60_000) {
      const program = findClickHouseServer();
      if (program === null) throw new Error('clickhouse-server not found');
      const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'ib-clickhouse-again', join(ch.dir, 'log', 'restarted.log'),
        program.command, ...program.args, `--config-file=${join(ch.dir, 'config.xml')}`], { stdio: ['pipe', 'ignore', 'ignore'] });
      again = child;
      againExited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.unref();
      if (child.stdin instanceof Socket) child.stdin.unref();
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`restarted ClickHouse ended at once (see ${join(ch.dir, 'log')})`);
        try {
          const res = await fetch(`${ch.url}/?query=${encodeURIComponent('SELECT 1')}`, { signal: AbortSignal.timeout(2000) });
          if (res.ok && (await res.text()).trim() === '1') return;
          last = `HTTP ${res.status}`;
        } catch (err) {
          last = (err as Error).message;
        }
        await sleep(100);
      }
      throw new Error(`restarted ClickHouse did not answer within ${timeoutMs} ms (${last})`);
    },
    async stop() {
      const child = again;
      if (child && child.exitCode === null && child.signalCode === null) {
        child.ref(); // it was unref'd so a forgotten server cannot hold the test process; now we wait for it
        child.stdin?.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await againExited;
        clearTimeout(timer);
      }
      again = null;
    },
  };
}

/** Whether something accepts TCP connections on the loopback port. */
function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.connect(port, '127.0.0.1');
  });
}
