// The `now` generator (SPEC §5.1, §5.2): the event's scheduled time as ISO-8601 text or epoch numbers, with
// the ISO bytes of the current second cached. Must not read the wall clock.

import type { TimestampFormat } from '../../scenario/check-fields.js';
import { numberCompiled, stringCompiled, type Compiled, type NumberSource, type TextSource } from './compiled.js';
import type { EventState } from './event-state.js';
import { byteLiteral, type ByteLiteral } from './json-bytes.js';

/** "000Z" … "999Z" as big-endian 32-bit words: the millisecond tail of an ISO text in one store. */
const MILLI_TAILS = Int32Array.from({ length: 1000 }, (_, i) => {
  const b = Buffer.from(String(i).padStart(3, '0') + 'Z', 'latin1');
  return b.readInt32BE(0);
});
/** The longest ISO text: "+275760-09-13T00:00:00.000Z" (27 characters). */
const MAX_ISO_BYTES = 27;

/** ISO-8601 bytes of the scheduled time, e.g. 2026-01-01T00:00:00.123Z; the part up to "." cached per second. */
export class IsoTimeText implements TextSource {
  private second = NaN;
  private prefix: ByteLiteral = byteLiteral('');

  writeText(st: EventState): void {
    const ms = st.ms;
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      const iso = new Date(second * 1000).toISOString(); // …T12:00:05.000Z (or ±YYYYYY-… far out)
      this.prefix = byteLiteral(iso.slice(0, iso.length - 4));
      this.second = second;
    }
    const out = st.out;
    out.lit(this.prefix);
    out.word(MILLI_TAILS[ms - second * 1000]!);
  }
}

/** epoch_seconds are whole seconds (floor), the usual meaning of the format for consumers. */
export function epochValue(format: 'epoch_millis' | 'epoch_seconds', ms: number): number {
  return format === 'epoch_millis' ? ms : Math.floor(ms / 1000);
}

class EpochTime implements NumberSource {
  constructor(private readonly format: 'epoch_millis' | 'epoch_seconds') {}
  value(st: EventState): number {
    return epochValue(this.format, st.ms);
  }
}

export function compileNow(format: TimestampFormat): Compiled {
  return format === 'iso8601' ? stringCompiled(new IsoTimeText(), MAX_ISO_BYTES) : numberCompiled(new EpochTime(format));
}
