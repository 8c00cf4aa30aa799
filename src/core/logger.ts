// The one structured logger (SPEC §19): JSON lines (pods, --json) or readable lines, each carrying the
// run name and role. Must not decide what is logged, nor write anywhere but the given stream.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  run?: string;
  role?: string;
  json?: boolean;
  level?: LogLevel;
  sink?: LogSink;
  now?: () => number;
}

export type LogFields = Record<string, unknown>;

export class Logger {
  private readonly o: Required<Omit<LoggerOptions, 'run' | 'role'>> & { run: string; role: string };
  constructor(opts: LoggerOptions = {}, private readonly bound: LogFields = {}) {
    this.o = {
      run: opts.run ?? '-',
      role: opts.role ?? 'cli',
      json: opts.json ?? false,
      level: opts.level ?? 'info',
      sink: opts.sink ?? process.stderr,
      now: opts.now ?? Date.now,
    };
  }

  /** A logger for another role or with more fields bound to every line. */
  child(opts: { role?: string; run?: string }, fields: LogFields = {}): Logger {
    return new Logger({ ...this.o, ...opts }, { ...this.bound, ...fields });
  }

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.o.level];
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    this.emit(this.o.now(), level, this.o.run, this.o.role, msg, { ...this.bound, ...fields });
  }

  /**
   * Writes a JSON log line of another logger (a worker thread's) through this one: this logger's level filter,
   * format and sink, the line's own time, run and role. A line that is not such JSON is written as it is.
   */
  forward(jsonLine: string): void {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(jsonLine) as Record<string, unknown>;
    } catch {
      this.o.sink.write(jsonLine.endsWith('\n') ? jsonLine : `${jsonLine}\n`);
      return;
    }
    const { t, level, run, role, msg, ...fields } = o;
    const lvl: LogLevel = typeof level === 'string' && level in ORDER ? level as LogLevel : 'info';
    if (!this.enabled(lvl)) return;
    const time = typeof t === 'string' ? Date.parse(t) : this.o.now();
    this.emit(Number.isFinite(time) ? time : this.o.now(), lvl, String(run ?? this.o.run), String(role ?? this.o.role), String(msg ?? ''), fields);
  }

  private emit(t: number, level: LogLevel, run: string, role: string, msg: string, all: LogFields): void {
    if (this.o.json) {
      this.o.sink.write(`${JSON.stringify({ t: new Date(t).toISOString(), level, run, role, msg, ...all })}\n`);
      return;
    }
    const extra = Object.entries(all).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    const time = new Date(t).toISOString().slice(11, 23);
    this.o.sink.write(`${time} ${level.padEnd(5)} [${run}/${role}] ${msg}${extra ? ` ${extra}` : ''}\n`);
  }
}

/** A logger that drops everything (tests, library defaults). */
export const silentLogger = new Logger({ level: 'error', sink: { write: () => true } });
