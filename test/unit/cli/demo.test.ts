// Unit tests of `incidentbench demo`: the prerequisite probe, the missing-prerequisites message, flag parsing, and the
// demo's order of work with a fake stack and a fake run. Must not start a real stack or run (test/e2e/demo.test.ts does).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../../../src/core/errors.js';
import type { LocalStack } from '../../../src/control/local-stack/local-stack.js';
import { findRepoRoot } from '../../../src/control/local-stack/package-root.js';
import { probeLocalStack, type MissingPrerequisite, type ProbedSystem } from '../../../src/control/local-stack/prerequisites.js';
import { demoRunName, registerDemo, runDemo, type DemoDeps, type DemoSettings } from '../../../src/cli/commands/demo.js';
import { displayPath } from '../../../src/cli/demo-text.js';
import type { InterruptWatch } from '../../../src/cli/interrupts.js';
import type { ShownRunOptions } from '../../../src/cli/run-display.js';
import { sampleRunJson } from '../../support/sample-run-json.js';

const ROOT = findRepoRoot();

/** A machine with every file and program named in `present`, and PATH=/usr/bin. */
function machine(present: readonly string[], over: Partial<ProbedSystem> = {}): ProbedSystem {
  const has = new Set(present);
  return {
    env: { PATH: '/usr/bin' },
    platform: 'linux',
    isFile: (p) => has.has(p),
    isExecutable: (p) => has.has(p),
    mockKafkaBuilt: () => false,
    clickHouseFound: () => has.has('clickhouse-server'),
    ...over,
  };
}

const EVERYTHING = ['/usr/bin/cc', '/usr/include/stdio.h', '/usr/include/librdkafka/rdkafka_mock.h', 'clickhouse-server'];

