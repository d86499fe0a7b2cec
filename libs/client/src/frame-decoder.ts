import { serverFrameSchema, type ServerFrame } from '@msync/contracts';
import { messageText } from './websocket';

export type DecodedFrame =
  | { kind: 'frame'; frame: ServerFrame }
  /**
   * An `event` frame whose body this client version does not know (a newer event type). It is still
   * a stream position: the client advances its cursor past it, or it would see a gap forever.
   */
  | { kind: 'unknown-event'; seq: number }
  | { kind: 'invalid' };

/** Parses and validates one incoming message against `serverFrameSchema`; never throws. */
export function decodeServerFrame(data: unknown): DecodedFrame {
  const text = messageText(data);
  if (text === null) return { kind: 'invalid' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid' };
  }
  const parsed = serverFrameSchema.safeParse(json);
  if (parsed.success) return { kind: 'frame', frame: parsed.data };
  const seq = eventSeq(json);
  return seq === null ? { kind: 'invalid' } : { kind: 'unknown-event', seq };
}

function eventSeq(json: unknown): number | null {
  if (typeof json !== 'object' || json === null) return null;
  const { t, seq } = json as { t?: unknown; seq?: unknown };
  return t === 'event' && typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}
