import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const compensationConfigSchema = platformConfigSchema(3004);
export type CompensationConfig = z.infer<typeof compensationConfigSchema>;
