import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const fanoutConfigSchema = platformConfigSchema(3002);
export type FanoutConfig = z.infer<typeof fanoutConfigSchema>;
