import { randomBytes } from 'node:crypto';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { loggerFor } from '@msync/service-kit';
import type { ConsumedRecord } from '../event-consumer';
import type { KafkaConnection } from '../kafka-connection';
import { kafkaConsumerOptionsOf, type KafkaConsumerOptions } from './kafka-consumer.options';
import { KafkaStreamContext } from './kafka-stream.context';

export interface KafkaStreamTransportOptions {
  /** The service's name, for `{service}` in group ids. */
  service: string;
  /** A stable id of this process (e.g. GATEWAY_ID), for `{instance}` in group ids. */
  instance?: string;
  /** Default partitions handled at once, for handlers that do not set it. */
  partitionsConsumedConcurrently?: number;
}

/**
 * The Nest microservice transport for Kafka over libs/kafka. Every `@EventPattern(<topic>,
 * kafkaConsumer({...}))` handler becomes one consumer-group member of the process's KafkaConnection,
 * with libs/kafka's semantics rather than Nest's built-in ServerKafka (which commits per message and
 * has no dead letters):
 * - a handler gets a chunk (`ConsumedRecord<V>[]`, one partition's records in offset order, decoded
 *   and validated against the topic's schema) and the chunk is committed after the handler resolves,
 *   so its effects must be durable by then;
 * - a throw is classified: a dependency being down is retried without limit holding the partition,
 *   anything else a bounded number of times, then the record at fault is dead-lettered with the reason.
 *   (DomainErrorFilter hands errors back unchanged in the RPC context, so the class survives Nest's
 *   exception layer.)
 * Started by `app.startAllMicroservices()`, stopped by Nest's shutdown (consumers leave their groups).
 */
export class KafkaStreamTransport extends Server implements CustomTransportStrategy {
  private readonly log = loggerFor('KafkaStreamTransport');
  private readonly random = randomBytes(4).toString('hex');

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: KafkaStreamTransportOptions,
  ) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const started = await Promise.all([...this.messageHandlers].map(([topic, handler]) => this.startHandler(topic, handler)));
      // Joins are awaited after every member started, so they happen side by side.
      await Promise.all(started.filter((s) => s.awaitJoin).map((s) => s.consumer.waitUntilJoined()));
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    await this.connection.stopConsumers();
  }

  on(): void {
    // The transport has no events of its own to subscribe to (kafkajs' are logged by libs/kafka).
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  /** The group id a handler's options name, placeholders filled in (without the deployment prefix). */
  groupOf(options: KafkaConsumerOptions): string {
    return options.group
      .replaceAll('{service}', this.options.service)
      .replaceAll('{instance}', this.options.instance ?? this.random)
      .replaceAll('{random}', this.random);
  }

  private async startHandler(topic: string, handler: MessageHandler) {
    const options = kafkaConsumerOptionsOf(handler.extras);
    if (!handler.isEventHandler || !options) {
      throw new Error(`handler for "${topic}": Kafka handlers are @EventPattern(<topic>, kafkaConsumer({ group }))`);
    }
    if (handler.next) throw new Error(`topic "${topic}" has more than one handler in this process; use one handler per topic`);
    const group = this.groupOf(options);
    const consumer = await this.connection.startConsumer<unknown>({
      groupId: group,
      topics: [topic],
      fromBeginning: options.fromBeginning,
      chunkSize: options.chunkSize,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? this.options.partitionsConsumedConcurrently,
      handleBatch: (records) => this.invoke(handler, group, records),
    });
    this.log.info({ topic, group: consumer.groupId }, 'Kafka handler started');
    return { consumer, awaitJoin: options.awaitJoin === true };
  }

  /** Runs the handler through Nest (guards, interceptors, filters) and waits for what it returns. */
  private async invoke(handler: MessageHandler, group: string, records: ConsumedRecord<unknown>[]): Promise<void> {
    const [first] = records;
    const context = new KafkaStreamContext([first.topic, first.partition, group]);
    const result = this.transformToObservable(await handler(records, context));
    await lastValueFrom(result, { defaultValue: undefined });
  }
}
