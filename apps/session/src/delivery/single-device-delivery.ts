import type { UserEvent } from '@msync/contracts';
import { deliveryLatency, type DeliverySink, type StreamSource } from './device-delivery';
import { SerialQueue } from './serial-queue';

/** Takes the user's events up to a seq for this device; returns the range (from, to] it now owns. */
export type ClaimDelivery = (upTo: number) => Promise<{ from: number; to: number }>;

/**
 * Multi-device sync off (the old single-device behaviour): one cursor per user. An event goes to
 * the one device that claims it first (the claim is a row update in PostgreSQL, so it holds across
 * gateways); once claimed, no other device of the user ever receives it.
 */
export class SingleDeviceDelivery {
  private sent = 0;
  private readonly queue: SerialQueue;

  constructor(
    private readonly source: StreamSource,
    private readonly claim: ClaimDelivery,
    private readonly sink: DeliverySink,
    private readonly pageSize: number,
    onFailure: (err: unknown) => void,
  ) {
    this.queue = new SerialQueue(onFailure);
  }

  /** After the first `synced`: what is emitted now is live (for the latency metric). */
  private live = false;

  get position(): number {
    return this.sent;
  }

  /** The device's own cursor does not matter here: it starts where the user's delivery stands. */
  start(): void {
    this.queue.push(async () => {
      const { from, to } = await this.claim(Number.MAX_SAFE_INTEGER);
      this.sent = from;
      this.sink.welcome(from);
      await this.deliverRange(from, to);
      this.sink.synced(this.sent);
      this.live = true;
    });
  }

  onLive(event: UserEvent): void {
    this.queue.push(async () => {
      if (event.seq <= this.sent) return;
      const { from, to } = await this.claim(event.seq);
      if (to <= from) {
        // Another device took it: this device moves past it without seeing it.
        if (to > this.sent) {
          this.sink.skip(to);
          this.sent = to;
        }
        return;
      }
      if (from === event.seq - 1 && to === event.seq) this.emit(event);
      else await this.deliverRange(from, to);
    });
  }

  close(): void {
    this.queue.close();
  }

  private async deliverRange(from: number, to: number): Promise<void> {
    let after = from;
    while (!this.queue.closed && after < to) {
      const page = await this.source.page(after, Math.min(this.pageSize, to - after));
      for (const e of page.events) if (e.seq > after && e.seq <= to) this.emit(e);
      if (page.events.length === 0) break;
      after = page.events[page.events.length - 1].seq;
    }
    this.sent = Math.max(this.sent, to);
  }

  private emit(e: { seq: number; occurredAt: number; body: UserEvent['body'] }): void {
    if (this.queue.closed) return;
    if (e.seq > this.sent + 1) this.sink.skip(e.seq - 1);
    if (e.body.type === 'message') deliveryLatency.observe({ path: this.live ? 'live' : 'replay' }, Math.max(0, Date.now() - e.body.message.sentAt) / 1000);
    this.sink.event({ t: 'event', seq: e.seq, occurredAt: e.occurredAt, body: e.body });
    this.sent = e.seq;
  }
}
