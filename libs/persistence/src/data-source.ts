import { DataSource } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** The project's TypeORM data source: schema comes only from migrations, never `synchronize`. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: options.applicationName,
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 30_000 },
  });
}

/** Applies pending migrations; returns the names applied (empty when up to date). */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource({ url, poolSize: 1, applicationName: 'msync-migrate' });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export function databaseOptionsFromEnv(env: { DATABASE_URL: string; DATABASE_POOL_SIZE: number }, service: string): DatabaseOptions {
  return { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, applicationName: `msync-${service}` };
}
