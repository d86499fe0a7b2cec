import type { Producer, TopicMessages } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { topicSchemas, type SchemaTopic, type TopicInput } from '@msync/contracts';
import { Coalescer, counter } from '@msync/service-kit';
import { outgoingHeaders } from './headers';

export interface OutgoingRecord<V> {
  key: string;
  value: V;
  headers?: Record<string, string>;
}

const producedTotal = counter('kafka_produced_records_total', 'Records acknowledged by the brokers', ['topic']);

/**
 * Typed producer: the topic map makes a wrong payload a compile error; consumers validate what
 * they receive (the edge). Set KAFKA_VALIDATE_ON_PRODUCE=true to also check each record against
 * its schema before it leaves (tests do; it costs a few percent of CPU on hot paths).
 * The underlying producer is idempotent with acks from all in-sync replicas.
 */
export class EventProducer {
  /**
   * Every concurrent send in the process (ingestion requests, consumer partitions) is merged into
   * one produce request: throughput comes from batching, and no caller waits longer than one
   * request already in flight. Order per caller (and so per key) is kept.
   */
  private readonly batcher = new Coalescer<TopicMessages>((batch) => this.flush(batch), 200);

  constructor(
    private readonly producer: Producer,
    private readonly validate = false,
  ) {}

  async send<T extends SchemaTopic>(topic: T, records: OutgoingRecord<TopicInput<T>>[]): Promise<void> {
    if (records.length === 0) return;
    const schema = topicSchemas[topic];
    await this.batcher.add({
      topic,
      messages: records.map((r) => ({
        key: r.key,
        value: JSON.stringify(this.validate ? schema.parse(r.value) : r.value),
        headers: outgoingHeaders(r.headers),
      })),
    });
  }

  private async flush(batch: TopicMessages[]): Promise<void> {
    await this.producer.sendBatch({ topicMessages: batch, acks: -1, compression: CompressionTypes.None });
    for (const t of batch) producedTotal.inc({ topic: t.topic }, t.messages.length);
  }

  /** For topics outside the schema map (dead letters, tests): the value is sent as given. */
  async sendRaw(
    topic: string,
    records: { key: string | null; value: string | Buffer | null; headers?: Record<string, string> }[],
  ): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: r.value, headers: outgoingHeaders(r.headers) })),
    });
    producedTotal.inc({ topic }, records.length);
  }
}
