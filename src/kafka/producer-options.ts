// How the harness produces (SPEC §6.3): acks, compression by name, an explicit partitioner, no topic
// auto-creation, no idempotence. Must not create producers or send anything.

import kafkajs, { CompressionTypes, Partitioners, type ProducerConfig } from 'kafkajs';
import { KafkaError } from '../core/errors.js';
import { didYouMean, oneOf } from '../scenario/suggest.js';

export type Acks = -1 | 0 | 1;
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSIONS)[number];

export interface ProduceTuning {
  /** -1 = all in-sync replicas (default), 1 = leader, 0 = no acknowledgement. */
  acks: Acks;
  compression: CompressionName;
}

export const DEFAULT_PRODUCE_TUNING: ProduceTuning = { acks: -1, compression: 'none' };

const TYPES: Record<CompressionName, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * The kafkajs compression type for a name (`--compression`, plan `kafka.compression`). kafkajs ships gzip only;
 * snappy/lz4/zstd work once a codec is registered in kafkajs' CompressionCodecs, and fail here (KafkaError, before
 * anything is sent) otherwise.
 */
export function compressionType(name: string): CompressionTypes {
  const key = name.trim().toLowerCase();
  if (!(COMPRESSIONS as readonly string[]).includes(key)) {
    throw new KafkaError(`compression '${name}' is unknown: expected ${oneOf(COMPRESSIONS)}${didYouMean(key, COMPRESSIONS)}`);
  }
  const type = TYPES[key as CompressionName];
  if (type === CompressionTypes.None || type === CompressionTypes.GZIP) return type;
  try {
    kafkajs.CompressionCodecs[type]();
  } catch {
    throw new KafkaError(`compression '${key}' needs a kafkajs codec that is not installed: use 'gzip' or 'none', `
      + `or register a ${key} codec in kafkajs' CompressionCodecs`);
  }
  return type;
}

/** Checks acks from a flag or plan: -1 (or 'all'), 0 or 1. */
export function parseAcks(value: string | number): Acks {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (v === 'all' || v === -1 || v === '-1') return -1;
  if (v === 0 || v === '0') return 0;
  if (v === 1 || v === '1') return 1;
  throw new KafkaError(`acks '${String(value)}' is invalid: expected all (-1), 1 or 0`);
}

/**
 * Producer settings every harness producer uses: kafkajs' DefaultPartitioner named explicitly (Java-compatible
 * murmur2 for keyed messages, round-robin for unkeyed; naming it silences kafkajs' v2 warning), no topic
 * auto-creation (a typo must not create a topic), idempotence off (SPEC §6.3).
 */
export function harnessProducerConfig(extra: Omit<ProducerConfig, 'createPartitioner' | 'allowAutoTopicCreation'> = {}): ProducerConfig {
  return { idempotent: false, ...extra, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false };
}
