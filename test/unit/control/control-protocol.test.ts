import assert from 'node:assert/strict';
import { ManualTimers } from '../../../src/core/timers.js';
import { InMemoryControlBus } from '../../../src/control/control-channel.js';
import type { ExpectedWorker } from '../../../src/control/expected-workers.js';
import { parseControlMessage, workerId } from '../../../src/control/protocol.js';
import { ReadyBarrier } from '../../../src/control/ready-barrier.js';
import { WorkerLiveness } from '../../../src/control/worker-liveness.js';
import { WorkerSession } from '../../../src/control/worker-session.js';

const T = 1_800_000_000_000;
const EXPECTED: ExpectedWorker[] = [
  { id: 'ingest-0', role: 'ingest', index: 0 },
  { id: 'ingest-1', role: 'ingest', index: 1 },
  { id: 'query-0', role: 'query', index: 0, group: 'default' },
];

function session(bus: InMemoryControlBus, timers: ManualTimers, role: 'ingest' | 'query', index: number, hash = 'h') {
  const from = workerId(role, index);
  return new WorkerSession(bus.endpoint({ run: 'r', runId: 'id', from, clock: timers.clock }),
    { role, index, threads: 2, host: 'test', version: '0.0.0', planHash: hash }, timers);
}

const flush = () => new Promise((r) => setImmediate(r));

