// Builds an event's JSON text directly from the compiled field plan (SPEC §5.1, §5.4): keys in schema order,
// dotted names as flat keys, a sentinel's id in place of the id field. Must not build an object per event
// for `encode`, nor read clocks: time and profile come from the caller.

import { ConfigError, type Problem } from '../core/errors.js';
import { readFields, type TimestampFormat } from '../scenario/check-fields.js';
import { formatPath, type DocPath, type ProblemSink } from '../scenario/problems.js';
import type { DataProfile, FieldDef } from '../scenario/schema.js';
import { compileFields } from './fields/compile-field.js';
import type { FieldEmitter } from './fields/compiled.js';
import { BASELINE, EventState, INCIDENT } from './fields/event-state.js';
import type { JsonBytes } from './fields/json-bytes.js';
import { eventKeyFrom, seedKey } from './hash.js';

export interface EventEncoderOptions {
  fields: FieldDef[];
  seed: number;
  /** Replaces the format of `now` fields of type timestamp (adapters may ask for another). */
  timestampFormat?: TimestampFormat;
  /** The field a sentinel id replaces (SPEC §5.3); null or absent: no sentinels. */
  idField?: string | null;
}

export class EventEncoder {
  readonly fieldNames: readonly string[];
  private readonly emitters: FieldEmitter[];
  /** Byte length of each field's key prefix (`{"name":` for the first field, `,"name":` for the others). */
  private readonly prefixBytes: number[];
  private readonly state: EventState;
  private readonly seedState: number;
  private readonly idIndex: number;
  private readonly indexOf: Map<string, number>;
  /** The sentinel id of the last event generated, if it had one. */
  private lastSentinel: string | undefined;

  constructor(opts: EventEncoderOptions) {
    const problems: Problem[] = [];
    const sink: ProblemSink = {
      error: (path: DocPath, message: string) => problems.push({ file: 'fields', line: 0, col: 0, path: formatPath(path), message }),
      warn: () => {},
    };
    const specs = readFields(opts.fields, ['fields'], sink);
    const idField = opts.idField ?? null;
    this.idIndex = idField === null ? -1 : specs.findIndex((s) => s.name === idField);
    if (idField !== null && this.idIndex < 0) {
      problems.push({ file: 'fields', line: 0, col: 0, path: '', message: `id field ${JSON.stringify(idField)} names no field` });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) {
      throw new RangeError(`seed must be a whole number in [0, 2^32), got ${opts.seed}`);
    }
    const compiled = compileFields(specs, { timestampFormat: opts.timestampFormat });
    this.fieldNames = compiled.map((c) => c.name);
    this.indexOf = new Map(compiled.map((c, i) => [c.name, i]));
    this.emitters = compiled.map((c) => c.emitter);
    this.prefixBytes = compiled.map((c) => c.prefixBytes);
    // The static bound of an event's bytes: no write ever checks capacity.
    const capacity = compiled.reduce((n, c) => n + c.maxBytes, 0) + 2;
    this.state = new EventState(compiled.length, capacity);
    this.seedState = seedKey(opts.seed);
  }

  /** Event g as one JSON object text (a flat string). */
  encode(g: number, scheduledMs: number, profile: DataProfile, sentinelId?: string): string {
    const out = this.run(g, scheduledMs, profile, sentinelId);
    if (sentinelId === undefined) return out.decode();
    const [start, end] = this.idRange();
    return out.decode(0, start) + JSON.stringify(sentinelId) + out.decode(end, out.pos);
  }

  /**
   * Event g as UTF-8 JSON bytes: a view of the encoder's own buffer, valid until its next call (copy it to
   * keep it). Same bytes as `encode`, without making a string.
   */
  encodeBytes(g: number, scheduledMs: number, profile: DataProfile, sentinelId?: string): Buffer {
    if (sentinelId !== undefined) return Buffer.from(this.encode(g, scheduledMs, profile, sentinelId), 'utf8');
    const out = this.run(g, scheduledMs, profile, undefined);
    return out.bytes();
  }

  /** Event g as an object (what JSON.parse of `encode` gives), for reconstructing events. */
  values(g: number, scheduledMs: number, profile: DataProfile, sentinelId?: string): Record<string, unknown> {
    this.run(g, scheduledMs, profile, sentinelId);
    const entries: [string, unknown][] = this.fieldNames.map((name) => [name, this.lastValue(name)]);
    return Object.fromEntries(entries); // own properties even for names such as "__proto__"
  }

  /**
   * A field's value in the event generated last (by encode, encodeBytes or values), without generating it
   * again — e.g. the partition key of the event just encoded. Undefined for a name that is no field.
   */
  lastValue(name: string): unknown {
    const i = this.indexOf.get(name);
    if (i === undefined) return undefined;
    return i === this.idIndex && this.lastSentinel !== undefined ? this.lastSentinel : this.state.valueOf(i);
  }

  /** Writes every field of event g into the state's byte sink. */
  private run(g: number, scheduledMs: number, profile: DataProfile, sentinelId: string | undefined): JsonBytes {
    if (sentinelId !== undefined) this.idFieldIndex();
    this.lastSentinel = sentinelId;
    const st = this.state;
    st.key = eventKeyFrom(this.seedState, g);
    st.profile = profile === 'incident' ? INCIDENT : BASELINE;
    st.ms = scheduledMs;
    const out = st.out;
    out.reset();
    const emitters = this.emitters;
    const prefixBytes = this.prefixBytes;
    const start = st.start;
    const end = st.end;
    if (emitters.length === 0) out.byte(123); // { — otherwise part of the first field's prefix
    for (let i = 0; i < emitters.length; i++) {
      start[i] = out.pos + prefixBytes[i]!;
      emitters[i]!.emit(st);
      end[i] = out.pos;
    }
    out.byte(125); // }
    if (out.overflowed) throw new RangeError(`event ${g} exceeded the computed bound of ${out.u8.length} bytes`);
    return out;
  }

  private idFieldIndex(): number {
    if (this.idIndex < 0) throw new RangeError('a sentinel id was given, but the encoder has no id field');
    return this.idIndex;
  }

  /** The byte range of the id field's value in the last event (a sentinel id replaces it). */
  private idRange(): [number, number] {
    const i = this.idFieldIndex();
    return [this.state.start[i]!, this.state.end[i]!];
  }
}