class Captured {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** A Ctrl-C the test presses by calling press(). */
function fakeInterrupts(): InterruptWatch & { press(): void; disposed: boolean } {
  const controller = new AbortController();
  let resolve: () => void = () => undefined;
  const interrupted = new Promise<void>((r) => {
    resolve = r;
  });
  let force: () => void = () => undefined;
  const watch = {
    signal: controller.signal,
    interrupted,
    disposed: false,
    onForce: (h: () => void) => {
      force = h;
    },
    dispose: () => {
      watch.disposed = true;
    },
    press: () => {
      if (controller.signal.aborted) return force();
      controller.abort('interrupted by the user (Ctrl-C)');
      resolve();
    },
  };
  return watch;
}

interface FakeStack extends LocalStack {
  topics: [string, number][];
  stops: number;
}

function fakeStack(): FakeStack {
  const stack: FakeStack = {
    topics: [],
    stops: 0,
    kafka: {
      bootstrap: '127.0.0.1:9',
      brokers: ['127.0.0.1:9'],
      pid: 11,
      createTopic: async (name, partitions) => {
        stack.topics.push([name, partitions]);
      },
      brokerDown: async () => undefined,
      brokerUp: async () => undefined,
      setRtt: async () => undefined,
      send: async () => 'OK',
      stop: async () => undefined,
    },
    clickhouse: { url: 'http://127.0.0.1:8', httpPort: 8, tcpPort: 7, pid: 12, dir: '/nowhere', version: '18.16.1', stop: async () => undefined },
    stop: async () => {
      stack.stops++;
    },
  };
  return stack;
}

describe('incidentbench demo', function () {
  describe('prerequisite probe', function () {
    it('finds nothing missing on a machine with a compiler, the headers and clickhouse-server', function () {
      assert.deepEqual(probeLocalStack(machine(EVERYTHING)), []);
    });

    it('names the compiler, librdkafka-dev and clickhouse-server with their Debian packages on a bare machine', function () {
      const missing = probeLocalStack(machine([]));
      assert.deepEqual(missing.map((m) => m.name), ['c-compiler', 'librdkafka-dev', 'clickhouse-server']);
      assert.deepEqual(missing.map((m) => m.packages), [['gcc', 'libc6-dev'], ['librdkafka-dev'], ['clickhouse-server']]);
    });

    it('needs no compiler or headers when the local Kafka is built already', function () {
      assert.deepEqual(probeLocalStack(machine(['clickhouse-server'], { mockKafkaBuilt: () => true })), []);
    });

    it('asks for libc6-dev when a compiler exists without the C library headers (Linux only)', function () {
      const present = ['/usr/bin/cc', '/usr/include/librdkafka/rdkafka_mock.h', 'clickhouse-server'];
      assert.deepEqual(probeLocalStack(machine(present)).map((m) => m.packages), [['libc6-dev']]);
      assert.deepEqual(probeLocalStack(machine(present, { platform: 'darwin' })), []);
    });

    it('uses $CC (a name on PATH or a path) and finds headers through CPATH', function () {
      const present = ['/opt/cc/bin/clang', '/usr/include/stdio.h', '/deps/include/librdkafka/rdkafka_mock.h', 'clickhouse-server'];
      assert.deepEqual(probeLocalStack(machine(present, { env: { PATH: '/usr/bin', CC: '/opt/cc/bin/clang', CPATH: '/deps/include' } })), []);
      const missing = probeLocalStack(machine(present, { env: { PATH: '/usr/bin', CC: 'clang', CPATH: '/deps/include' } }));
      assert.deepEqual(missing.map((m) => m.what), ["a C compiler ('clang' on PATH)"]);
    });
  });

  describe('when something is missing', function () {
    const missing: MissingPrerequisite[] = [
      { name: 'c-compiler', what: "a C compiler ('cc' on PATH)", packages: ['gcc', 'libc6-dev'] },
      { name: 'librdkafka-dev', what: 'librdkafka-dev (librdkafka/rdkafka_mock.h)', packages: ['librdkafka-dev'] },
      { name: 'clickhouse-server', what: 'clickhouse-server (looked in PATH, /usr/sbin, /usr/bin)', packages: ['clickhouse-server'] },
    ];

    function depsWith(probe: () => MissingPrerequisite[], cwd: string): { deps: DemoDeps; err: Captured; started: () => boolean } {
      let started = false;
      const err = new Captured();
      const deps: DemoDeps = {
        probe,
        startStack: async () => {
          started = true;
          return fakeStack();
        },
        runShown: async () => assert.fail('no run without prerequisites'),
        watchInterrupts: () => fakeInterrupts(),
        exit: () => assert.fail('no exit'),
        root: ROOT,
        cwd,
        now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
        stdout: Object.assign(new Captured(), { isTTY: false }) as unknown as DemoDeps['stdout'],
        stderr: err,
      };
      return { deps, err, started: () => started };
    }

    const settings: DemoSettings = { durationScale: 1, rateScale: 1, outDir: null, live: false, keepStack: false };

    it('prints what is missing, the one apt-get line for all of it and the Docker alternative, starts nothing, exits 1', async function () {
      const { deps, err, started } = depsWith(() => missing, ROOT);
      assert.equal(await runDemo(settings, deps), 1);
      assert.equal(started(), false);
      assert.equal(err.text, [
        "incidentbench demo: cannot start the local stack; missing a C compiler ('cc' on PATH) and librdkafka-dev "
          + '(librdkafka/rdkafka_mock.h) (to build the local Kafka); clickhouse-server (looked in PATH, /usr/sbin, /usr/bin) '
          + '(the local ClickHouse).',
        'Install (Debian/Ubuntu), then run incidentbench demo again:',
        '  sudo apt-get install -y gcc libc6-dev librdkafka-dev clickhouse-server',
        'Or, with Docker, run the smoke scenario against the compose stack instead:',
        '  docker compose -f manifests/local/compose.yaml up -d --wait',
        '  incidentbench run scenarios/smoke.yaml --target clickhouse --target-config manifests/local/clickhouse.yaml --kafka localhost:9092',
        '',
      ].join('\n'));
    });

    it('names only what is missing, and gives absolute paths when run outside the package', async function () {
      const { deps, err } = depsWith(() => missing.slice(2), '/somewhere/else');
      assert.equal(await runDemo(settings, deps), 1);
      const lines = err.text.split('\n');
      assert.match(lines[0]!, /missing clickhouse-server \(looked in PATH, \/usr\/sbin, \/usr\/bin\) \(the local ClickHouse\)\.$/);
      assert.equal(lines[2], '  sudo apt-get install -y clickhouse-server');
      assert.equal(lines[4], `  docker compose -f ${join(ROOT, 'manifests', 'local', 'compose.yaml')} up -d --wait`);
    });

    it('shows paths inside the current folder relative to it, others absolute', function () {
      assert.equal(displayPath('/a/b/c.yaml', '/a'), 'b/c.yaml');
      assert.equal(displayPath('/x/c.yaml', '/a'), '/x/c.yaml');
      assert.equal(displayPath('/a', '/a'), '/a');
    });
  });

  describe('flags', function () {
    async function parse(args: string[]): Promise<DemoSettings> {
      let got: DemoSettings | undefined;
      const program = new Command('incidentbench').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
      registerDemo(program, async (s) => {
        got = s;
        return 0;
      });
      await program.parseAsync(['node', 'incidentbench', 'demo', ...args]);
      assert.ok(got, 'the demo ran');
      return got;
    }

    it('defaults to full scale, results/<run>, progress lines, and stopping the stack', async function () {
      assert.deepEqual(await parse([]), { durationScale: 1, rateScale: 1, outDir: null, live: false, keepStack: false });
    });

    it('takes --duration-scale, --rate-scale, --out, --live and --keep-stack', async function () {
      assert.deepEqual(await parse(['--duration-scale', '0.17', '--rate-scale', '0.5', '--out', 'o', '--live', '--keep-stack']),
        { durationScale: 0.17, rateScale: 0.5, outDir: 'o', live: true, keepStack: true });
    });

    it('refuses a scale that is not a positive number, naming the flag', async function () {
      await assert.rejects(parse(['--rate-scale', '0']), (e: unknown) => e instanceof UsageError && /--rate-scale: expected a number > 0, got "0"/.test(e.message));
      await assert.rejects(parse(['--duration-scale', 'fast']), (e: unknown) => e instanceof UsageError && /--duration-scale/.test(e.message));
    });

    it('refuses flags it does not have', async function () {
      await assert.rejects(parse(['--target', 'mach5']), (e: unknown) => e instanceof CommanderError && e.code === 'commander.unknownOption');
    });

    it('names results after the demo and the UTC time', function () {
      assert.equal(demoRunName(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), 'demo-20260102-030405');
    });
  });

  describe('order of work (fake stack, fake run)', function () {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ib-demo-unit-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function setup(o: { exitCode?: number; onRun?: (r: ShownRunOptions, ctrlC: ReturnType<typeof fakeInterrupts>) => void;
      throwInRun?: Error; keepStack?: boolean } = {}) {
      const stack = fakeStack();
      const ctrlC = fakeInterrupts();
      const out = new Captured();
      const err = new Captured();
      const runs: ShownRunOptions[] = [];
      const deps: DemoDeps = {
        probe: () => [],
        startStack: async () => stack,
        runShown: async (r) => {
          runs.push(r);
          o.onRun?.(r, ctrlC);
          if (o.throwInRun) throw o.throwInRun;
          writeFileSync(join(r.outDir, 'report.html'), '<html></html>');
          const run = sampleRunJson({ runName: r.plan.run.name });
          run.run.exit_code = o.exitCode ?? 0;
          return { run, failed: null, hiddenWarnings: 0 };
        },
        watchInterrupts: () => ctrlC,
        exit: () => assert.fail('no forced exit'),
        root: ROOT,
        cwd: dir,
        now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
        stdout: out as unknown as DemoDeps['stdout'],
        stderr: err,
      };
      const settings: DemoSettings = { durationScale: 0.5, rateScale: 0.25, outDir: null, live: false, keepStack: o.keepStack ?? false };
      return { stack, ctrlC, out, err, runs, deps, settings };
    }

    it('runs the smoke scenario against the stack, prints the absolute report path, stops the stack, exits with the run\'s code', async function () {
      const t = setup({ exitCode: 2 });
      assert.equal(await runDemo(t.settings, t.deps), 2);
      const outDir = join(dir, 'results', 'demo-20260102-030405');
      assert.equal(t.runs.length, 1);
      const r = t.runs[0]!;
      assert.equal(r.outDir, outDir);
      assert.equal(r.plan.scenario.name, 'smoke');
      assert.deepEqual(r.plan.kafka.bootstrap, ['127.0.0.1:9']);
      assert.deepEqual(r.plan.scaling, { durationScale: 0.5, rateScale: 0.25 });
      assert.equal(r.plan.target?.adapter, 'clickhouse');
      assert.equal(readFileSync(r.targetConfigFile!, 'utf8').match(/^url: (.*)$/m)?.[1], 'http://127.0.0.1:8');
      assert.match(t.out.text, new RegExp(`^Report: ${join(outDir, 'report.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      assert.doesNotMatch(t.out.text, /^report: /m);
      assert.match(t.out.text, /laptop-scale/);
      assert.match(t.out.text, /incidentbench run .*sre-outage\.yaml --target .* --target-config .* --kafka /);
      assert.equal(t.stack.stops, 1);
      assert.equal(t.ctrlC.disposed, true);
    });

    it('ignores IB_KAFKA_* settings, which are for a real cluster, not the loopback Kafka', async function () {
      const t = setup();
      const before = process.env['IB_KAFKA_TLS'];
      process.env['IB_KAFKA_TLS'] = '1';
      try {
        await runDemo(t.settings, t.deps);
      } finally {
        if (before === undefined) delete process.env['IB_KAFKA_TLS'];
        else process.env['IB_KAFKA_TLS'] = before;
      }
      assert.equal(t.runs[0]!.kafka.ssl, undefined);
      assert.equal(t.runs[0]!.kafka.sasl, undefined);
    });

    it('creates every run topic through the local Kafka with the planned partition count before the run', async function () {
      const t = setup();
      await runDemo(t.settings, t.deps);
      const plan = t.runs[0]!.plan;
      assert.deepEqual(t.stack.topics, [
        ...plan.streams.map((s) => [s.topic, s.partitions]),
        [plan.kafka.topics.control, 1], [plan.kafka.topics.metrics, 4], [plan.kafka.topics.live, 1],
      ]);
    });

    it('hands Ctrl-C to the run as its abort signal and still stops the stack', async function () {
      const t = setup({ exitCode: 130, onRun: (r, ctrlC) => {
        ctrlC.press();
        assert.equal(r.signal.aborted, true);
      } });
      assert.equal(await runDemo(t.settings, t.deps), 130);
      assert.equal(t.stack.stops, 1);
      assert.doesNotMatch(t.out.text, /laptop-scale/);
    });

    it('stops the stack when the run fails with an error', async function () {
      const t = setup({ throwInRun: new Error('prepare failed') });
      await assert.rejects(runDemo(t.settings, t.deps), /prepare failed/);
      assert.equal(t.stack.stops, 1);
    });

    it('does not start the run after a Ctrl-C during start-up, and stops the stack (exit 130)', async function () {
      const t = setup();
      const start = t.deps.startStack;
      t.deps.startStack = async () => {
        t.ctrlC.press();
        return start();
      };
      assert.equal(await runDemo(t.settings, t.deps), 130);
      assert.equal(t.runs.length, 0);
      assert.equal(t.stack.stops, 1);
    });

    it('with --keep-stack prints the addresses and keeps the stack until Ctrl-C', async function () {
      const t = setup({ keepStack: true });
      const done = runDemo(t.settings, t.deps);
      while (!/Ctrl-C stops it/.test(t.out.text)) await new Promise((r) => setImmediate(r));
      assert.equal(t.stack.stops, 0);
      assert.match(t.out.text, /Kafka bootstrap: 127\.0\.0\.1:9/);
      assert.match(t.out.text, /ClickHouse: +http:\/\/127\.0\.0\.1:8/);
      t.ctrlC.press();
      assert.equal(await done, 0);
      assert.equal(t.stack.stops, 1);
    });

    it('prints the start failure with the Docker alternative and exits 1', async function () {
      const t = setup();
      t.deps.startStack = async () => {
        throw new Error('clickhouse-server ended during start-up (exit code 70)');
      };
      assert.equal(await runDemo(t.settings, t.deps), 1);
      assert.match(t.err.text, /^error: clickhouse-server ended during start-up \(exit code 70\)\n/m);
      assert.match(t.err.text, /docker compose -f .*compose\.yaml up -d --wait/);
      assert.equal(existsSync(join(dir, 'results')), false);
    });
  });
});
