import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Live sessions (login policy, presence), gateway liveness, blocks, token floors, and the per-user cursor of sync-off apps. */
export class DevicesAndSettings1732800000000 implements MigrationInterface {
  name = 'DevicesAndSettings1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sessions (
        session_id text PRIMARY KEY,
        app_key text NOT NULL,
        user_id text NOT NULL,
        device_id text NOT NULL,
        platform text NOT NULL,
        gateway_id text NOT NULL,
        connected_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_by_user ON sessions (app_key, user_id, platform, connected_at)`);
    await q.query(`CREATE INDEX sessions_by_gateway ON sessions (gateway_id)`);
    await q.query(`CREATE TABLE gateways (gateway_id text PRIMARY KEY, last_seen_at timestamptz NOT NULL)`);
    await q.query(`
      CREATE TABLE user_blocks (
        app_key text NOT NULL,
        user_id text NOT NULL,
        blocked_until timestamptz NOT NULL,
        PRIMARY KEY (app_key, user_id)
      )`);
    // Tokens of the user issued before not_before are refused (block, user/token/expire).
    await q.query(`
      CREATE TABLE user_token_floors (
        app_key text NOT NULL,
        user_id text NOT NULL,
        not_before timestamptz NOT NULL,
        PRIMARY KEY (app_key, user_id)
      )`);
    await q.query(`ALTER TABLE stream_heads ADD COLUMN delivered_seq bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stream_heads DROP COLUMN delivered_seq`);
    for (const t of ['user_token_floors', 'user_blocks', 'gateways', 'sessions']) await q.query(`DROP TABLE ${t}`);
  }
}
