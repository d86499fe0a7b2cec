import type { TopicSpec } from '@msync/contracts';

/** What a service pod needs before it starts, as read from PostgreSQL and Kafka. */
export interface PrerequisiteState {
  /** Names in schema_migrations (empty when the table does not exist yet). */
  appliedMigrations: readonly string[];
  /** Partition count of each topic that exists. */
  topicPartitions: ReadonlyMap<string, number>;
}

/**
 * What is still missing, in words (empty: the pod may start): migrations of this image not applied
 * yet, and topics of the manifest absent or with fewer partitions than it says.
 */
export function missingPrerequisites(expectedMigrations: readonly string[], manifest: readonly TopicSpec[], state: PrerequisiteState): string[] {
  const applied = new Set(state.appliedMigrations);
  const pending = expectedMigrations.filter((m) => !applied.has(m));
  const missing: string[] = [];
  if (pending.length > 0) missing.push(`migrations not applied: ${pending.join(', ')}`);
  const absent = manifest.filter((t) => !state.topicPartitions.has(t.name)).map((t) => t.name);
  if (absent.length > 0) missing.push(`topics missing: ${absent.join(', ')}`);
  const short = manifest
    .filter((t) => (state.topicPartitions.get(t.name) ?? t.partitions) < t.partitions)
    .map((t) => `${t.name} (${state.topicPartitions.get(t.name)} < ${t.partitions})`);
  if (short.length > 0) missing.push(`topics with too few partitions: ${short.join(', ')}`);
  return missing;
}
