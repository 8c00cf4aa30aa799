// Unit tests of the Ctrl-C watch: first interrupt aborts, later ones force, dispose stops listening.
// Must not send real signals to the test process.

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { watchInterrupts, type SignalSource } from '../../../src/cli/interrupts.js';

function source(): SignalSource & EventEmitter {
  return new EventEmitter() as SignalSource & EventEmitter;
}

describe('watchInterrupts', function () {
  it('aborts its signal at the first Ctrl-C and resolves interrupted', async function () {
    const s = source();
    const w = watchInterrupts(s);
    assert.equal(w.signal.aborted, false);
    s.emit('SIGINT');
    assert.equal(w.signal.aborted, true);
    assert.equal(w.signal.reason, 'interrupted by the user (Ctrl-C)');
    await w.interrupted;
    w.dispose();
  });

  it('treats SIGTERM like Ctrl-C', function () {
    const s = source();
    const w = watchInterrupts(s);
    s.emit('SIGTERM');
    assert.equal(w.signal.aborted, true);
    w.dispose();
  });

  it('calls the force handler at the second and every later interrupt, not the first', function () {
    const s = source();
    const w = watchInterrupts(s);
    let forced = 0;
    w.onForce(() => forced++);
    s.emit('SIGINT');
    assert.equal(forced, 0);
    s.emit('SIGINT');
    s.emit('SIGTERM');
    assert.equal(forced, 2);
    w.dispose();
  });

  it('stops listening after dispose', function () {
    const s = source();
    const w = watchInterrupts(s);
    w.dispose();
    assert.equal(s.listenerCount('SIGINT'), 0);
    assert.equal(s.listenerCount('SIGTERM'), 0);
    s.emit('SIGINT');
    assert.equal(w.signal.aborted, false);
  });
});
