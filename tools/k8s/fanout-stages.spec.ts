import { fanoutConfigSchema } from '../../apps/fanout/src/config';
import { fanoutStageProviders } from '../../apps/fanout/src/fanout.module';
import { StreamPartitionsService } from '../../apps/fanout/src/maintenance/stream-partitions.service';
import { fanoutStageConsumers } from './code-facts';

const base = { KAFKA_BROKERS: 'kafka:9092', DATABASE_URL: 'postgres://u@h/db', INTERNAL_API_TOKEN: 'x'.repeat(16) };
const stagesOf = (value?: string) => fanoutConfigSchema.safeParse({ ...base, FANOUT_STAGES: value });

describe('FANOUT_STAGES: which fan-out stages a process runs (one Deployment per stage in deploy/k8s)', () => {
  test('both by default, as before', () => {
    expect(stagesOf(undefined).data?.FANOUT_STAGES).toEqual(['expand', 'stream-writer']);
  });

  test('a comma list, trimmed and deduplicated', () => {
    expect(stagesOf(' stream-writer , expand,expand ').data?.FANOUT_STAGES).toEqual(['stream-writer', 'expand']);
    expect(stagesOf('expand').data?.FANOUT_STAGES).toEqual(['expand']);
  });

  test('an unknown or empty list is refused, naming the variable', () => {
    const unknown = stagesOf('expand,writer');
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0].path[0]).toBe('FANOUT_STAGES');
    expect(stagesOf(' , ').success).toBe(false);
  });

  test('each stage starts only its own consumer group', async () => {
    expect(await fanoutStageConsumers(['expand'])).toEqual([{ groupId: 'fanout-expand', topics: ['im.messages.v1'], fromBeginning: true }]);
    expect(await fanoutStageConsumers(['stream-writer'])).toEqual([{ groupId: 'fanout-stream-writer', topics: ['im.stream-appends.v1'], fromBeginning: true }]);
    expect((await fanoutStageConsumers(['expand', 'stream-writer'])).map((c) => c.groupId).sort()).toEqual(['fanout-expand', 'fanout-stream-writer']);
  });

  test('stream partition maintenance runs with the expand stage only', () => {
    expect(fanoutStageProviders(['expand'])).toContain(StreamPartitionsService);
    expect(fanoutStageProviders(['stream-writer'])).not.toContain(StreamPartitionsService);
  });
});
