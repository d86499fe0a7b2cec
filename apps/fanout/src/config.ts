import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const fanoutConfigSchema = platformConfigSchema(3002).extend({
  /** Stream partitions older than this are dropped whole (apps may keep less; reads filter by app). */
  STREAM_MAX_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  PARTITION_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
  /** Partitions of a topic one process works on at once. */
  FANOUT_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(12),
});
export type FanoutConfig = z.infer<typeof fanoutConfigSchema>;
export const FANOUT_CONFIG = Symbol('FANOUT_CONFIG');