describe('control protocol (SPEC §9)', () => {
  it('names worker ids by role, index and group', () => {
    assert.equal(workerId('ingest', 3), 'ingest-3');
    assert.equal(workerId('query', 1), 'query-1');
    assert.equal(workerId('query', 1, 'default'), 'query-1');
    assert.equal(workerId('query', 2, 'sre'), 'query-sre-2');
  });

  it('parses valid messages and rejects malformed ones with a reason', () => {
    const base = { v: 1, run: 'r', runId: 'id', from: 'coordinator', at: T };
    assert.equal(parseControlMessage({ ...base, type: 'start', t0: T, extra: 1 }).ok, true);
    assert.deepEqual(parseControlMessage({ ...base, type: 'start', t0: T + 5 }), { ok: false, reason: 'start: "t0" must be a whole second in ms' });
    assert.deepEqual(parseControlMessage({ ...base, type: 'nope' }), { ok: false, reason: 'unknown type "nope"' });
    assert.deepEqual(parseControlMessage({ ...base, v: 2, type: 'heartbeat' }), { ok: false, reason: 'unsupported version 2 (expected 1)' });
    assert.deepEqual(parseControlMessage({ ...base, type: 'hello', role: 'x', index: 0, threads: 1, planHash: 'h' }),
      { ok: false, reason: 'hello: unknown role "x"' });
    assert.deepEqual(parseControlMessage([1]), { ok: false, reason: 'not a JSON object' });
  });

  it('the READY barrier opens when every planned worker said hello and ready', async () => {
    const timers = new ManualTimers(T);
    const bus = new InMemoryControlBus();
    const barrier = new ReadyBarrier(EXPECTED, 'h', timers, 120);
    bus.endpoint({ run: 'r', runId: 'id', from: 'coordinator', clock: timers.clock }).subscribe((m) => barrier.handle(m));
    for (const [role, i] of [['ingest', 0], ['ingest', 1], ['query', 0]] as const) {
      const s = session(bus, timers, role, i);
      await s.hello();
      await s.ready();
    }
    await barrier.done;
    assert.deepEqual(barrier.missing(), []);
  });

  it('the READY barrier times out naming the missing workers and what each lacks', async () => {
    const timers = new ManualTimers(T);
    const bus = new InMemoryControlBus();
    const barrier = new ReadyBarrier(EXPECTED, 'h', timers, 120);
    bus.endpoint({ run: 'r', runId: 'id', from: 'coordinator', clock: timers.clock }).subscribe((m) => barrier.handle(m));
    const s0 = session(bus, timers, 'ingest', 0);
    await s0.hello();
    await s0.ready();
    await session(bus, timers, 'query', 0).hello();
    timers.advance(119_999);
    await flush();
    timers.advance(1);
    await assert.rejects(barrier.done, { code: 'IB_RUN',
      message: 'READY barrier timed out after 120 s: missing ingest-1 (no hello), query-0 (hello, not ready)' });
  });

  it('rejects a worker started with another plan', async () => {
    const timers = new ManualTimers(T);
    const bus = new InMemoryControlBus();
    const barrier = new ReadyBarrier(EXPECTED, 'aaaaaaaaaaaaaaaa', timers, 120);
    bus.endpoint({ run: 'r', runId: 'id', from: 'coordinator', clock: timers.clock }).subscribe((m) => barrier.handle(m));
    await session(bus, timers, 'ingest', 1, 'bbbbbbbbbbbbbbbb').hello();
    await assert.rejects(barrier.done, /worker ingest-1 was started with another plan \(plan hash bbbbbbbbbbbb…, the run's is aaaaaaaaaaaa…\)/);
  });

  it('rejects a worker that is not in the plan', async () => {
    const timers = new ManualTimers(T);
    const bus = new InMemoryControlBus();
    const barrier = new ReadyBarrier(EXPECTED, 'h', timers, 120);
    bus.endpoint({ run: 'r', runId: 'id', from: 'coordinator', clock: timers.clock }).subscribe((m) => barrier.handle(m));
    await session(bus, timers, 'ingest', 5).hello();
    await assert.rejects(barrier.done, /worker ingest-5 is not in the plan/);
  });

  it('workers heartbeat every 2 s, receive START (also when it was sent before they subscribed) and honour ABORT', async () => {
    const timers = new ManualTimers(T);
    const bus = new InMemoryControlBus();
    const coord = bus.endpoint({ run: 'r', runId: 'id', from: 'coordinator', clock: timers.clock });
    const s = session(bus, timers, 'ingest', 0);
    await s.hello();
    timers.advance(6_000);
    await flush();
    assert.equal(bus.messages.filter((m) => m.type === 'heartbeat').length, 3);
    const started = s.waitForStart();
    await coord.send({ type: 'start', t0: T + 10_000 });
    assert.equal(await started, T + 10_000);
    const late = session(bus, timers, 'ingest', 1);
    assert.equal(await late.waitForStart(), T + 10_000);
    assert.equal(s.signal.aborted, false);
    await coord.send({ type: 'abort', reason: 'operator asked' });
    assert.equal(s.signal.aborted, true);
    assert.match((s.signal.reason as Error).message, /run aborted by coordinator: operator asked/);
    await s.done({ ingest: { due: 1, produced: 1, acked: 1, failed: 0, missed: 0 } });
    timers.advance(10_000);
    await flush();
    assert.equal(bus.messages.filter((m) => m.type === 'heartbeat' && m.from === 'ingest-0').length, 3,
      'no heartbeats after done');
  });

  it('a worker joining after the first second of the first phase reports and refuses to start', async () => {
    const timers = new ManualTimers(T);
    const bus = new InMemoryControlBus();
    await bus.endpoint({ run: 'r', runId: 'id', from: 'coordinator', clock: timers.clock }).send({ type: 'start', t0: T - 5_000 });
    const s = session(bus, timers, 'query', 0);
    await assert.rejects(s.waitForStart(), /joined 5000 ms after the run started/);
    assert.equal(bus.messages.at(-1)!.type, 'fail');
  });

  it('marks a worker lost after 10 s of silence and estimates clock offsets from the least-delayed message', () => {
    const live = new WorkerLiveness(EXPECTED);
    live.controlMessage('ingest-0', T, T + 40);
    live.controlMessage('ingest-0', T + 1000, T + 1012);
    live.seen('ingest-1', T);
    live.controlMessage('query-0', T, T);
    assert.deepEqual(live.checkLost(T + 10_000), []);
    live.seen('ingest-0', T + 9_000);
    live.finished('query-0');
    assert.deepEqual(live.checkLost(T + 10_001), ['ingest-1']);
    assert.deepEqual(live.checkLost(T + 30_000), ['ingest-0']);
    const s = live.status().find((w) => w.id === 'ingest-0')!;
    assert.equal(s.clockOffsetMs, 12);
    assert.equal(live.status().find((w) => w.id === 'query-0')!.lost, false);
  });
});

describe('start time', () => {
  it('is a whole second at least the lead ahead', async () => {
    const { startTime } = await import('../../../src/control/start-time.js');
    assert.equal(startTime(T + 1, 3000), T + 4000);
    assert.equal(startTime(T, 3000), T + 3000);
    assert.equal(startTime(T + 999, 5000), T + 6000);
  });
});

describe('waitForMessage', () => {
  it('resolves with a message replayed during subscribe, and with one sent later; times out naming the wait', async () => {
    const { waitForMessage } = await import('../../../src/control/control-channel.js');
    const timers = new ManualTimers(T);
    const bus = new InMemoryControlBus();
    const coord = bus.endpoint({ run: 'r', runId: 'id', from: 'coordinator', clock: timers.clock });
    await coord.send({ type: 'start', t0: T + 5000 });
    const replayed = await waitForMessage(coord, 'start', timers, 1000, 'no start');
    assert.equal(replayed.t0, T + 5000);
    const later = waitForMessage(coord, 'abort', timers, 1000, 'no abort');
    await coord.send({ type: 'abort', reason: 'x' });
    assert.equal((await later).reason, 'x');
    const never = waitForMessage(coord, 'prepared', timers, 1000, 'no prepared within 1 s');
    timers.advance(1000);
    await assert.rejects(never, { code: 'IB_RUN', message: 'no prepared within 1 s' });
  });
});
