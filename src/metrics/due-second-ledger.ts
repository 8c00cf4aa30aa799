// Keeps a worker's counters per due second between snapshots (SPEC §10.1): the snapshot of second s carries s's
// own delta, and every earlier second that changed since it was published travels in `late`, so nothing is
// counted twice or dropped. Generic over the counters; must not know what they mean.

interface Entry<T> {
  /** Changes not yet published; null when there are none. */
  delta: T | null;
  published: boolean;
}

/** Deltas kept for reuse: a worker touches only a few seconds at a time. */
const POOL_MAX = 16;

export class DueSecondLedger<T> {
  private readonly seconds = new Map<number, Entry<T>>();
  private readonly pool: T[] = [];

  /**
   * `make` builds empty counters; `clear` empties them in place for reuse (counters hold histograms that are
   * expensive to allocate every second).
   */
  constructor(private readonly make: () => T, private readonly clear: (t: T) => void) {}

  /** The not-yet-published counters of `second`, to add to (marks the second changed). */
  touch(second: number): T {
    let e = this.seconds.get(second);
    if (!e) {
      e = { delta: null, published: false };
      this.seconds.set(second, e);
    }
    e.delta ??= this.pool.pop() ?? this.make();
    return e.delta;
  }

  /** True once `second` had its own snapshot (its `due` and target were reported). */
  published(second: number): boolean {
    return this.seconds.get(second)?.published ?? false;
  }

  /**
   * Publishes `second`: converts its delta (`main`, also when empty) and the delta of every earlier second
   * changed since its own publication (`late`), then recycles them.
   */
  publish<B>(second: number, convert: (delta: T, main: boolean) => B): { main: B; late: Record<string, B> } {
    const main = convert(this.touch(second), true);
    this.done(second);
    const late: Record<string, B> = {};
    for (const [s, e] of this.seconds) {
      if (s >= second || e.delta === null) continue;
      late[String(s)] = convert(e.delta, false);
      this.done(s);
    }
    return { main, late };
  }

  private done(second: number): void {
    const e = this.seconds.get(second)!;
    if (e.delta !== null) {
      this.clear(e.delta);
      if (this.pool.length < POOL_MAX) this.pool.push(e.delta);
      e.delta = null;
    }
    e.published = true;
  }

  /** Seconds holding changes not yet published. */
  get unpublished(): number {
    let n = 0;
    for (const e of this.seconds.values()) if (e.delta !== null) n++;
    return n;
  }

  /** Forgets published, unchanged seconds before `second` (memory stays flat over long runs). */
  prune(second: number): void {
    for (const [s, e] of this.seconds) if (s < second && e.published && e.delta === null) this.seconds.delete(s);
  }
}
