import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Core sync schema: tokens, groups with membership history, messages, per-user streams
 * (time-partitioned by day so retention drops whole partitions), stream heads and devices.
 */
export class CoreSync1732600000000 implements MigrationInterface {
  name = 'CoreSync1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE revoked_tokens (
        app_key text NOT NULL REFERENCES apps(app_key) ON DELETE CASCADE,
        token_id text NOT NULL,
        user_id text NOT NULL,
        revoked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (app_key, token_id)
      )`);
    await q.query(`
      CREATE TABLE groups (
        app_key text NOT NULL REFERENCES apps(app_key) ON DELETE CASCADE,
        group_id text NOT NULL,
        name text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        dismissed_at timestamptz,
        PRIMARY KEY (app_key, group_id)
      )`);
    // One row per stay in a group: recipients of a message are the members whose stay covers its send time.
    await q.query(`
      CREATE TABLE group_memberships (
        id bigserial PRIMARY KEY,
        app_key text NOT NULL,
        group_id text NOT NULL,
        user_id text NOT NULL,
        joined_at timestamptz NOT NULL,
        left_at timestamptz,
        FOREIGN KEY (app_key, group_id) REFERENCES groups(app_key, group_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX group_memberships_group ON group_memberships (app_key, group_id, joined_at)`);
    await q.query(`CREATE UNIQUE INDEX group_memberships_current ON group_memberships (app_key, group_id, user_id) WHERE left_at IS NULL`);
    await q.query(`
      CREATE TABLE messages (
        app_key text NOT NULL,
        message_uid text NOT NULL,
        conversation_type text NOT NULL,
        sender_id text NOT NULL,
        target_id text NOT NULL,
        object_name text NOT NULL,
        content text,
        sent_at timestamptz NOT NULL,
        sender_device_id text,
        client_msg_id text,
        include_sender boolean NOT NULL,
        to_user_ids text[],
        published_at timestamptz,
        recalled_at timestamptz,
        recalled_by text,
        PRIMARY KEY (app_key, message_uid)
      )`);
    await q.query(`CREATE UNIQUE INDEX messages_client_msg_id ON messages (app_key, sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL`);
    await q.query(`CREATE INDEX messages_unpublished ON messages (sent_at) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE stream_heads (
        app_key text NOT NULL,
        user_id text NOT NULL,
        last_seq bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (app_key, user_id)
      )`);
    await q.query(`
      CREATE TABLE stream_events (
        app_key text NOT NULL,
        user_id text NOT NULL,
        seq bigint NOT NULL,
        event_key text NOT NULL,
        event_type text NOT NULL,
        message_uid text NOT NULL,
        occurred_at timestamptz NOT NULL,
        origin_device_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      ) PARTITION BY RANGE (created_at)`);
    await q.query(`CREATE INDEX stream_events_by_seq ON stream_events (app_key, user_id, seq)`);
    await q.query(`CREATE INDEX stream_events_by_key ON stream_events (app_key, user_id, event_key)`);
    // Catches rows outside the daily partitions the maintenance job creates ahead of time.
    await q.query(`CREATE TABLE stream_events_default PARTITION OF stream_events DEFAULT`);
    await q.query(`
      CREATE TABLE devices (
        app_key text NOT NULL,
        user_id text NOT NULL,
        device_id text NOT NULL,
        platform text NOT NULL,
        cursor bigint NOT NULL DEFAULT 0,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (app_key, user_id, device_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['devices', 'stream_events', 'stream_heads', 'messages', 'group_memberships', 'groups', 'revoked_tokens']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
