// Where a stream's consumer lag comes from (SPEC §8.1, §10.2): the target's own positions (`consumedOffsets()`) when it
// reports them, else the consumer group prepare named. Must not keep readings over time nor decide when to read.

import { RunError } from '../core/errors.js';
import type { ConsumerLagReader, LagReading, PartitionOffset } from '../kafka/offsets.js';
import type { PartitionOffsets, PrepareResult, RunContext, TargetAdapter } from '../adapters/types.js';

export interface LagSource {
  /** One lag reading of the stream, counted from its start offsets; rejects when it cannot be read. */
  read(stream: string): Promise<LagReading>;
}

export interface LagSourceOptions {
  reader: Pick<ConsumerLagReader, 'lag' | 'lagFromPositions'>;
  adapter: Pick<TargetAdapter, 'consumedOffsets'>;
  ctx: RunContext;
  prepared: Pick<PrepareResult, 'consumerGroups'>;
  /** Stream → its events topic. */
  topics: Readonly<Record<string, string>>;
  /** Stream → the end offsets recorded at prepare (start-offsets.ts). */
  startOffsets: Readonly<Record<string, readonly PartitionOffset[]>>;
}

/**
 * A LagSource for the run. Per reading: when the adapter has `consumedOffsets()` and it answers non-null, positions
 * come from it (a topic it does not mention has consumed nothing yet); otherwise the consumer group of
 * `prepared.consumerGroups[stream]` is read. A group that has not committed yet is a valid reading (lag counts from
 * the start offsets). Readings of several streams that start together share one `consumedOffsets()` call.
 */
export function lagSourceFor(opts: LagSourceOptions): LagSource {
  const { reader, adapter, ctx, prepared, topics, startOffsets } = opts;
  let positionsCall: Promise<PartitionOffsets | null> | null = null;
  const consumed = (): Promise<PartitionOffsets | null> => {
    if (!adapter.consumedOffsets) return Promise.resolve(null);
    if (positionsCall === null) {
      const call = Promise.resolve().then(() => adapter.consumedOffsets!(ctx));
      positionsCall = call;
      const clear = (): void => {
        if (positionsCall === call) positionsCall = null;
      };
      call.then(clear, clear);
    }
    return positionsCall;
  };

  return {
    async read(stream: string): Promise<LagReading> {
      const topic = topics[stream];
      if (topic === undefined) {
        throw new RunError(`no events topic for stream '${stream}': the run's streams are ${listOf(Object.keys(topics))}`);
      }
      const start = startOffsets[stream];
      if (start === undefined) throw new RunError(`no start offsets were recorded for stream '${stream}' (topic '${topic}')`);
      const positions = await consumed();
      if (positions !== null) return reader.lagFromPositions(topic, toPartitionOffsets(positions[topic]), start);
      const group = prepared.consumerGroups?.[stream];
      if (group === undefined) {
        throw new RunError(`no lag source for stream '${stream}': the target reported no consumed offsets and prepare named no consumer group for it`);
      }
      return reader.lag(topic, group, start);
    },
  };
}

function toPartitionOffsets(byPartition: Readonly<Record<number, number>> | undefined): PartitionOffset[] {
  if (byPartition === undefined) return [];
  return Object.entries(byPartition)
    .map(([partition, offset]) => ({ partition: Number(partition), offset }))
    .sort((a, b) => a.partition - b.partition);
}

function listOf(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => `'${n}'`).join(', ');
}
