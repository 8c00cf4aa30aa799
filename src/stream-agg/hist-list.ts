// Encoded histograms of one bucket, kept encoded and merged lazily (SPEC §10.2: memory stays flat over long runs).
// Must not decode on add; merging is exact (Hist addition).

import { Hist, emptyEncoded } from '../metrics/hist.js';

export class HistList {
  private items: string[] = [];

  /** Keeps `encoded` (empty histograms are not kept). */
  add(encoded: string | undefined): void {
    if (encoded !== undefined && encoded !== emptyEncoded) this.items.push(encoded);
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Adds every kept histogram into `into`. */
  addTo(into: Hist): void {
    for (const e of this.items) into.addEncoded(e);
  }

  /** The merged histogram (a new Hist). */
  merged(): Hist {
    const h = new Hist();
    this.addTo(h);
    return h;
  }

  /** Replaces the kept list by one merged encoding (done when a second closes); returns the merged Hist. */
  compact(): Hist {
    const h = this.merged();
    this.items = h.isEmpty ? [] : [h.encode()];
    return h;
  }
}
