import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { OffsetCommitter } from './offset-committer';

describe('OffsetCommitter', () => {
  let commits: TopicPartitionOffsetAndMetadata[][];
  let fail: boolean;
  const errors: unknown[] = [];
  const make = () =>
    new OffsetCommitter(
      async (offsets) => {
        if (fail) throw new Error('coordinator away');
        commits.push(offsets);
      },
      500,
      (err) => errors.push(err),
    );

  beforeEach(() => {
    jest.useFakeTimers();
    commits = [];
    fail = false;
  });
  afterEach(() => jest.useRealTimers());

  it('commits the newest handled offset of each partition once per interval, the next offset to read', async () => {
    const c = make();
    c.handled('t', 0, '4');
    c.handled('t', 0, '9');
    c.handled('t', 1, '2');
    await jest.advanceTimersByTimeAsync(499);
    expect(commits).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(commits).toEqual([
      [
        { topic: 't', partition: 0, offset: '10' },
        { topic: 't', partition: 1, offset: '3' },
      ],
    ]);
  });

  it('schedules nothing while nothing is handled (an idle consumer never wakes its process)', async () => {
    make();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(commits).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps the offsets of a failed commit for the next interval, unless newer ones came', async () => {
    const c = make();
    c.handled('t', 0, '1');
    c.handled('t', 1, '1');
    fail = true;
    await jest.advanceTimersByTimeAsync(500);
    expect(errors).toHaveLength(1);
    fail = false;
    c.handled('t', 1, '7');
    await jest.advanceTimersByTimeAsync(500);
    expect(commits).toEqual([
      [
        { topic: 't', partition: 0, offset: '2' },
        { topic: 't', partition: 1, offset: '8' },
      ],
    ]);
  });

  it('drops the offsets of a commit that failed while the member rejoined', async () => {
    let failNow!: (err: Error) => void;
    let calls = 0;
    const c = new OffsetCommitter(
      (offsets) => (calls++ === 0 ? new Promise<void>((_, reject) => (failNow = reject)) : Promise.resolve(void commits.push(offsets))),
      500,
      () => undefined,
    );
    c.handled('t', 0, '1');
    const flushed = c.flush();
    c.forget();
    failNow(new Error('ILLEGAL_GENERATION'));
    await flushed;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(commits).toEqual([]);
  });

  it('forgets what is pending after a rejoin, and flushes at once on demand', async () => {
    const c = make();
    c.handled('t', 0, '1');
    c.forget();
    await jest.advanceTimersByTimeAsync(500);
    expect(commits).toEqual([]);
    c.handled('t', 0, '5');
    c.stop();
    await c.flush();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '6' }]]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
