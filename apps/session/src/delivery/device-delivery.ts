import type { ChannelsFrame, CompensationWindow, EventFrame, StreamPage, UserEvent } from '@msync/contracts';
import { histogram } from '@msync/service-kit';
import { SerialQueue } from './serial-queue';

/**
 * End to end: from ingestion accepting a message (its `sentAt`) to the gateway writing it to the
 * device's socket. `live`: pushed (or gap-filled) while the device is online; `replay`: read after a
 * (re)connect, so it includes the time the device was away.
 */
export const deliveryLatency = histogram(
  'delivery_latency_seconds',
  'Time from a message being accepted to the gateway writing it to a device socket',
  ['path'],
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
);

export interface DeliverySink {
  welcome(cursor: number): void;
  /** Compensation only: the channel list rebuilt from the window, before its events. */
  channels(frame: Omit<ChannelsFrame, 't'>): void;
  event(frame: EventFrame): void;
  /** The device's own send, appended at `seq`: it only needs to advance its cursor. */
  own(seq: number, messageUid: string): void;
  /** A replay page is out (up to `seq`) and more is waiting: the device asks for it with `next`. */
  more(seq: number): void;
  synced(seq: number): void;
  /** Single-device mode: events up to `seq` went to another device. */
  skip(seq: number): void;
}

export interface StreamSource {
  page(after: number, limit: number): Promise<StreamPage>;
  /** The compensation window, with a first page of at most `limit` events. */
  window(limit: number): Promise<CompensationWindow>;
}

/**
 * Delivers one user's stream to one device in order, each sequence number once.
 *
 * First the replay: after the device's cursor, or for a device without one, the compensation window
 * (with the channel list first). The replay goes a page at a time; after each page the device must ask
 * for the next, so a long replay never floods a slow device. Live events that arrive meanwhile are
 * not queued: the replay reads them from the stream, up to the highest one seen.
 *
 * Then live: every live event runs through one serial queue. One beyond the next expected number means
 * the fast path skipped something: the missing range is read from the stream (the source of truth) first.
 */
export class DeviceDelivery {
  private sent = 0;
  private replaying = true;
  /** Highest live seq seen during the replay. */
  private liveSeen = 0;
  private pageRequested: (() => void) | null = null;
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
   * Starts after `cursor`; null: a device without history gets the compensation window. A cursor older
   * than what the stream still holds starts at the oldest event held; one beyond the head starts at the
   * head. The `welcome` frame tells the device the cursor the server uses.
   */
  start(cursor: number | null): void {
    this.queue.push(async () => {
      let first: StreamPage;
      if (cursor === null) {
        const window = await this.source.window(this.pageSize);
        this.sent = window.after;
        this.sink.welcome(window.after);
        this.sink.channels({ since: window.since, channels: window.channels, truncated: window.truncated });
        first = window.firstPage;
      } else {
        first = await this.source.page(cursor, this.pageSize);
        let start = Math.min(cursor, first.head);
        if (first.events.length > 0 && first.events[0].seq > cursor + 1) start = first.events[0].seq - 1;
        this.sent = start;
        this.sink.welcome(start);
      }
      await this.replay(first);
      this.replaying = false;
      if (this.liveSeen > this.sent) await this.fill(this.liveSeen);
      if (!this.queue.closed) this.sink.synced(this.sent);
    });
  }

  /** The device asks for the next replay page. */
  nextPage(): void {
    const requested = this.pageRequested;
    this.pageRequested = null;
    requested?.();
  }

  onLive(event: UserEvent): void {
    if (this.replaying) {
      this.liveSeen = Math.max(this.liveSeen, event.seq);
      return;
    }
    this.queue.push(async () => {
      if (event.seq <= this.sent) return;
      if (event.seq > this.sent + 1) await this.fill(event.seq - 1);
      if (event.seq <= this.sent) return;
      this.emit({ seq: event.seq, occurredAt: event.occurredAt, originDeviceId: event.originDeviceId, body: event.body }, true);
    });
  }

  close(): void {
    this.queue.close();
    this.nextPage(); // lets a replay that waits for the device end
  }

  /**
   * Page by page until the head, waiting for the device's `next` between pages. The next page is
   * read while the device applies the current one (one page buffered per replaying device).
   */
  private async replay(first: StreamPage): Promise<void> {
    let page = first;
    for (;;) {
      this.emitPage(page);
      if (this.queue.closed || page.complete || page.events.length === 0) return;
      const prefetched = this.source.page(this.sent, this.pageSize);
      prefetched.catch(() => undefined); // awaited below unless the device leaves first
      const requested = new Promise<void>((resolve) => (this.pageRequested = resolve));
      this.sink.more(this.sent);
      await requested;
      if (this.queue.closed) return;
      page = await prefetched;
    }
  }

  /** Live gap fill: reads until `upTo` (inclusive) or the end of the stream, without waiting. */
  private async fill(upTo: number): Promise<void> {
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
    if (e.body.type === 'message') deliveryLatency.observe({ path: this.replaying ? 'replay' : 'live' }, Math.max(0, Date.now() - e.body.message.sentAt) / 1000);
    if (live && e.originDeviceId === this.deviceId && e.body.type === 'message') this.sink.own(e.seq, e.body.message.messageUid);
    else this.sink.event({ t: 'event', seq: e.seq, occurredAt: e.occurredAt, body: e.body });
    this.sent = e.seq;
  }
}
