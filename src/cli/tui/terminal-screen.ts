// Drives a full-screen terminal for the --live TUI: alternate screen and hidden cursor while open, a redraw of the
// rendered lines on request (coalesced per event-loop turn) and on resize, and the terminal restored on close and
// on process exit whatever the cause. Must not decide what is drawn, nor handle signals (the command does).

/** ANSI/DEC control sequences the screen uses. */
export const ESC = {
  enterAltScreen: '\u001b[?1049h',
  leaveAltScreen: '\u001b[?1049l',
  hideCursor: '\u001b[?25l',
  showCursor: '\u001b[?25h',
  home: '\u001b[H',
  clearScreen: '\u001b[2J',
  clearToLineEnd: '\u001b[K',
  clearBelow: '\u001b[J',
} as const;

/** The part of a tty.WriteStream the screen uses. */
export interface TerminalStream {
  write(chunk: string): unknown;
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

export interface TerminalScreenOptions {
  /** Size used when the stream reports none (a pty of unknown size reports 0): 80 × 24. */
  fallbackSize?: { columns: number; rows: number };
  /** Registers a last-chance restore at process exit; returns how to unregister it (default: process 'exit'). */
  onProcessExit?: (restore: () => void) => () => void;
  /** Defers a coalesced redraw (default setImmediate); returns how to cancel it. */
  defer?: (run: () => void) => () => void;
}

export type RenderScreen = (size: { columns: number; rows: number }) => string[];

const processExit = (restore: () => void): (() => void) => {
  process.once('exit', restore);
  return () => {
    process.off('exit', restore);
  };
};

const nextTurn = (run: () => void): (() => void) => {
  const handle = setImmediate(run);
  return () => clearImmediate(handle);
};

export class TerminalScreen {
  private state: 'new' | 'open' | 'closed' = 'new';
  private cancelDeferred: (() => void) | null = null;
  private unregisterExit: () => void = () => undefined;
  private readonly onResize = (): void => this.redrawNow();
  private readonly fallback: { columns: number; rows: number };

  constructor(private readonly out: TerminalStream, private readonly render: RenderScreen, private readonly opts: TerminalScreenOptions = {}) {
    this.fallback = opts.fallbackSize ?? { columns: 80, rows: 24 };
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The size to render for: the stream's, or the fallback where it reports none. */
  size(): { columns: number; rows: number } {
    const c = this.out.columns;
    const r = this.out.rows;
    return {
      columns: typeof c === 'number' && c > 0 ? c : this.fallback.columns,
      rows: typeof r === 'number' && r > 0 ? r : this.fallback.rows,
    };
  }

  /** Switches to the alternate screen, hides the cursor and draws; once only. */
  open(): void {
    if (this.state !== 'new') return;
    this.state = 'open';
    this.unregisterExit = (this.opts.onProcessExit ?? processExit)(() => this.restore());
    this.out.on('resize', this.onResize);
    this.out.write(ESC.enterAltScreen + ESC.hideCursor + ESC.clearScreen);
    this.redrawNow();
  }

  /** Asks for a redraw; several requests in one event-loop turn draw once. */
  requestRedraw(): void {
    if (this.state !== 'open' || this.cancelDeferred !== null) return;
    this.cancelDeferred = (this.opts.defer ?? nextTurn)(() => {
      this.cancelDeferred = null;
      this.redrawNow();
    });
  }

  /** Draws the current render at once (home, each line cleared to its end, the rest of the screen cleared). */
  redrawNow(): void {
    if (this.state !== 'open') return;
    this.cancelDeferred?.();
    this.cancelDeferred = null;
    const lines = this.render(this.size());
    this.out.write(ESC.home + lines.map((l) => l + ESC.clearToLineEnd).join('\r\n') + ESC.clearBelow);
  }

  /** Restores the terminal (cursor shown, main screen back) and stops listening; idempotent. */
  close(): void {
    if (this.state !== 'open') {
      this.state = 'closed';
      return;
    }
    this.restore();
  }

  private restore(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.cancelDeferred?.();
    this.cancelDeferred = null;
    this.out.off('resize', this.onResize);
    this.unregisterExit();
    this.out.write(ESC.showCursor + ESC.leaveAltScreen);
  }
}
