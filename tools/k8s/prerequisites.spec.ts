import type { TopicSpec } from '@msync/contracts';
import { missingPrerequisites } from './prerequisites';

const topic = (name: string, partitions: number): TopicSpec => ({ name, partitions, retentionMs: 1, cleanupPolicy: 'delete', key: 'k', description: 'd' });
const manifest = [topic('a.v1', 6), topic('b.v1', 12)];

describe('await-prerequisites: what a service pod still waits for', () => {
  test('nothing when every migration is applied and every topic has its partitions', () => {
    expect(missingPrerequisites(['M1', 'M2'], manifest, { appliedMigrations: ['M1', 'M2', 'Older0'], topicPartitions: new Map([['a.v1', 6], ['b.v1', 24]]) })).toEqual([]);
  });

  test('the migrations of this image not applied yet, absent topics, topics with too few partitions', () => {
    expect(missingPrerequisites(['M1', 'M2'], manifest, { appliedMigrations: ['M1'], topicPartitions: new Map([['b.v1', 6]]) })).toEqual([
      'migrations not applied: M2',
      'topics missing: a.v1',
      'topics with too few partitions: b.v1 (6 < 12)',
    ]);
  });

  test('an empty database and cluster miss everything', () => {
    expect(missingPrerequisites(['M1'], manifest, { appliedMigrations: [], topicPartitions: new Map() })).toEqual(['migrations not applied: M1', 'topics missing: a.v1, b.v1']);
  });
});
