import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const compensationConfigSchema = platformConfigSchema(3004).extend({
  /** Largest page a caller may ask for. */
  STREAM_PAGE_MAX: z.coerce.number().int().min(10).max(5000).default(1000),
  /** Most conversations in a compensating device's channel list (the newest are kept). */
  CHANNEL_LIST_MAX: z.coerce.number().int().min(1).max(5000).default(500),
});
export type CompensationConfig = z.infer<typeof compensationConfigSchema>;
export const COMPENSATION_CONFIG = Symbol('COMPENSATION_CONFIG');
