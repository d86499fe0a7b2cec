import type { StreamEventBody } from '../events/stream-event';
import type { Channel } from '../protocol/frames';

/**
 * Answers of the compensation service's internal read API (`/internal/v1/streams/...`), which the
 * session gateways call. Both sides are ours and deploy together; the shapes live here so they
 * cannot drift apart.
 */
export interface StreamPage {
  /** Oldest first. */
  events: { seq: number; occurredAt: number; originDeviceId?: string; body: StreamEventBody }[];
  head: number;
  /** True when the page reached the head of the stream. */
  complete: boolean;
}

/** The compensation window of a device without a cursor. */
export interface CompensationWindow {
  /** The window's events are the ones after this seq (up to the head, then live). */
  after: number;
  head: number;
  /** Start of the window (epoch ms). */
  since: number;
  channels: Channel[];
  truncated: boolean;
  /** The first page of the window's events (read together with the channel list, saving a round trip). */
  firstPage: StreamPage;
}
