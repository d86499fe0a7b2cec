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
 * Most characters of keys and values in one produce request (at most 3 bytes each in UTF-8: 768 KiB).
 * The broker refuses a record batch (one partition's records in a request) over `message.max.bytes`
 * (1 MiB by default) with MESSAGE_TOO_LARGE, and kafkajs' idempotent producer is then left with
 * out-of-order sequence numbers for every send after it: one group message of 120 KiB to 64 members
 * is 7.5 MiB. So a send is cut into requests of at most this much, and requests merged from many
 * callers stay under it too. (Characters, not bytes: counting bytes would cost a pass over every value.)
 */
export const MAX_PRODUCE_REQUEST_CHARS = 256 * 1024;

const sizeOf = (t: TopicMessages) => t.messages.reduce((sum, m) => sum + (m.value?.length ?? 0) + (m.key?.length ?? 0), 0);

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
  private readonly batcher: Coalescer<TopicMessages>;

  constructor(
    private readonly producer: Producer,
    private readonly validate = false,
    minIntervalMs = 0,
  ) {
    this.batcher = new Coalescer<TopicMessages>((batch) => this.flush(batch), 200, {
      bytes: { size: sizeOf, maxBytes: MAX_PRODUCE_REQUEST_CHARS },
      sameTurn: true,
      minIntervalMs,
    });
  }

  async send<T extends SchemaTopic>(topic: T, records: OutgoingRecord<TopicInput<T>>[]): Promise<void> {
    if (records.length === 0) return;
    const schema = topicSchemas[topic];
    const messages = records.map((r) => ({
      key: r.key,
      value: JSON.stringify(this.validate ? schema.parse(r.value) : r.value),
      headers: outgoingHeaders(r.headers),
    }));
    // Parts queue in order, so records of one key keep their order across parts.
    await Promise.all(splitBySize(messages, MAX_PRODUCE_REQUEST_CHARS).map((part) => this.batcher.add({ topic, messages: part })));
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

/** Consecutive parts of at most `maxChars` of keys and values each (a record larger than that alone). */
export function splitBySize<M extends { key: string; value: string }>(messages: M[], maxChars: number): M[][] {
  const parts: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = m.value.length + m.key.length;
    if (current.length > 0 && bytes + size > maxChars) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
