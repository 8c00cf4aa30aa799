// End-to-end test of `incidentbench demo` as a user runs it: the real local Kafka and ClickHouse, a scaled smoke run,
// the report, and no process of its stack left behind — also after a Ctrl-C in the terminal. Must not stop any process
// it did not start (the demo's children are found by the pids and the folder the demo prints).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CLI } from '../support/run-cli.js';

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Pids of live processes whose command line mentions `text` (the ClickHouse folder: its supervisor and server). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Demo processes of this file still running; a failed or timed-out test leaves none behind (see afterEach). */
const running = new Set<number>();

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface StackSeen {
  kafkaPid: number;
  clickhousePid: number;
  clickhouseDir: string;
}

/**
 * Runs the demo in its own process group, as a shell runs a foreground job; `onLine` sees each stderr line and gets
 * `interrupt`, which sends SIGINT to the whole group — what Ctrl-C in a terminal does.
 */
async function runDemo(args: string[], cwd: string, onLine: (line: string, interrupt: () => void) => void = () => undefined)
  : Promise<DemoRun> {
  const child = spawn(process.execPath, [CLI, 'demo', ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  if (child.pid !== undefined) running.add(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  const interrupt = (): void => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
  };
  const lines = createInterface({ input: child.stderr });
  const allRead = once(lines, 'close');
  lines.on('line', (line) => {
    stderr += `${line}\n`;
    onLine(line, interrupt);
  });
  try {
    const [code, signal] = await exited;
    await allRead;
    return { code, signal, stdout, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (child.pid !== undefined) running.delete(child.pid);
  }
}

function stackSeen(stderr: string): StackSeen {
  const kafka = /^demo: Kafka \S+ \(pid (\d+)\)$/m.exec(stderr);
  const ch = /^demo: ClickHouse \S+ at \S+ \(pid (\d+), data in (.+)\)$/m.exec(stderr);
  assert.ok(kafka && ch, `the demo names its Kafka and ClickHouse processes:\n${stderr}`);
  return { kafkaPid: Number(kafka[1]), clickhousePid: Number(ch[1]), clickhouseDir: ch[2]! };
}

function assertStackGone(seen: StackSeen, stderr: string): void {
  assert.equal(isAlive(seen.kafkaPid), false, `the local Kafka (pid ${seen.kafkaPid}) is still running`);
  assert.equal(isAlive(seen.clickhousePid), false, `ClickHouse (pid ${seen.clickhousePid}) is still running`);
  assert.deepEqual(processesMentioning(seen.clickhouseDir), [], 'no process of the ClickHouse folder is left');
  assert.equal(existsSync(seen.clickhouseDir), false, 'the ClickHouse folder is removed');
  assert.match(stderr, /^demo: local stack stopped$/m);
}

describe('incidentbench demo (e2e: local Kafka + ClickHouse + smoke run)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-demo-e2e-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  // The demo's stack ends with it (its helpers watch their stdin), so killing a stuck demo is enough.
  afterEach(() => {
    for (const pid of running) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      running.delete(pid);
    }
  });

  it('runs the smoke scenario, writes run.json and report.html, prints the report path and leaves no process running', async function () {
    const out = join(dir, 'full');
    const r = await runDemo(['--duration-scale', '0.17', '--rate-scale', '0.5', '--out', out], dir);
    const said = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    assert.equal(r.code, 0, said);
    assert.match(r.stdout, new RegExp(`^Report: ${join(out, 'report.html')}$`, 'm'), said);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { scenario: { name: string }; run: { exit_code: number } };
    assert.equal(run.scenario.name, 'smoke');
    assert.equal(run.run.exit_code, 0);
    assert.ok(existsSync(join(out, 'report.html')));
    assert.match(readFileSync(join(out, 'target-clickhouse.yaml'), 'utf8'), /^url: http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(r.stdout, /laptop-scale/);
    assert.doesNotMatch(r.stderr, /partition\(s\), \d+ requested/, 'the run finds its topics as planned');
    assertStackGone(stackSeen(r.stderr), r.stderr);
  });

  it('with --keep-stack keeps Kafka and ClickHouse serving after the run until Ctrl-C, then stops them and exits with the run\'s code',
    async function () {
      const out = join(dir, 'kept');
      let served: Promise<string> | null = null;
      let clickhouseUrl = '';
      const r = await runDemo(['--duration-scale', '0.1', '--rate-scale', '0.5', '--out', out, '--keep-stack'], dir, (line, interrupt) => {
        const url = /^demo: ClickHouse \S+ at (\S+) /.exec(line)?.[1];
        if (url) clickhouseUrl = url;
        if (served === null && line === 'demo: waiting for Ctrl-C') {
          served = fetch(`${clickhouseUrl}/?query=SELECT%2042`).then((res) => res.text()).finally(interrupt);
        }
      });
      const said = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
      assert.ok(served, `the demo waited for Ctrl-C:\n${said}`);
      assert.equal((await served as string).trim(), '42', 'ClickHouse still answers while the demo waits');
      assert.equal(r.code, 0, said);
      assert.match(r.stdout, /^ {2}Kafka bootstrap: 127\.0\.0\.1:\d+$/m);
      assertStackGone(stackSeen(r.stderr), r.stderr);
    });

  it('aborts on Ctrl-C in the terminal with a partial report, exit code 130, and stops the stack', async function () {
    const out = join(dir, 'interrupted');
    let pressed = false;
    const r = await runDemo(['--duration-scale', '0.17', '--rate-scale', '0.5', '--out', out], dir, (line, interrupt) => {
      if (!pressed && /^stage running/.test(line)) {
        pressed = true;
        interrupt();
      }
    });
    const said = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    assert.equal(pressed, true, said);
    assert.equal(r.code, 130, said);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { run: { valid: boolean; aborted: string | null } };
    assert.equal(run.run.valid, false);
    assert.match(String(run.run.aborted), /interrupted/);
    assert.match(r.stdout, /^Report: .*report\.html$/m);
    assertStackGone(stackSeen(r.stderr), r.stderr);
  });
});
