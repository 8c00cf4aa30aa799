// Consumer lag of the target's group on an events topic (SPEC §10.2): end offsets, committed offsets, and the lag
// arithmetic. Must not keep readings over time (consumed EPS = Δposition / Δt is the caller's), nor commit offsets.

import type { Admin } from 'kafkajs';
import { KafkaError } from '../core/errors.js';
import { kafkaErrorText } from './kafkajs-errors.js';

/** One partition's offset; for committed offsets -1 means "no commit yet" (Kafka's answer). */
export interface PartitionOffset {
  partition: number;
  offset: number;
}

export interface PartitionLag {
  partition: number;
  end: number;
  /** max(committed, start): where the consumer stands, counted from the run's start. */
  position: number;
  /** max(0, end − position). */
  lag: number;
}

export interface LagReading {
  /** Σ partitions (end − max(committed, start)). */
  lag: number;
  /** Σ partitions max(committed, start); consumed EPS = Δposition / Δt between readings. */
  position: number;
  /** Σ end offsets. */
  end: number;
  partitions: PartitionLag[];
}

/**
 * lag = Σ over the topic's partitions (end − max(committed, start)). A partition without a commit (-1, or absent
 * from `committed`) counts from its start offset (the end offset recorded at prepare); a partition absent from
 * `start` (added after prepare) starts at 0. Per-partition lag is clamped at 0 (a commit read after the end offset
 * it passed must not make lag negative). Partitions are those of `end`; commits for other partitions are ignored.
 */
export function computeLag(
  end: readonly PartitionOffset[],
  committed: readonly PartitionOffset[],
  start: readonly PartitionOffset[],
): LagReading {
  const committedBy = byPartition(committed);
  const startBy = byPartition(start);
  const partitions = [...end]
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, offset }) => {
      const position = Math.max(committedBy.get(partition) ?? -1, startBy.get(partition) ?? 0);
      return { partition, end: offset, position, lag: Math.max(0, offset - position) };
    });
  return {
    lag: sum(partitions.map((p) => p.lag)),
    position: sum(partitions.map((p) => p.position)),
    end: sum(partitions.map((p) => p.end)),
    partitions,
  };
}

/** The admin calls lag reading needs (a kafkajs Admin has them). */
export type OffsetAdmin = Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>;

export class ConsumerLagReader {
  constructor(private readonly admin: OffsetAdmin) {}

  /** High watermark (next offset to be written) of every partition of the topic. */
  async endOffsets(topic: string): Promise<PartitionOffset[]> {
    try {
      const offsets = await this.admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, offset: toOffset(o.high, topic, o.partition) }));
    } catch (err) {
      throw wrap(err, `reading the end offsets of '${topic}'`);
    }
  }

  /** The group's committed offsets on every partition of the topic; -1 where it has not committed. */
  async committedOffsets(group: string, topic: string): Promise<PartitionOffset[]> {
    try {
      const answer = await this.admin.fetchOffsets({ groupId: group, topics: [topic] });
      const mine = answer.find((t) => t.topic === topic);
      return (mine?.partitions ?? []).map((p) => ({ partition: p.partition, offset: toOffset(p.offset, topic, p.partition) }));
    } catch (err) {
      throw wrap(err, `reading the offsets consumer group '${group}' committed on '${topic}'`);
    }
  }

  /**
   * One lag reading of `group` on `topic` from `startOffsets` (the end offsets recorded at prepare). Commits are
   * read before end offsets, so a consumer moving meanwhile cannot appear ahead of the end.
   */
  async lag(topic: string, group: string, startOffsets: readonly PartitionOffset[]): Promise<LagReading> {
    const committed = await this.committedOffsets(group, topic);
    const end = await this.endOffsets(topic);
    return computeLag(end, committed, startOffsets);
  }

  /** The same reading for a target that reports its own positions (`adapter.consumedOffsets()`, SPEC §8.1). */
  async lagFromPositions(topic: string, positions: readonly PartitionOffset[], startOffsets: readonly PartitionOffset[]): Promise<LagReading> {
    return computeLag(await this.endOffsets(topic), positions, startOffsets);
  }
}

function byPartition(list: readonly PartitionOffset[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const { partition, offset } of list) m.set(partition, Math.max(offset, m.get(partition) ?? -1));
  return m;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function toOffset(text: string, topic: string, partition: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < -1) throw new KafkaError(`Kafka returned offset '${text}' for '${topic}' partition ${partition}: expected an integer ≥ -1`);
  return n;
}

function wrap(err: unknown, what: string): KafkaError {
  return err instanceof KafkaError ? err : new KafkaError(`${what} failed: ${kafkaErrorText(err)}`, { cause: err });
}
