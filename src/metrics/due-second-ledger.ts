// Keeps a worker's counters per due second between snapshots (SPEC §10.1): the snapshot of second s carries s's
// own delta, and every earlier second that changed since it was published travels in `late`, so nothing is
// counted twice or dropped. Generic over the counters; must not know what they mean.

interface Entry<T> {
  delta: T;
  published: boolean;
  dirty: boolean;
}

export class DueSecondLedger<T> {
  private readonly seconds = new Map<number, Entry<T>>();

  constructor(private readonly make: () => T, private readonly release: (t: T) => void = () => undefined) {}

  /** The not-yet-published counters of `second`, to add to (marks the second changed). */
  touch(second: number): T {
    let e = this.seconds.get(second);
    if (!e) {
      e = { delta: this.make(), published: false, dirty: false };
      this.seconds.set(second, e);
    }
    e.dirty = true;
    return e.delta;
  }

  /** True once `second` had its own snapshot (its `due` and target were reported). */
  published(second: number): boolean {
    return this.seconds.get(second)?.published ?? false;
  }

  /**
   * Publishes `second`: converts its delta (`main`, also when empty) and the delta of every earlier second
   * changed since its own publication (`late`), then starts them afresh.
   */
  publish<B>(second: number, convert: (delta: T, main: boolean) => B): { main: B; late: Record<string, B> } {
    const mainDelta = this.touch(second);
    const main = convert(mainDelta, true);
    this.reset(second);
    const late: Record<string, B> = {};
    for (const [s, e] of this.seconds) {
      if (s >= second || !e.dirty) continue;
      late[String(s)] = convert(e.delta, false);
      this.reset(s);
    }
    return { main, late };
  }

  private reset(second: number): void {
    const e = this.seconds.get(second)!;
    this.release(e.delta);
    e.delta = this.make();
    e.published = true;
    e.dirty = false;
  }

  /** Seconds holding changes not yet published. */
  get unpublished(): number {
    let n = 0;
    for (const e of this.seconds.values()) if (e.dirty) n++;
    return n;
  }

  /** Forgets published, unchanged seconds before `second` (memory stays flat over long runs). */
  prune(second: number): void {
    for (const [s, e] of this.seconds) {
      if (s < second && e.published && !e.dirty) {
        this.release(e.delta);
        this.seconds.delete(s);
      }
    }
  }
}
