// Unit tests of the --live TUI's terminal driver on a recorded stand-in stream: alternate screen and cursor,
// coalesced redraws, resize, and the terminal restored exactly once (on close or at process exit).

import assert from 'node:assert/strict';
import { ESC, TerminalScreen, type TerminalStream } from '../../../src/cli/tui/terminal-screen.js';

class FakeTerminal implements TerminalStream {
  written = '';
  listeners: (() => void)[] = [];
  constructor(public columns: number, public rows: number) {}
  write(chunk: string): boolean {
    this.written += chunk;
    return true;
  }
  on(_event: 'resize', listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }
  off(_event: 'resize', listener: () => void): this {
    this.listeners = this.listeners.filter((l) => l !== listener);
    return this;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    for (const l of [...this.listeners]) l();
  }
  take(): string {
    const w = this.written;
    this.written = '';
    return w;
  }
}

interface Harness {
  term: FakeTerminal;
  screen: TerminalScreen;
  sizes: { columns: number; rows: number }[];
  deferred: (() => void)[];
  exitHooks: (() => void)[];
}

function harness(columns = 80, rows = 24): Harness {
  const h: Harness = { term: new FakeTerminal(columns, rows), sizes: [], deferred: [], exitHooks: [], screen: undefined as unknown as TerminalScreen };
  h.screen = new TerminalScreen(h.term, (size) => {
    h.sizes.push(size);
    return [`frame ${h.sizes.length}`, `${size.columns}x${size.rows}`];
  }, {
    defer: (run) => {
      h.deferred.push(run);
      return () => {
        h.deferred = h.deferred.filter((r) => r !== run);
      };
    },
    onProcessExit: (restore) => {
      h.exitHooks.push(restore);
      return () => {
        h.exitHooks = h.exitHooks.filter((r) => r !== restore);
      };
    },
  });
  return h;
}

describe('live TUI terminal driver', () => {
  it('enters the alternate screen, hides the cursor and draws the first frame on open', () => {
    const h = harness();
    h.screen.open();
    assert.equal(h.term.take(), ESC.enterAltScreen + ESC.hideCursor + ESC.clearScreen
      + ESC.home + `frame 1${ESC.clearToLineEnd}\r\n80x24${ESC.clearToLineEnd}` + ESC.clearBelow);
    assert.equal(h.screen.isOpen, true);
    assert.equal(h.exitHooks.length, 1);
  });

  it('draws once for several redraw requests in one turn', () => {
    const h = harness();
    h.screen.open();
    h.term.take();
    h.screen.requestRedraw();
    h.screen.requestRedraw();
    h.screen.requestRedraw();
    assert.equal(h.deferred.length, 1);
    assert.equal(h.term.take(), '');
    h.deferred[0]!();
    assert.match(h.term.take(), /^\u001b\[Hframe 2/);
  });

  it('redraws at the new size on resize', () => {
    const h = harness();
    h.screen.open();
    h.term.resize(132, 50);
    assert.deepEqual(h.sizes.at(-1), { columns: 132, rows: 50 });
    assert.match(h.term.take(), /132x50/);
  });

  it('renders for 80x24 when the terminal reports no size', () => {
    const h = harness(0, 0);
    h.screen.open();
    assert.deepEqual(h.sizes[0], { columns: 80, rows: 24 });
  });

  it('restores the terminal once on close and stops drawing and listening', () => {
    const h = harness();
    h.screen.open();
    h.screen.requestRedraw();
    h.term.take();
    h.screen.close();
    assert.equal(h.term.take(), ESC.showCursor + ESC.leaveAltScreen);
    assert.equal(h.deferred.length, 0, 'a pending redraw is cancelled');
    assert.equal(h.term.listeners.length, 0);
    assert.equal(h.exitHooks.length, 0);
    h.screen.close();
    h.screen.redrawNow();
    h.term.resize(10, 10);
    assert.equal(h.term.take(), '');
  });

  it('restores the terminal at process exit when it was never closed', () => {
    const h = harness();
    h.screen.open();
    h.term.take();
    h.exitHooks[0]!();
    assert.equal(h.term.take(), ESC.showCursor + ESC.leaveAltScreen);
    h.screen.close();
    assert.equal(h.term.take(), '', 'not restored twice');
  });

  it('writes nothing when closed before it was opened', () => {
    const h = harness();
    h.screen.close();
    h.screen.open();
    assert.equal(h.term.take(), '');
  });
});
