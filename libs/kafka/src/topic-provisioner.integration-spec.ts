import { Kafka, logLevel, type Admin } from 'kafkajs';
import { fullTopicManifest, type TopicSpec } from '@msync/contracts';
import { uniqueId } from '@msync/testing';
import { fetchTopicMetadata, provisionTopics } from './topic-provisioner';

describe('provisionTopics against a real Kafka broker', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'provision-spec', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterAll(() => admin.disconnect());

  /** The real manifest under a unique prefix, so the run does not depend on what exists already. */
  function prefixedManifest(): TopicSpec[] {
    const prefix = uniqueId('prov');
    return fullTopicManifest().map((t) => ({ ...t, name: `${prefix}.${t.name}` }));
  }

  async function partitionCounts(names: string[]): Promise<Record<string, number>> {
    const md = await fetchTopicMetadata(admin, names);
    return Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.length]));
  }

  it('creates every manifest topic with its partition count and config; a second run changes nothing', async () => {
    const manifest = prefixedManifest();
    const names = manifest.map((t) => t.name);

    const first = await provisionTopics(admin, manifest, 1);
    expect(first.created.sort()).toEqual([...names].sort());

    const counts = await partitionCounts(names);
    for (const spec of manifest) expect(counts[spec.name]).toBe(spec.partitions);

    const settings = manifest.find((t) => t.cleanupPolicy === 'compact')!;
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: settings.name, configNames: ['cleanup.policy'] }], includeSynonyms: false });
    expect(described.resources[0].configEntries[0].configValue).toBe('compact');

    const second = await provisionTopics(admin, manifest, 1);
    expect(second.created).toEqual([]);
    expect(second.expanded).toEqual([]);
    expect(second.unchanged.sort()).toEqual([...names].sort());
    expect(await partitionCounts(names)).toEqual(counts);
  });

  it('raises a partition count that is below the manifest', async () => {
    const [spec] = prefixedManifest();
    await provisionTopics(admin, [{ ...spec, partitions: 2 }], 1);
    const report = await provisionTopics(admin, [{ ...spec, partitions: 4 }], 1);
    expect(report.expanded).toEqual([{ topic: spec.name, from: 2, to: 4 }]);
    expect((await partitionCounts([spec.name]))[spec.name]).toBe(4);
  });
});
