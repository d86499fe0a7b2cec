import { DataSource } from 'typeorm';
import type { StreamAppend } from '@msync/contracts';
import { uniqueId } from '@msync/testing';
import { createDataSource } from '../data-source';
import { StreamRepository } from './stream.repository';

describe('StreamRepository against a real PostgreSQL', () => {
  let ds: DataSource;
  let streams: StreamRepository;
  const appKey = 'stream-spec';

  beforeAll(async () => {
    ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 10 });
    await ds.initialize();
    streams = new StreamRepository(ds);
  });
  afterAll(() => ds.destroy());

  const append = (userId: string, key: string): StreamAppend => ({
    appKey,
    userId,
    eventKey: key,
    occurredAt: Date.now(),
    body: { type: 'message', message: { messageUid: `UID-${key}`.toUpperCase().replace(/[^A-Z0-9-]/g, '0'), conversationType: 'private', senderId: 'x', targetId: userId, objectName: 'RC:TxtMsg', content: '{}', sentAt: 1 } },
  });

  it('numbers each user’s events from 1 without gaps, and returns the stored number for a key seen before', async () => {
    const [u1, u2] = [uniqueId('u'), uniqueId('u')];
    const first = await streams.append([append(u1, 'k1'), append(u2, 'k1'), append(u1, 'k2'), append(u1, 'k2')]);
    expect(first.map((e) => [e.userId === u1 ? 'u1' : 'u2', e.eventKey, e.seq])).toEqual([
      ['u1', 'k1', 1],
      ['u2', 'k1', 1],
      ['u1', 'k2', 2],
      ['u1', 'k2', 2],
    ]);
    const again = await streams.append([append(u1, 'k2'), append(u1, 'k3'), append(u1, 'k1')]);
    expect(again.map((e) => e.seq)).toEqual([2, 3, 1]);
    expect(await streams.head(appKey, u1)).toBe(3);
    const rows = await ds.query('SELECT count(*)::int AS n FROM stream_events WHERE app_key = $1 AND user_id = $2', [appKey, u1]);
    expect(rows[0].n).toBe(3);
  });

  it('keeps one gap-free sequence when many writers append to the same users at once (and redeliver)', async () => {
    const users = [uniqueId('u'), uniqueId('u'), uniqueId('u')];
    const batches = Array.from({ length: 20 }, (_, b) => users.flatMap((u) => [append(u, `e${b}`), append(u, `e${(b + 7) % 20}`)]));
    await Promise.all(batches.map((batch) => streams.append(batch)));
    for (const u of users) {
      const rows: { seq: string; event_key: string }[] = await ds.query(
        'SELECT seq, event_key FROM stream_events WHERE app_key = $1 AND user_id = $2 ORDER BY seq',
        [appKey, u],
      );
      expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(rows.map((r) => r.event_key)).size).toBe(20);
    }
  });
});
