import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const ingestionConfigSchema = platformConfigSchema(3000);
export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;
