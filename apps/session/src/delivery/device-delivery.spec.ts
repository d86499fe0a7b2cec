import type { EventFrame, UserEvent } from '@msync/contracts';
import type { StreamPage } from '../clients/service-clients';
import { DeviceDelivery, type DeliverySink } from './device-delivery';

/** An in-memory stream (a fake collaborator): events 1..n. */
function fakeStream(n: number) {
  const events = Array.from({ length: n }, (_, i) => ev(i + 1));
  const reads: [number, number][] = [];
  return {
    events,
    reads,
    source: {
      page: async (after: number, limit: number): Promise<StreamPage> => {
        reads.push([after, limit]);
        const page = events.filter((e) => e.seq > after).slice(0, limit);
        return { events: page, head: events.length, complete: page.length < limit };
      },
      head: async () => events.length,
    },
  };
}

function ev(seq: number, originDeviceId?: string): UserEvent {
  return {
    appKey: 'app',
    userId: 'u',
    seq,
    eventKey: `msg:${seq}`,
    occurredAt: seq,
    originDeviceId,
    body: { type: 'message', message: { messageUid: `UID-${String(seq).padStart(8, '0')}`, conversationType: 'private', senderId: 'a', targetId: 'u', objectName: 'RC:TxtMsg', content: '{}', sentAt: seq } },
  };
}

function recorder() {
  const frames: string[] = [];
  const sink: DeliverySink = {
    welcome: (c) => frames.push(`welcome:${c}`),
    event: (f: EventFrame) => frames.push(`event:${f.seq}`),
    own: (s) => frames.push(`own:${s}`),
    synced: (s) => frames.push(`synced:${s}`),
    skip: (s) => frames.push(`skip:${s}`),
  };
  return { frames, sink };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('DeviceDelivery', () => {
  it('replays after the cursor in pages, then goes live without gaps or duplicates', async () => {
    const stream = fakeStream(7);
    const { frames, sink } = recorder();
    const d = new DeviceDelivery('dev1', stream.source, sink, 3, fail);
    d.start(2);
    // live events racing with the replay: 5 is replayed too, 8 is new
    d.onLive(ev(5));
    await settle();
    stream.events.push(ev(8));
    d.onLive(ev(8));
    await settle();
    expect(frames).toEqual(['welcome:2', 'event:3', 'event:4', 'event:5', 'event:6', 'event:7', 'synced:7', 'event:8']);
  });

  it('fills a gap in the live path from the stream before delivering', async () => {
    const stream = fakeStream(3);
    const { frames, sink } = recorder();
    const d = new DeviceDelivery('dev1', stream.source, sink, 100, fail);
    d.start(3);
    await settle();
    stream.events.push(ev(4), ev(5), ev(6));
    d.onLive(ev(6));
    d.onLive(ev(5));
    await settle();
    expect(frames).toEqual(['welcome:3', 'synced:3', 'event:4', 'event:5', 'event:6']);
  });

  it('sends the sending device a cursor advance instead of its own message when live', async () => {
    const stream = fakeStream(0);
    const { frames, sink } = recorder();
    const d = new DeviceDelivery('dev1', stream.source, sink, 100, fail);
    d.start(0);
    await settle();
    stream.events.push(ev(1, 'dev1'), ev(2, 'dev2'));
    d.onLive(ev(1, 'dev1'));
    d.onLive(ev(2, 'dev2'));
    await settle();
    expect(frames).toEqual(['welcome:0', 'synced:0', 'own:1', 'event:2']);
  });

  it('a device without a cursor starts at the head; one beyond the head is brought back to it', async () => {
    const a = recorder();
    new DeviceDelivery('d', fakeStream(4).source, a.sink, 100, fail).start(null);
    const b = recorder();
    new DeviceDelivery('d', fakeStream(4).source, b.sink, 100, fail).start(9);
    await settle();
    expect(a.frames).toEqual(['welcome:4', 'synced:4']);
    expect(b.frames).toEqual(['welcome:4', 'synced:4']);
  });
});

function fail(err: unknown): never {
  throw err;
}
