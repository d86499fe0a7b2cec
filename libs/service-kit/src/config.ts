import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment against a schema and names every bad or missing variable at once. */
export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = env[String(issue.path[0])];
    const why = value === undefined ? 'is required but not set' : issue.message;
    return `${name}: ${why}`;
  });
  throw new ConfigError(problems);
}

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const commaList = z
  .string()
  .min(1)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .refine((list) => list.length > 0, 'must name at least one host:port');

/** Variables every service reads. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  INSTANCE_ID: z.string().min(1).optional(),
});

export const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: commaList,
  KAFKA_CLIENT_ID: z.string().min(1).default('msync'),
  /**
   * How long a member that died without leaving (kill -9, a lost host) keeps its partitions; a
   * restarted member waits that long to join. 6 s is the broker's default group.min.session.timeout.ms.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(3000).default(6_000),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).default(1),
  KAFKA_HANDLER_MAX_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  /**
   * Prefix of every consumer group id (default none). Two deployments that share a broker, such as
   * two test databases on one development broker, must not share groups: each would take part of the
   * other's partitions and handle those records against the wrong database.
   */
  KAFKA_GROUP_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ -').default(''),
  /**
   * Under load, produce requests start at least this far apart and a consumer fetches again at least
   * this long after its last fetch returned: fewer, larger requests (each costs the broker and both
   * processes about the same whatever it carries). After a quiet spell nothing waits. 0 turns it off.
   */
  KAFKA_BATCH_INTERVAL_MS: z.coerce.number().int().min(0).max(100).default(0),
  /** Check every produced record against its schema too (consumers always check). */
  KAFKA_VALIDATE_ON_PRODUCE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Apply the topic manifest at start-up (idempotent). Off when a platform team provisions topics. */
  KAFKA_PROVISION_TOPICS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export const databaseEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export const httpPort = port;
export type BaseEnv = z.infer<typeof baseEnvSchema>;
export type KafkaEnv = z.infer<typeof kafkaEnvSchema>;
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;
