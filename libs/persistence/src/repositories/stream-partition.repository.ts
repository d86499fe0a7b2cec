import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

const DAY_MS = 86_400_000;
const dayName = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
const startOfDay = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS);

/** Daily partitions of stream_events: created ahead of time, dropped whole when past retention. */
@Injectable()
export class StreamPartitionRepository {
  constructor(private readonly db: DataSource) {}

  /** Ensures partitions for `daysBack` days before today through `daysAhead` days after it (UTC). */
  async ensureDaily(now: number, daysBack: number, daysAhead: number): Promise<string[]> {
    const created: string[] = [];
    for (let i = -daysBack; i <= daysAhead; i++) {
      const from = startOfDay(now + i * DAY_MS);
      const to = new Date(from.getTime() + DAY_MS);
      const name = `stream_events_p${dayName(from)}`;
      const exists: unknown[] = await this.db.query(`SELECT 1 FROM pg_class WHERE relname = $1`, [name]);
      if (exists.length > 0) continue;
      try {
        await this.db.query(`CREATE TABLE ${name} PARTITION OF stream_events FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
        created.push(name);
      } catch (err) {
        // Rows for that day already sit in the default partition (or a concurrent creator won): they stay readable there.
        if (!/already exists|would be violated/.test((err as Error).message)) throw err;
      }
    }
    return created;
  }

  /** Drops daily partitions whose whole day is older than `olderThan`. */
  async dropBefore(olderThan: Date): Promise<string[]> {
    const parts: { name: string }[] = await this.db.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = 'stream_events' AND c.relname ~ '^stream_events_p[0-9]{8}$'`,
    );
    const dropped: string[] = [];
    for (const { name } of parts) {
      const d = name.slice(-8);
      const dayEnd = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) + DAY_MS;
      if (dayEnd <= olderThan.getTime()) {
        await this.db.query(`DROP TABLE ${name}`);
        dropped.push(name);
      }
    }
    return dropped;
  }
}
