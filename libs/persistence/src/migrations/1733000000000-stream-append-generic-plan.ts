import type { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNATURE = 'stream_append(text[], text[], text[], text[], text[], timestamptz[], text[])';

/**
 * stream_append() plans its statements once per connection instead of on every call. With the
 * default plan cache mode PL/pgSQL kept choosing custom plans for the append's CTE over the daily
 * partitions of stream_events, and planning cost more than running: 300 two-event appends took
 * 308-378 ms, 153-183 ms with the generic plan (partitions are still pruned at run time).
 */
export class StreamAppendGenericPlan1733000000000 implements MigrationInterface {
  name = 'StreamAppendGenericPlan1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION ${SIGNATURE} SET plan_cache_mode = force_generic_plan`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION ${SIGNATURE} RESET plan_cache_mode`);
  }
}
