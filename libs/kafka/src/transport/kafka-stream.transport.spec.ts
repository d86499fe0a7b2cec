import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DomainErrorFilter } from '@msync/service-kit';
import type { ConsumedRecord, ConsumerSpec } from '../event-consumer';
import { TransientError } from '../errors';
import type { KafkaConnection } from '../kafka-connection';
import { kafkaConsumer } from './kafka-consumer.options';
import { kafkaHandlersOf } from './kafka-handlers';
import { KafkaStreamContext } from './kafka-stream.context';
import { KafkaStreamTransport } from './kafka-stream.transport';

const seen: { records: ConsumedRecord<unknown>[]; topic: string; partition: number; group: string }[] = [];
let failWith: Error | undefined;

@Controller()
class TestHandlers {
  @EventPattern('t.orders.v1', kafkaConsumer({ group: 'orders-{service}', chunkSize: 50 }))
  async orders(@Payload() records: ConsumedRecord<unknown>[], @Ctx() ctx: KafkaStreamContext) {
    if (failWith) throw failWith;
    seen.push({ records, topic: ctx.getTopic(), partition: ctx.getPartition(), group: ctx.getGroup() });
  }

  @EventPattern('t.live.v1', kafkaConsumer({ group: 'live-{instance}', fromBeginning: false, awaitJoin: true }))
  live() {
    return undefined;
  }
}

@Module({ controllers: [TestHandlers], providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }] })
class TestModule {}

/** A KafkaConnection that records the consumers the transport starts instead of talking to a broker. */
function fakeConnection() {
  const specs: ConsumerSpec<unknown>[] = [];
  const joins: string[] = [];
  const connection = {
    startConsumer: async (spec: ConsumerSpec<unknown>) => {
      specs.push(spec);
      return { groupId: spec.groupId, waitUntilJoined: async () => void joins.push(spec.groupId) };
    },
    stopConsumers: async () => undefined,
  };
  return { specs, joins, connection: connection as unknown as KafkaConnection };
}

const record = (offset: string): ConsumedRecord<unknown> => ({
  topic: 't.orders.v1',
  partition: 3,
  offset,
  key: 'k',
  value: { n: Number(offset) },
  headers: {},
  timestamp: 0,
  raw: {} as ConsumedRecord<unknown>['raw'],
});

describe('KafkaStreamTransport (the Nest microservice transport over libs/kafka)', () => {
  async function start() {
    const fake = fakeConnection();
    const app = await NestFactory.createMicroservice(TestModule, { strategy: new KafkaStreamTransport(fake.connection, { service: 'svc', instance: 'gw-1' }), logger: false });
    await app.listen();
    return { app, ...fake };
  }

  beforeEach(() => {
    seen.length = 0;
    failWith = undefined;
  });

  it('starts one consumer per @EventPattern handler with its options, and waits for the joins it must', async () => {
    const { app, specs, joins } = await start();
    expect(specs.map((s) => ({ groupId: s.groupId, topics: s.topics, fromBeginning: s.fromBeginning, chunkSize: s.chunkSize }))).toEqual([
      { groupId: 'orders-svc', topics: ['t.orders.v1'], fromBeginning: undefined, chunkSize: 50 },
      { groupId: 'live-gw-1', topics: ['t.live.v1'], fromBeginning: false, chunkSize: undefined },
    ]);
    expect(joins).toEqual(['live-gw-1']);
    await app.close();
  });

  it('hands the handler a chunk with its context, and resolves only when the handler is done', async () => {
    const { app, specs } = await start();
    await specs[0].handleBatch([record('7'), record('8')]);
    expect(seen).toEqual([{ records: [record('7'), record('8')], topic: 't.orders.v1', partition: 3, group: 'orders-svc' }]);
    await app.close();
  });

  it('gives the consumer the handler’s own error, so its class decides retry or dead letter', async () => {
    const { app, specs } = await start();
    failWith = new TransientError('database away');
    await expect(specs[0].handleBatch([record('1')])).rejects.toBe(failWith);
    await app.close();
  });

  it('reads a controller’s handlers from its metadata without starting anything', () => {
    expect(kafkaHandlersOf(TestHandlers).map((h) => [h.method, h.topic, h.options.group])).toEqual([
      ['orders', 't.orders.v1', 'orders-{service}'],
      ['live', 't.live.v1', 'live-{instance}'],
    ]);
  });
});

const sharedSeen: string[] = [];

@Controller()
class SharedGroupHandlers {
  @EventPattern('t.live.v1', kafkaConsumer({ group: 'live-{instance}', fromBeginning: false, partitionsConsumedConcurrently: 12, awaitJoin: true }))
  live(@Payload() records: ConsumedRecord<unknown>[]) {
    sharedSeen.push(`live ${records.length}`);
  }

  @EventPattern('t.control.v1', kafkaConsumer({ group: 'live-{instance}', fromBeginning: false }))
  control(@Payload() records: ConsumedRecord<unknown>[]) {
    sharedSeen.push(`control ${records.length}`);
  }
}

@Controller()
class DisagreeingHandlers {
  @EventPattern('t.a.v1', kafkaConsumer({ group: 'g', fromBeginning: false }))
  a() {
    return undefined;
  }

  @EventPattern('t.b.v1', kafkaConsumer({ group: 'g' }))
  b() {
    return undefined;
  }
}

describe('KafkaStreamTransport, handlers sharing a group', () => {
  async function start(controller: new () => unknown) {
    @Module({ controllers: [controller] })
    class M {}
    const fake = fakeConnection();
    const app = await NestFactory.createMicroservice(M, { strategy: new KafkaStreamTransport(fake.connection, { service: 'svc', instance: 'gw-1' }), logger: false });
    return { app, ...fake };
  }

  it('run as one member subscribed to all their topics, each chunk going to the handler of its topic', async () => {
    const { app, specs, joins } = await start(SharedGroupHandlers);
    await app.listen();
    expect(specs.map((s) => ({ groupId: s.groupId, topics: s.topics, fromBeginning: s.fromBeginning, concurrency: s.partitionsConsumedConcurrently }))).toEqual([
      { groupId: 'live-gw-1', topics: ['t.live.v1', 't.control.v1'], fromBeginning: false, concurrency: 12 },
    ]);
    expect(joins).toEqual(['live-gw-1']);
    await specs[0].handleBatch([{ ...record('1'), topic: 't.control.v1' }]);
    await specs[0].handleBatch([{ ...record('2'), topic: 't.live.v1' }, { ...record('3'), topic: 't.live.v1' }]);
    expect(sharedSeen).toEqual(['control 1', 'live 2']);
    await app.close();
  });

  it('must agree on where the group starts', async () => {
    const { app, specs } = await start(DisagreeingHandlers);
    await expect(app.listen()).rejects.toThrow(/group "g": its handlers \(t\.a\.v1, t\.b\.v1\) disagree/);
    expect(specs).toEqual([]);
    await app.close().catch(() => undefined);
  });
});
