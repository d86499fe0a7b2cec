import { Injectable } from '@nestjs/common';
import { Topics, userKey, type StreamAppend, type UserEvent } from '@msync/contracts';
import { Coalescer, counter, histogram } from '@msync/service-kit';
import { KafkaConnection, traceHeader } from '@msync/kafka';
import { StreamRepository } from '@msync/persistence';

const appendsTotal = counter('stream_appends_total', 'Events appended to user streams (redeliveries included), by fan-out stage', ['stage']);
const appendCallSeconds = histogram('stream_append_call_duration_seconds', 'One stream_append() call to PostgreSQL (the appends of concurrent chunks together)');
const appendCallSize = histogram('stream_append_call_size', 'Appends per stream_append() call', [], [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]);

/**
 * Appends events to user streams (the source of truth) with gap-free sequence numbers, then
 * publishes them on `im.user-events.v1` for live delivery. Idempotent: an append the stream already
 * holds gets its stored number back and is published again (devices drop what they have).
 */
@Injectable()
export class StreamAppender {
  /** Concurrent callers' appends go to the database in one call (each caller still waits for its own). */
  private readonly appender = new Coalescer<StreamAppend[], UserEvent[]>(async (chunks) => {
    const flat = chunks.flat();
    appendCallSize.observe(flat.length);
    const endTimer = appendCallSeconds.startTimer();
    const all = await this.streams.append(flat);
    endTimer();
    let offset = 0;
    return chunks.map((c) => all.slice(offset, (offset += c.length)));
  }, 20, { sameTurn: true });

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly streams: StreamRepository,
  ) {}

  /** Resolves once the events are stored and Kafka acknowledged their live records. */
  async write(appends: { append: StreamAppend; traceId?: string }[], stage: 'expand' | 'stream-writer' = 'stream-writer'): Promise<void> {
    if (appends.length === 0) return;
    appendsTotal.inc({ stage }, appends.length);
    const events = await this.appender.add(appends.map((a) => a.append));
    await this.kafka.producer.send(
      Topics.userEvents,
      events.map((e, i) => ({ key: userKey(e.appKey, e.userId), value: e, headers: traceHeader(appends[i].traceId) })),
    );
  }
}
