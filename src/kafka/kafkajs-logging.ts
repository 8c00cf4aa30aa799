// Routes kafkajs' own log lines into our Logger: its ERROR/WARN become warn (failures that matter reach our code
// as rejected promises and are reported there), INFO/DEBUG become debug. Must not decide what our code logs.

import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Clock } from '../core/clock.js';
import type { Logger, LogFields, LogLevel } from '../core/logger.js';

/** Same namespace + message at warn is written once per window; the next one carries `repeated: n`. */
export const REPEAT_WINDOW_MS = 10_000;
const MAX_TRACKED = 512;
const DROPPED_KEYS = new Set(['timestamp', 'logger', 'message']);

/** Our level for a kafkajs level. */
export function ourLevel(level: logLevel): LogLevel {
  return level === logLevel.ERROR || level === logLevel.WARN ? 'warn' : 'debug';
}

/** The kafkajs level to configure so kafkajs does not even build entries our logger would drop. */
export function kafkajsLevelFor(logger: Logger): logLevel {
  if (logger.enabled('debug')) return logLevel.DEBUG;
  return logger.enabled('warn') ? logLevel.WARN : logLevel.NOTHING;
}

/** Suppresses a repeated line within a window and counts what it suppressed. */
export class RepeatFilter {
  private readonly seen = new Map<string, { at: number; suppressed: number }>();
  constructor(private readonly clock: Clock, private readonly windowMs = REPEAT_WINDOW_MS) {}

  /** null = drop this one; otherwise write it, mentioning how many were dropped since the last one written. */
  admit(key: string): { repeated: number } | null {
    const now = this.clock.nowMs();
    const prev = this.seen.get(key);
    if (prev && now - prev.at < this.windowMs) {
      prev.suppressed += 1;
      return null;
    }
    if (!prev && this.seen.size >= MAX_TRACKED) this.forgetOlderThan(now - this.windowMs);
    this.seen.set(key, { at: now, suppressed: 0 });
    return { repeated: prev?.suppressed ?? 0 };
  }

  private forgetOlderThan(t: number): void {
    for (const [k, v] of this.seen) if (v.at < t) this.seen.delete(k);
    if (this.seen.size >= MAX_TRACKED) this.seen.clear();
  }
}

/** A kafkajs logCreator writing through `logger` (fields: kafkajs namespace and the entry's extras). */
export function kafkajsLogCreator(logger: Logger, clock: Clock): logCreator {
  const filter = new RepeatFilter(clock);
  return () => (entry: LogEntry) => {
    const level = ourLevel(entry.level);
    if (!logger.enabled(level)) return;
    const message = String(entry.log.message);
    const fields: LogFields = { kafkajs: entry.namespace || 'kafkajs' };
    for (const [k, v] of Object.entries(entry.log)) {
      if (DROPPED_KEYS.has(k) || (k === 'stack' && level !== 'debug')) continue;
      fields[k] = v;
    }
    if (level !== 'debug') {
      const admitted = filter.admit(`${entry.namespace}\u0000${message}`);
      if (admitted === null) return;
      if (admitted.repeated > 0) fields.repeated = admitted.repeated;
    }
    logger.log(level, message, fields);
  };
}
