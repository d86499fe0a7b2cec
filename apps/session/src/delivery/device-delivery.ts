import type { EventFrame, UserEvent } from '@msync/contracts';
import type { StreamPage } from '../clients/service-clients';
import { SerialQueue } from './serial-queue';

export interface DeliverySink {
  welcome(cursor: number): void;
  event(frame: EventFrame): void;
  /** The device's own send, appended at `seq`: it only needs to advance its cursor. */
  own(seq: number, messageUid: string): void;
  synced(seq: number): void;
  /** Single-device mode: events up to `seq` went to another device. */
  skip(seq: number): void;
}

export interface StreamSource {
  page(after: number, limit: number): Promise<StreamPage>;
  head(): Promise<number>;
}

/**
 * Delivers one user's stream to one device in order, each sequence number once.
 * Everything (the initial replay and every live event) runs through one serial queue, so a live
 * event that arrives during the replay waits, and is dropped if the replay already sent it. A live
 * event beyond the next expected number means the fast path skipped something: the missing range
 * is read from the stream (the source of truth) first.
 */
export class DeviceDelivery {
  private sent = 0;
  private readonly queue: SerialQueue;

  constructor(
    private readonly deviceId: string,
    private readonly source: StreamSource,
    private readonly sink: DeliverySink,
    private readonly pageSize: number,
    onFailure: (err: unknown) => void,
  ) {
    this.queue = new SerialQueue(onFailure);
  }

  /** Highest sequence number sent to the device. */
  get position(): number {
    return this.sent;
  }

  /**
   * Starts after `cursor` (null: a device without history starts at the head). A cursor older than
   * what the stream still holds starts at the oldest event held; one beyond the head starts at the head.
   * The `welcome` frame tells the device the cursor the server uses.
   */
  start(cursor: number | null): void {
    this.queue.push(async () => {
      if (cursor === null) {
        this.sent = await this.source.head();
        this.sink.welcome(this.sent);
        this.sink.synced(this.sent);
        return;
      }
      const first = await this.source.page(cursor, this.pageSize);
      let start = Math.min(cursor, first.head);
      if (first.events.length > 0 && first.events[0].seq > cursor + 1) start = first.events[0].seq - 1;
      this.sent = start;
      this.sink.welcome(start);
      this.emitPage(first);
      if (!first.complete) await this.replay(Number.MAX_SAFE_INTEGER);
      this.sink.synced(this.sent);
    });
  }

  onLive(event: UserEvent): void {
    this.queue.push(async () => {
      if (event.seq <= this.sent) return;
      if (event.seq > this.sent + 1) await this.replay(event.seq - 1);
      if (event.seq <= this.sent) return;
      this.emit({ seq: event.seq, occurredAt: event.occurredAt, originDeviceId: event.originDeviceId, body: event.body }, true);
    });
  }

  close(): void {
    this.queue.close();
  }

  /** Reads pages until `upTo` (inclusive) or the end of the stream. */
  private async replay(upTo: number): Promise<void> {
    while (!this.queue.closed && this.sent < upTo) {
      const page = await this.source.page(this.sent, Math.min(this.pageSize, upTo - this.sent));
      this.emitPage(page, upTo);
      if (page.complete || page.events.length === 0) return;
    }
  }

  private emitPage(page: StreamPage, upTo = Number.MAX_SAFE_INTEGER): void {
    for (const e of page.events) if (e.seq > this.sent && e.seq <= upTo) this.emit(e, false);
  }

  private emit(e: StreamPage['events'][number], live: boolean): void {
    if (this.queue.closed) return;
    if (live && e.originDeviceId === this.deviceId && e.body.type === 'message') this.sink.own(e.seq, e.body.message.messageUid);
    else this.sink.event({ t: 'event', seq: e.seq, occurredAt: e.occurredAt, body: e.body });
    this.sent = e.seq;
  }
}
