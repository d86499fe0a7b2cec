import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * stream_append(): the whole idempotent append of a batch in one statement and one round trip.
 * Locks the users' head rows in a fixed order (no deadlocks between writers), skips event keys a
 * stream already holds, numbers the new events per user from the head (gap-free), inserts them,
 * moves the heads, and returns each input's sequence number (ordinality = input position).
 */
export class StreamAppendFunction1732700000000 implements MigrationInterface {
  name = 'StreamAppendFunction1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION stream_append(p_app text[], p_user text[], p_key text[], p_type text[], p_uid text[], p_at timestamptz[], p_origin text[])
      RETURNS TABLE (pos bigint, seq bigint)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO stream_heads (app_key, user_id)
          SELECT DISTINCT a, u FROM unnest(p_app, p_user) AS t(a, u) ORDER BY 1, 2
          ON CONFLICT DO NOTHING;
        PERFORM 1 FROM stream_heads h
          JOIN (SELECT DISTINCT a, u FROM unnest(p_app, p_user) AS t(a, u)) x ON h.app_key = x.a AND h.user_id = x.u
          ORDER BY h.app_key, h.user_id FOR UPDATE OF h;
        -- A new statement, a new snapshot: it sees what writers that held these locks before us committed.
        RETURN QUERY
        WITH input AS (
          SELECT * FROM unnest(p_app, p_user, p_key, p_type, p_uid, p_at, p_origin) WITH ORDINALITY AS t(a, u, k, ty, uid, at, origin, i)
        ), existing AS (
          SELECT DISTINCT e.app_key AS a, e.user_id AS u, e.event_key AS k, e.seq
          FROM stream_events e JOIN input i ON e.app_key = i.a AND e.user_id = i.u AND e.event_key = i.k
        ), fresh AS (
          SELECT DISTINCT ON (i.a, i.u, i.k) i.* FROM input i
          WHERE NOT EXISTS (SELECT 1 FROM existing x WHERE x.a = i.a AND x.u = i.u AND x.k = i.k)
          ORDER BY i.a, i.u, i.k, i.i
        ), numbered AS (
          SELECT f.*, h.last_seq + row_number() OVER (PARTITION BY f.a, f.u ORDER BY f.i) AS s
          FROM fresh f JOIN stream_heads h ON h.app_key = f.a AND h.user_id = f.u
        ), inserted AS (
          INSERT INTO stream_events (app_key, user_id, seq, event_key, event_type, message_uid, occurred_at, origin_device_id)
          SELECT a, u, s, k, ty, uid, at, origin FROM numbered
          RETURNING 1
        ), moved AS (
          UPDATE stream_heads h SET last_seq = m.top
          FROM (SELECT a, u, max(s) AS top FROM numbered GROUP BY a, u) m
          WHERE h.app_key = m.a AND h.user_id = m.u
          RETURNING 1
        )
        SELECT i.i, COALESCE(x.seq, n.s)
        FROM input i
        LEFT JOIN existing x ON x.a = i.a AND x.u = i.u AND x.k = i.k
        LEFT JOIN numbered n ON n.a = i.a AND n.u = i.u AND n.k = i.k
        ORDER BY i.i;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION stream_append(text[], text[], text[], text[], text[], timestamptz[], text[])');
  }
}
