import { z } from 'zod';
import { databaseEnvSchema, parseConfig, ConfigError } from '@msync/service-kit';
import { runMigrations } from './data-source';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL and prints one JSON line. */
async function main() {
  const config = parseConfig(z.object({ DATABASE_URL: databaseEnvSchema.shape.DATABASE_URL }));
  const applied = await runMigrations(config.DATABASE_URL);
  process.stdout.write(`${JSON.stringify({ msg: 'migrations done', applied })}\n`);
}

main().catch((err) => {
  process.stderr.write(`migrate: ${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
