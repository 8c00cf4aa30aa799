import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/core/logger.js';
import { ManualTimers } from '../../../src/core/timers.js';
import { SnapshotOutbox } from '../../../src/control/snapshot-outbox.js';
import type { WorkerSnapshot } from '../../../src/metrics/worker-snapshot.js';
import { pass, settle } from '../../support/deferred.js';

const T = 1_800_000_000_000;
const snap = (second: number) => ({ second }) as WorkerSnapshot;

/** A metrics topic that refuses every send while `down`, and records what it took. */
function fakeTopic() {
  const t = { down: false, attempts: 0, taken: [] as number[][] };
  const send = async (s: readonly WorkerSnapshot[]) => {
    t.attempts++;
    if (t.down) throw new Error('Connection error: connect ECONNREFUSED');
    t.taken.push(s.map((x) => x.second));
  };
  return { t, send };
}

describe('SnapshotOutbox: worker snapshots survive a Kafka outage (SPEC §10.1, §17)', () => {
  it('sends each snapshot as it comes while Kafka answers', async () => {
    const timers = new ManualTimers(T);
    const { t, send } = fakeTopic();
    const box = new SnapshotOutbox({ send, timers, logger: silentLogger });
    await box.publish(snap(1));
    await box.publish(snap(2));
    assert.deepEqual(t.taken, [[1], [2]]);
    assert.equal(box.pending, 0);
  });

  it('keeps snapshots whose send failed and delivers them in order once Kafka is back', async () => {
    const timers = new ManualTimers(T);
    const { t, send } = fakeTopic();
    const box = new SnapshotOutbox({ send, timers, logger: silentLogger, retryMs: 1000 });
    t.down = true;
    const delivered: number[] = [];
    const ps = [1, 2, 3].map((s) => box.publish(snap(s)).then(() => delivered.push(s)));
    await settle();
    assert.equal(box.pending, 3);
    await pass(timers, 3000);
    assert.ok(t.attempts >= 3, `retried every second while down (${t.attempts} attempts)`);
    assert.deepEqual(t.taken, []);
    t.down = false;
    await pass(timers, 1000);
    await Promise.all(ps);
    assert.deepEqual(t.taken.flat(), [1, 2, 3], 'every kept snapshot, in order, exactly once');
    assert.deepEqual(delivered, [1, 2, 3]);
    assert.equal(box.pending, 0);
  });

  it('flush waits for kept snapshots, then gives up the rest and says how many', async () => {
    const timers = new ManualTimers(T);
    const { t, send } = fakeTopic();
    const box = new SnapshotOutbox({ send, timers, logger: silentLogger, retryMs: 1000 });
    t.down = true;
    const outcome = [4, 5].map((s) => box.publish(snap(s)).then(() => 'sent', () => 'given up'));
    await settle();
    const flushed = box.flush(5000);
    await pass(timers, 5000);
    assert.equal(await flushed, 2);
    assert.deepEqual(await Promise.all(outcome), ['given up', 'given up']);
    await assert.rejects(box.publish(snap(6)), /closed/);
    assert.deepEqual(t.taken, []);
  });

  it('flush returns 0 as soon as Kafka takes the kept snapshots', async () => {
    const timers = new ManualTimers(T);
    const { t, send } = fakeTopic();
    const box = new SnapshotOutbox({ send, timers, logger: silentLogger, retryMs: 1000 });
    t.down = true;
    const p = box.publish(snap(7));
    await settle();
    t.down = false;
    const flushed = box.flush(60_000);
    await settle();
    await settle();
    assert.equal(await flushed, 0, 'flush retried at once instead of waiting out the pause');
    await p;
    assert.deepEqual(t.taken, [[7]]);
  });
});
