import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApps1732500000000 implements MigrationInterface {
  name = 'CreateApps1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE apps (
        app_key text PRIMARY KEY,
        name text NOT NULL,
        secret text NOT NULL,
        settings jsonb NOT NULL,
        settings_version integer NOT NULL DEFAULT 0,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE apps');
  }
}
