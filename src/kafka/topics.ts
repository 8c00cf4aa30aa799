// Topic management of a run (SPEC §1.3): create the topics when allowed, otherwise (or when creation fails) check
// through metadata that they exist; delete at cleanup. Must not decide topic names or partition counts.

import type { Admin } from 'kafkajs';
import { KafkaError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { hasKafkaErrorType, kafkaErrorText } from './kafkajs-errors.js';

export interface TopicRequest {
  name: string;
  partitions: number;
  /** Default: the broker's default replication factor. */
  replicationFactor?: number;
}

export interface PartitionMismatch {
  topic: string;
  requested: number;
  actual: number;
}

export interface EnsureTopicsResult {
  /** Topics this call created (empty when management is off or creation failed). */
  created: string[];
  /** Partition count of every requested topic, as the broker reports it. */
  partitions: Record<string, number>;
  /** Topics whose partition count differs from the requested one (a warning each, never an error). */
  mismatches: PartitionMismatch[];
  /** Why creation failed, when it was attempted and failed (the topics were then verified through metadata). */
  creationError?: string;
  /** Human warnings, also logged (partition mismatches). */
  warnings: string[];
}

export interface DeleteTopicsResult {
  deleted: string[];
  /** Already gone before the call (cleanup is idempotent). */
  absent: string[];
  /** The broker refused; a warning, not a failure (SPEC §1.3). */
  refused: string[];
  reason?: string;
}

/** The admin calls topic management needs (a kafkajs Admin has them all). */
export type TopicAdmin = Pick<Admin, 'listTopics' | 'createTopics' | 'fetchTopicMetadata' | 'deleteTopics'>;

const LEGAL_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Makes sure every topic exists. With `manage`, creates the missing ones (topics that exist are fine). Then, and
 * always when management is off or creation failed for any reason, checks through a metadata request that each
 * topic exists — a broker that auto-creates topics on metadata requests passes. Missing topics → one KafkaError
 * naming each (with the broker's reason). A partition count other than the requested one is a warning (logged and
 * returned), never an error: the harness keys its own messages and reads all partitions, and fewer events-topic
 * partitions than lanes only limits how parallel the target's consumer can be.
 */
export async function ensureTopics(
  admin: TopicAdmin,
  topics: readonly TopicRequest[],
  opts: { manage: boolean; logger: Logger },
): Promise<EnsureTopicsResult> {
  checkRequests(topics);
  const result: EnsureTopicsResult = { created: [], partitions: {}, mismatches: [], warnings: [] };
  if (topics.length === 0) return result;
  const log = opts.logger;
  if (opts.manage) {
    try {
      const before = new Set(await admin.listTopics());
      const toCreate = topics.filter((t) => !before.has(t.name));
      if (toCreate.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: toCreate.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            ...(t.replicationFactor !== undefined ? { replicationFactor: t.replicationFactor } : {}),
          })),
        });
        result.created = toCreate.map((t) => t.name);
        log.info('created Kafka topics', { topics: result.created });
      }
    } catch (err) {
      result.creationError = kafkaErrorText(err);
      result.created = [];
      log.warn('could not create Kafka topics; checking that they exist', { error: result.creationError });
    }
  }

  const found = await partitionCounts(admin, topics.map((t) => t.name));
  const missing = topics.filter((t) => typeof found.get(t.name) !== 'number');
  if (missing.length > 0) {
    const list = missing.map((t) => `'${t.name}' (${String(found.get(t.name) ?? 'does not exist')})`).join(', ');
    const how = !opts.manage
      ? 'create them, or let the harness create them (drop --no-manage-topics)'
      : `the harness could not create them (${result.creationError ?? 'no error reported'}): create them or grant topic creation`;
    throw new KafkaError(`Kafka topics missing: ${list}; ${how}`);
  }
  for (const t of topics) {
    const actual = found.get(t.name) as number;
    result.partitions[t.name] = actual;
    if (actual !== t.partitions) {
      const m = { topic: t.name, requested: t.partitions, actual };
      result.mismatches.push(m);
      const text = `topic '${t.name}' has ${actual} partition(s), ${t.partitions} requested (it existed already or the broker `
        + `chose the count); the harness uses it as it is`;
      result.warnings.push(text);
      log.warn(text, { topic: t.name, requested: t.partitions, actual });
    }
  }
  return result;
}

/**
 * Deletes the topics that exist. A refusal (ACLs, deletion disabled, a test broker) is logged as a warning and
 * returned, never thrown; topics already gone count as done.
 */
export async function deleteTopics(admin: TopicAdmin, names: readonly string[], opts: { logger: Logger }): Promise<DeleteTopicsResult> {
  const result: DeleteTopicsResult = { deleted: [], absent: [], refused: [] };
  if (names.length === 0) return result;
  let present: string[];
  try {
    const existing = new Set(await admin.listTopics());
    present = names.filter((n) => existing.has(n));
    result.absent = names.filter((n) => !existing.has(n));
  } catch (err) {
    result.refused = [...names];
    result.reason = kafkaErrorText(err);
    opts.logger.warn('could not list Kafka topics to delete them; left in place', { topics: names, error: result.reason });
    return result;
  }
  if (present.length === 0) return result;
  try {
    await admin.deleteTopics({ topics: present });
    result.deleted = present;
    opts.logger.info('deleted Kafka topics', { topics: present });
  } catch (err) {
    result.refused = present;
    result.reason = kafkaErrorText(err);
    opts.logger.warn('Kafka refused to delete topics; left in place', { topics: present, error: result.reason });
  }
  return result;
}

function checkRequests(topics: readonly TopicRequest[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of topics) {
    if (!LEGAL_NAME.test(t.name) || t.name === '.' || t.name === '..') {
      problems.push(`Kafka topic name '${t.name}' is invalid: expected 1..249 of letters, digits, '.', '_', '-'`);
    }
    if (!Number.isInteger(t.partitions) || t.partitions < 1) {
      problems.push(`Kafka topic '${t.name}': partitions ${String(t.partitions)} is invalid: expected a whole number ≥ 1`);
    }
    if (seen.has(t.name)) problems.push(`Kafka topic '${t.name}' is requested twice: expected each topic once`);
    seen.add(t.name);
  }
  if (problems.length > 0) throw new KafkaError(problems.join('\n'));
}

/**
 * Partition count per topic, or the reason it could not be seen. One metadata request for all; when it fails
 * (kafkajs reports only the first topic's error), one request per topic tells which ones are missing.
 */
async function partitionCounts(admin: TopicAdmin, names: readonly string[]): Promise<Map<string, number | string>> {
  const out = new Map<string, number | string>();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [...names] });
    for (const t of meta.topics) out.set(t.name, t.partitions.length);
    if (names.every((n) => out.has(n))) return out;
  } catch {
    // fall through: ask per topic
  }
  await Promise.all(
    names.map(async (name) => {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [name] });
        const t = meta.topics.find((x) => x.name === name);
        out.set(name, t ? t.partitions.length : 'not in the metadata response');
      } catch (err) {
        out.set(name, hasKafkaErrorType(err, 'UNKNOWN_TOPIC_OR_PARTITION') ? 'does not exist' : kafkaErrorText(err));
      }
    }),
  );
  return out;
}
