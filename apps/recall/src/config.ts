import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const recallConfigSchema = platformConfigSchema(3003);
export type RecallConfig = z.infer<typeof recallConfigSchema>;
