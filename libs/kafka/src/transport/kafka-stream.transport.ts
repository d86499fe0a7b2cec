import { randomBytes } from 'node:crypto';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { loggerFor } from '@msync/service-kit';
import type { ConsumedRecord } from '../event-consumer';
import type { KafkaConnection } from '../kafka-connection';
import { kafkaConsumerOptionsOf, type KafkaConsumerOptions } from './kafka-consumer.options';
import { KafkaStreamContext } from './kafka-stream.context';

interface Member {
  group: string;
  options: KafkaConsumerOptions;
  handlers: Map<string, MessageHandler>;
}

export interface KafkaStreamTransportOptions {
  /** The service's name, for `{service}` in group ids. */
  service: string;
  /** A stable id of this process (e.g. GATEWAY_ID), for `{instance}` in group ids. */
  instance?: string;
  /** Default partitions handled at once, for handlers that do not set it. */
  partitionsConsumedConcurrently?: number;
}

/**
 * The Nest microservice transport for Kafka over libs/kafka. The `@EventPattern(<topic>,
 * kafkaConsumer({...}))` handlers of one group id become one consumer-group member of the process's
 * KafkaConnection, subscribed to their topics (each member costs the broker a fetch and a heartbeat a
 * second even when idle), with libs/kafka's semantics rather than Nest's built-in ServerKafka
 * (which commits per message and has no dead letters):
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
      const started = await Promise.all(this.membersToStart().map((member) => this.startMember(member)));
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

  /** The handlers by group id; handlers sharing a group must agree on where it starts and on chunk size. */
  private membersToStart(): Member[] {
    const members = new Map<string, Member>();
    for (const [topic, handler] of this.messageHandlers) {
      const options = kafkaConsumerOptionsOf(handler.extras);
      if (!handler.isEventHandler || !options) {
        throw new Error(`handler for "${topic}": Kafka handlers are @EventPattern(<topic>, kafkaConsumer({ group }))`);
      }
      if (handler.next) throw new Error(`topic "${topic}" has more than one handler in this process; use one handler per topic`);
      const group = this.groupOf(options);
      const member = members.get(group);
      if (!member) {
        members.set(group, { group, options, handlers: new Map([[topic, handler]]) });
        continue;
      }
      if ((member.options.fromBeginning ?? true) !== (options.fromBeginning ?? true) || member.options.chunkSize !== options.chunkSize) {
        throw new Error(`group "${group}": its handlers (${[...member.handlers.keys(), topic].join(', ')}) disagree on fromBeginning or chunkSize`);
      }
      member.handlers.set(topic, handler);
      member.options = {
        ...member.options,
        awaitJoin: member.options.awaitJoin || options.awaitJoin,
        partitionsConsumedConcurrently: Math.max(this.concurrencyOf(member.options), this.concurrencyOf(options)),
      };
    }
    return [...members.values()];
  }

  private concurrencyOf(options: KafkaConsumerOptions): number {
    return options.partitionsConsumedConcurrently ?? this.options.partitionsConsumedConcurrently ?? 1;
  }

  private async startMember({ group, options, handlers }: Member) {
    const topics = [...handlers.keys()];
    const consumer = await this.connection.startConsumer<unknown>({
      groupId: group,
      topics,
      fromBeginning: options.fromBeginning,
      chunkSize: options.chunkSize,
      partitionsConsumedConcurrently: this.concurrencyOf(options),
      handleBatch: (records) => this.invoke(handlers.get(records[0].topic)!, group, records),
    });
    this.log.info({ topics, group: consumer.groupId }, 'Kafka handlers started');
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
