// Where the raw records go (SPEC §13.1, §10.2): a line each in <dir>/snapshots.jsonl, in order; coordinator-made ones also
// on the metrics topic under key `coordinator`. Must not build records, nor swallow a failed write or publish.

import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { RunError } from '../core/errors.js';
import type { JsonProducer } from '../kafka/json-producer.js';
import { recordLine, type RawRecord } from './records.js';

export const SNAPSHOTS_FILE = 'snapshots.jsonl';
/** The metrics-topic key of the coordinator's own records (SPEC §1.3). */
export const COORDINATOR_KEY = 'coordinator';
/** Most records one publish call carries. */
export const MAX_PUBLISH_BATCH = 500;

/** Publishes records in order; resolves once they are acknowledged, rejects when they are not. */
export type RecordPublisher = (records: readonly RawRecord[]) => Promise<unknown>;

/** A RecordPublisher sending to the metrics topic, every record under key `coordinator`. */
export function metricsTopicPublisher(producer: Pick<JsonProducer<RawRecord>, 'sendBatch'>, topic: string): RecordPublisher {
  return (records) => producer.sendBatch(topic, records.map((value) => ({ key: COORDINATOR_KEY, value })));
}

export interface RecordSinkFailure {
  /** `file`: snapshots.jsonl could not be written (reported once; later lines are counted as unwritten), or a
   *  record came after close() (reported once). */
  what: 'file' | 'publish';
  message: string;
  /** Records concerned: the failed batch for `publish`; 0 for a failed file, 1 for a write after close(). */
  records: number;
  error: unknown;
}

export interface RecordSinkOptions {
  /** The run's output directory (created when missing). */
  dir: string;
  /** Publishes coordinator-made records (lag, freshness, control); absent = file only. */
  publish?: RecordPublisher;
  onError: (failure: RecordSinkFailure) => void;
}

export interface RecordSinkStats {
  /** Lines the file has taken (write completed). */
  lines: number;
  /** Records whose line could not be written: failed writes, and records refused after a file error or close(). */
  unwrittenLines: number;
  published: number;
  publishFailed: number;
  /** The file's first error, null when none. */
  fileError: string | null;
}

export class RecordSink {
  readonly path: string;
  private readonly queue: RawRecord[] = [];
  private sending: Promise<void> | null = null;
  private closing: Promise<RecordSinkStats> | null = null;
  private fileError: string | null = null;
  private readonly counts = { lines: 0, unwrittenLines: 0, published: 0, publishFailed: 0 };

  private constructor(private readonly out: WriteStream, path: string, private readonly opts: RecordSinkOptions) {
    this.path = path;
    out.on('error', (err) => this.fileFailed(err));
  }

  /** Opens `<dir>/snapshots.jsonl` for appending; rejects (RunError naming the path) when it cannot be opened. */
  static async open(opts: RecordSinkOptions): Promise<RecordSink> {
    const path = join(opts.dir, SNAPSHOTS_FILE);
    try {
      await mkdir(opts.dir, { recursive: true });
      const out = createWriteStream(path, { flags: 'a' });
      await new Promise<void>((resolve, reject) => {
        out.once('open', () => resolve());
        out.once('error', reject);
      });
      return new RecordSink(out, path, opts);
    } catch (err) {
      throw new RunError(`cannot open '${path}' for the run's raw records: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Appends the record's line; publishes it too when it is the coordinator's own (not a worker snapshot). */
  write(record: RawRecord): void {
    if (this.closing !== null) {
      if (this.counts.unwrittenLines++ === 0) {
        this.opts.onError({ what: 'file', message: `a '${record.kind}' record arrived after '${this.path}' was closed`, records: 1, error: null });
      }
      return;
    }
    if (this.fileError !== null) {
      this.counts.unwrittenLines++;
    } else {
      this.out.write(`${recordLine(record)}\n`, (err) => {
        if (err) this.counts.unwrittenLines++;
        else this.counts.lines++;
      });
    }
    if (this.opts.publish !== undefined && record.kind !== 'worker') {
      this.queue.push(record);
      this.pump();
    }
  }

  /** Waits for the publishing queue, flushes and closes the file; resolves with what happened (never rejects). */
  close(): Promise<RecordSinkStats> {
    this.closing ??= (async () => {
      while (this.sending !== null) await this.sending;
      this.out.end();
      await finished(this.out).catch((err: unknown) => this.fileFailed(err));
      return this.stats();
    })();
    return this.closing;
  }

  stats(): RecordSinkStats {
    return { ...this.counts, fileError: this.fileError };
  }

  private pump(): void {
    const publish = this.opts.publish;
    if (publish === undefined || this.sending !== null || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_PUBLISH_BATCH);
    let call: Promise<unknown>;
    try {
      call = publish(batch);
    } catch (err) {
      call = Promise.reject(err);
    }
    this.sending = call.then(
      () => {
        this.counts.published += batch.length;
      },
      (err: unknown) => {
        this.counts.publishFailed += batch.length;
        this.opts.onError({ what: 'publish', message: `publishing ${batch.length} record(s) failed: ${messageOf(err)}`, records: batch.length, error: err });
      },
    ).finally(() => {
      this.sending = null;
      this.pump();
    });
  }

  private fileFailed(err: unknown): void {
    if (this.fileError !== null) return;
    this.fileError = `writing '${this.path}' failed: ${messageOf(err)}`;
    this.opts.onError({ what: 'file', message: this.fileError, records: 0, error: err });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
