// Ctrl-C (and SIGTERM) for commands that stop cleanly: the first signal aborts, a second one forces. Must not decide
// what aborting or forcing does — the command does, through the signal and the handler it sets.

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface InterruptWatch {
  /** Aborted at the first Ctrl-C or SIGTERM, with the reason "interrupted by the user (Ctrl-C)". */
  readonly signal: AbortSignal;
  /** Resolves at the first interrupt. */
  readonly interrupted: Promise<void>;
  /** Sets what the second and every later interrupt does (default: nothing). */
  onForce(handler: () => void): void;
  /** Stops listening. */
  dispose(): void;
}

export function watchInterrupts(source: SignalSource = process): InterruptWatch {
  const controller = new AbortController();
  let resolveInterrupted: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => {
    resolveInterrupted = resolve;
  });
  let force: () => void = () => undefined;
  const listener = (): void => {
    if (!controller.signal.aborted) {
      controller.abort('interrupted by the user (Ctrl-C)');
      resolveInterrupted();
    } else {
      force();
    }
  };
  source.on('SIGINT', listener);
  source.on('SIGTERM', listener);
  return {
    signal: controller.signal,
    interrupted,
    onForce: (handler) => {
      force = handler;
    },
    dispose: () => {
      source.off('SIGINT', listener);
      source.off('SIGTERM', listener);
    },
  };
}
