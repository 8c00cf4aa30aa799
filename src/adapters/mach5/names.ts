// Per-run object names on Mach5 (SPEC §8.4 "Names (ours)"): connection, pipelines and consumer groups carry the
// run name so concurrent runs never share or delete each other's objects. Must not depend on config.

export function connectionName(run: string): string {
  return `ib-${run}-kafka`;
}

export function pipelineName(run: string, stream: string): string {
  return `ib-${run}-${stream}`;
}

/** The Kafka consumer group of a stream's pipeline (as SPEC §8.2). */
export function consumerGroupName(run: string, stream: string): string {
  return `ib-${run}-${stream}`;
}
