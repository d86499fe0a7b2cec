import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const sessionConfigSchema = platformConfigSchema(3001);
export type SessionConfig = z.infer<typeof sessionConfigSchema>;
