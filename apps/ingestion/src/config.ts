import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';
import { consoleConfigShape } from './console/console-config';

export const ingestionConfigSchema = platformConfigSchema(3000).extend({
  /** Bearer token of the operator API that creates apps. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** How often stored-but-unpublished messages are published again (crash between store and publish). */
  /** The recall service (the management API's recall goes there). */
  RECALL_URL: z.url().default('http://127.0.0.1:3003'),
  OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
  ...consoleConfigShape,
});
export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;
export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');
