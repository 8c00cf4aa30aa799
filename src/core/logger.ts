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
    const t = this.o.now();
    const all = { ...this.bound, ...fields };
    if (this.o.json) {
      this.o.sink.write(`${JSON.stringify({ t: new Date(t).toISOString(), level, run: this.o.run, role: this.o.role, msg, ...all })}\n`);
      return;
    }
    const extra = Object.entries(all).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    const time = new Date(t).toISOString().slice(11, 23);
    this.o.sink.write(`${time} ${level.padEnd(5)} [${this.o.run}/${this.o.role}] ${msg}${extra ? ` ${extra}` : ''}\n`);
  }
}

/** A logger that drops everything (tests, library defaults). */
export const silentLogger = new Logger({ level: 'error', sink: { write: () => true } });
