import { Injectable } from '@nestjs/common';
import { Topics, userKey, type StreamAppend, type UserEvent } from '@msync/contracts';
import { Coalescer } from '@msync/service-kit';
import { KafkaConnection, traceHeader } from '@msync/kafka';
import { StreamRepository } from '@msync/persistence';

/**
 * Appends events to user streams (the source of truth) with gap-free sequence numbers, then
 * publishes them on `im.user-events.v1` for live delivery. Idempotent: an append the stream already
 * holds gets its stored number back and is published again (devices drop what they have).
 */
@Injectable()
export class StreamAppender {
  /** Concurrent callers' appends go to the database in one call (each caller still waits for its own). */
  private readonly appender = new Coalescer<StreamAppend[], UserEvent[]>(async (chunks) => {
    const all = await this.streams.append(chunks.flat());
    let offset = 0;
    return chunks.map((c) => all.slice(offset, (offset += c.length)));
  }, 20);

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly streams: StreamRepository,
  ) {}

  /** Resolves once the events are stored and Kafka acknowledged their live records. */
  async write(appends: { append: StreamAppend; traceId?: string }[]): Promise<void> {
    if (appends.length === 0) return;
    const events = await this.appender.add(appends.map((a) => a.append));
    await this.kafka.producer.send(
      Topics.userEvents,
      events.map((e, i) => ({ key: userKey(e.appKey, e.userId), value: e, headers: traceHeader(appends[i].traceId) })),
    );
  }
}
