// The start offsets of a run (SPEC §10.2): the end offsets of each stream's events topic, read once at prepare, from
// which lag counts. Must not read committed offsets nor compute lag (kafka/offsets.ts does).

import type { ConsumerLagReader, PartitionOffset } from '../kafka/offsets.js';

/**
 * Stream → the end offsets of its events topic now, every partition. Topics are read concurrently; a failed read
 * rejects with the reader's KafkaError (naming the topic) — a run whose start cannot be recorded cannot measure lag.
 */
export async function readStartOffsets(
  reader: Pick<ConsumerLagReader, 'endOffsets'>,
  topics: Readonly<Record<string /* stream */, string /* topic */>>,
): Promise<Record<string, PartitionOffset[]>> {
  const streams = Object.keys(topics);
  const offsets = await Promise.all(streams.map((stream) => reader.endOffsets(topics[stream]!)));
  const out: Record<string, PartitionOffset[]> = {};
  streams.forEach((stream, i) => {
    out[stream] = [...offsets[i]!].sort((a, b) => a.partition - b.partition);
  });
  return out;
}
