import { z } from 'zod';
import { ConfigError, baseEnvSchema, databaseEnvSchema, kafkaEnvSchema, parseConfig } from './config';

const schema = baseEnvSchema.extend({ ...kafkaEnvSchema.shape, ...databaseEnvSchema.shape });

describe('parseConfig', () => {
  it('applies defaults and parses lists', () => {
    const config = parseConfig(schema, { KAFKA_BROKERS: 'a:1, b:2', DATABASE_URL: 'postgres://x/y' });
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(config.HTTP_HOST).toBe('127.0.0.1');
    expect(config.KAFKA_PROVISION_TOPICS).toBe(true);
  });

  it('names every missing or bad variable at once', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig(schema, { DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).toMatch(/^KAFKA_BROKERS: is required but not set$/m);
    expect(text).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL$/m);
    expect(text).toMatch(/^LOG_LEVEL: /m);
  });

  it('does not accept a value outside its range', () => {
    expect(() => parseConfig(z.object({ SHUTDOWN_TIMEOUT_MS: baseEnvSchema.shape.SHUTDOWN_TIMEOUT_MS }), { SHUTDOWN_TIMEOUT_MS: '10' })).toThrow(
      /SHUTDOWN_TIMEOUT_MS/,
    );
  });
});
