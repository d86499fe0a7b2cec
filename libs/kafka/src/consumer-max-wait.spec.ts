import { consumerMaxWaitMs } from './event-consumer';

describe('consumer fetch wait', () => {
  const saved = process.env.KAFKA_CONSUMER_MAX_WAIT_MS;
  afterEach(() => {
    if (saved === undefined) delete process.env.KAFKA_CONSUMER_MAX_WAIT_MS;
    else process.env.KAFKA_CONSUMER_MAX_WAIT_MS = saved;
  });

  it('waits up to a second, never longer than the heartbeat interval (heartbeats go out between fetches)', () => {
    delete process.env.KAFKA_CONSUMER_MAX_WAIT_MS;
    expect(consumerMaxWaitMs(1_000)).toBe(1_000);
    expect(consumerMaxWaitMs(333)).toBe(333);
  });

  it('KAFKA_CONSUMER_MAX_WAIT_MS overrides it', () => {
    process.env.KAFKA_CONSUMER_MAX_WAIT_MS = '250';
    expect(consumerMaxWaitMs(1_000)).toBe(250);
  });
});
