import type { Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { topicSchemas, type SchemaTopic, type TopicInput } from '@msync/contracts';
import { counter } from '@msync/service-kit';
import { outgoingHeaders } from './headers';

export interface OutgoingRecord<V> {
  key: string;
  value: V;
  headers?: Record<string, string>;
}

const producedTotal = counter('kafka_produced_records_total', 'Records acknowledged by the brokers', ['topic']);

/**
 * Typed producer: a payload is checked against its topic's schema before it leaves,
 * so a bad record is a bug at the producer, not a dead letter at every consumer.
 * The underlying producer is idempotent with acks from all in-sync replicas.
 */
export class EventProducer {
  constructor(private readonly producer: Producer) {}

  async send<T extends SchemaTopic>(topic: T, records: OutgoingRecord<TopicInput<T>>[]): Promise<void> {
    if (records.length === 0) return;
    const schema = topicSchemas[topic];
    await this.sendRaw(
      topic,
      records.map((r) => ({ key: r.key, value: JSON.stringify(schema.parse(r.value)), headers: r.headers })),
    );
  }

  /** Sends several topics' records in one request: fewer round trips on hot paths. */
  async sendMany(batches: { topic: SchemaTopic; records: OutgoingRecord<unknown>[] }[]): Promise<void> {
    const topicMessages = batches
      .filter((b) => b.records.length > 0)
      .map((b) => ({
        topic: b.topic,
        messages: b.records.map((r) => ({
          key: r.key,
          value: JSON.stringify(topicSchemas[b.topic].parse(r.value)),
          headers: outgoingHeaders(r.headers),
        })),
      }));
    if (topicMessages.length === 0) return;
    await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    for (const t of topicMessages) producedTotal.inc({ topic: t.topic }, t.messages.length);
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
