import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recall needs the users whose streams hold a message. */
export class Recall1732900000000 implements MigrationInterface {
  name = 'Recall1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX stream_events_by_message ON stream_events (app_key, message_uid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX stream_events_by_message`);
  }
}
