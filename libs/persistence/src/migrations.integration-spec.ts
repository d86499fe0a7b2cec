import { Client } from 'pg';
import { uniqueId } from '@msync/testing';
import { runMigrations } from './data-source';
import { migrations } from './migrations';

describe('migrations against a real PostgreSQL', () => {
  const baseUrl = new URL(process.env.DATABASE_URL!);
  const dbName = uniqueId('mig').replace(/-/g, '_');
  const admin = new Client({ connectionString: baseUrl.toString() });
  const freshUrl = () => {
    const u = new URL(baseUrl.toString());
    u.pathname = `/${dbName}`;
    return u.toString();
  };

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  it('apply on an empty database, and a second run is a no-op', async () => {
    const applied = await runMigrations(freshUrl());
    expect(applied).toEqual(migrations.map((m) => m.name));

    const client = new Client({ connectionString: freshUrl() });
    await client.connect();
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    await client.end();
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['apps', 'schema_migrations']));

    expect(await runMigrations(freshUrl())).toEqual([]);
  });
});
