import type { UserEvent } from '@msync/contracts';
import type { StreamPage } from '@msync/contracts';
import type { DeliverySink } from './device-delivery';
import { SingleDeviceDelivery } from './single-device-delivery';

const ev = (seq: number): UserEvent => ({
  appKey: 'app',
  userId: 'u',
  seq,
  eventKey: `msg:${seq}`,
  occurredAt: seq,
  body: { type: 'message', message: { messageUid: `UID-${String(seq).padStart(8, '0')}`, conversationType: 'private', senderId: 'a', targetId: 'u', objectName: 'RC:TxtMsg', content: '{}', sentAt: seq } },
});

describe('SingleDeviceDelivery', () => {
  it('delivers only what it claims and tells the device to skip what another device took', async () => {
    const stream = [1, 2, 3, 4, 5, 6].map(ev);
    let delivered = 0; // the user's single cursor, shared by all devices (a fake of the database row)
    const claim = async (upTo: number) => {
      const from = delivered;
      delivered = Math.max(delivered, Math.min(upTo, stream.length));
      return { from, to: delivered };
    };
    const source = {
      page: async (after: number, limit: number): Promise<StreamPage> => {
        const events = stream.filter((e) => e.seq > after).slice(0, limit);
        return { events, head: stream.length, complete: events.length < limit };
      },
      window: async () => ({ after: 0, head: stream.length, since: 0, channels: [], truncated: false, firstPage: { events: [], head: 0, complete: true } }),
    };
    const frames: string[] = [];
    const sink: DeliverySink = {
      welcome: (c) => frames.push(`welcome:${c}`),
      event: (f) => frames.push(`event:${f.seq}`),
      own: (s) => frames.push(`own:${s}`),
      synced: (s) => frames.push(`synced:${s}`),
      skip: (s) => frames.push(`skip:${s}`),
      more: (s) => frames.push(`more:${s}`),
      channels: () => frames.push('channels'),
    };
    delivered = 2; // events 1-2 went to another device before this one connected
    const d = new SingleDeviceDelivery(source, claim, sink, 100, (err) => {
      throw err;
    });
    d.start(); // claims 3..6
    await new Promise((r) => setTimeout(r, 10));
    stream.push(ev(7), ev(8), ev(9));
    delivered = 8; // another device took 7 and 8
    d.onLive(ev(7));
    d.onLive(ev(9));
    await new Promise((r) => setTimeout(r, 10));
    expect(frames).toEqual(['welcome:2', 'event:3', 'event:4', 'event:5', 'event:6', 'synced:6', 'skip:8', 'event:9']);
  });
});
