import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

/** The two fan-out stages; one process runs any of them (deploy/k8s runs each as its own Deployment). */
export const FANOUT_STAGE_NAMES = ['expand', 'stream-writer'] as const;
export type FanoutStage = (typeof FANOUT_STAGE_NAMES)[number];

export const fanoutConfigSchema = platformConfigSchema(3002).extend({
  /** Stream partitions older than this are dropped whole (apps may keep less; reads filter by app). */
  STREAM_MAX_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  PARTITION_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
  /** Partitions of a topic one process works on at once. */
  FANOUT_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(12),
  /** Comma list of the stages this process runs: `expand`, `stream-writer` (default both). */
  FANOUT_STAGES: z
    .string()
    .default(FANOUT_STAGE_NAMES.join(','))
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(FANOUT_STAGE_NAMES)).min(1, `must name at least one of ${FANOUT_STAGE_NAMES.join(', ')}`))
    .transform((stages) => [...new Set(stages)]),
});
export type FanoutConfig = z.infer<typeof fanoutConfigSchema>;
export const FANOUT_CONFIG = Symbol('FANOUT_CONFIG');
