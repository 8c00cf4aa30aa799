// The --live TUI of `incidentbench metrics` (SPEC §14): folds each live message into the view model and redraws the
// full screen. Must not read Kafka or handle signals, and must not print to the terminal while it is open —
// problems and notes are kept for after close().

import type { LiveMessage } from '../../stream-agg/live-types.js';
import type { LiveOutput } from '../live-tail.js';
import { emptyLiveView, noteSkipped, reduceLive, type LiveView } from './live-view.js';
import { renderLiveView } from './render-live.js';
import { TerminalScreen, type TerminalScreenOptions, type TerminalStream } from './terminal-screen.js';

export interface LiveTuiOptions extends TerminalScreenOptions {
  /** ANSI colours (the caller decides: a TTY and NO_COLOR unset). */
  color: boolean;
}

export class LiveTui implements LiveOutput {
  private current: LiveView;
  private readonly screen: TerminalScreen;
  private readonly heldProblems: string[] = [];
  private readonly heldNotes: string[] = [];

  constructor(run: string, out: TerminalStream, opts: LiveTuiOptions) {
    this.current = emptyLiveView(run);
    this.screen = new TerminalScreen(out, (size) => renderLiveView(this.current, size, { color: opts.color }), opts);
  }

  get view(): LiveView {
    return this.current;
  }

  /** Enters the full screen and draws the (empty) dashboard. */
  open(): void {
    this.screen.open();
  }

  show(message: LiveMessage): void {
    this.current = reduceLive(this.current, message);
    this.screen.requestRedraw();
  }

  problem(line: string): void {
    this.heldProblems.push(line);
  }

  skipped(total: number): void {
    this.current = noteSkipped(this.current, total);
    this.screen.requestRedraw();
  }

  note(line: string): void {
    this.heldNotes.push(line);
  }

  /** Restores the terminal (once); returns the problems and notes held back since the last call, each in order. */
  close(): { problems: string[]; notes: string[] } {
    this.screen.close();
    return { problems: this.heldProblems.splice(0), notes: this.heldNotes.splice(0) };
  }
}
