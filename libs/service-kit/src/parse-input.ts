import type { z } from 'zod';
import { DomainError, ErrorCodes } from '@msync/contracts';

/** Validates input at the edge; a failure is an `invalid_field` error naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw new DomainError(ErrorCodes.INVALID_FIELD, problems.join('; '), { problems });
}
