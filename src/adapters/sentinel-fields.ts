// Which field each stream's sentinel ids are in, as an adapter's probe sees it (SPEC §5.3, §8.6): the plan's choice
// per stream when the context carries it, else the adapter's configured id field when the stream has it, else SPEC
// §20's default on the stream's own fields. Must not send anything.

import { sentinelFieldOf } from '../scenario/sentinel-field.js';
import type { StreamContext } from './types.js';

/** The stream's sentinel field, or null when it has none (then it has no sentinels to probe). */
export function streamSentinelField(s: StreamContext, configured: string | null): string | null {
  if (s.sentinelField !== undefined) return s.sentinelField;
  return sentinelFieldOf(s.fields, configured === '' ? null : configured);
}

/** The streams that have sentinels, each with its field. */
export function probedStreams(streams: readonly StreamContext[], configured: string | null): { stream: StreamContext; field: string }[] {
  const out: { stream: StreamContext; field: string }[] = [];
  for (const s of streams) {
    const field = streamSentinelField(s, configured);
    if (field !== null) out.push({ stream: s, field });
  }
  return out;
}
