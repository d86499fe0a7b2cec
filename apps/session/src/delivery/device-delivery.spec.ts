import type { CompensationWindow, EventFrame, StreamPage, UserEvent } from '@msync/contracts';
import { DeviceDelivery, type DeliverySink } from './device-delivery';

/** An in-memory stream (a fake collaborator): events 1..n; the compensation window starts after `windowAfter`. */
function fakeStream(n: number, windowAfter = 0) {
  const events = Array.from({ length: n }, (_, i) => ev(i + 1));
  const reads: [number, number][] = [];
  const read = (after: number, limit: number): StreamPage => {
    const page = events.filter((e) => e.seq > after).slice(0, limit);
    return { events: page, head: events.length, complete: page.length < limit || page[page.length - 1].seq >= events.length };
  };
  return {
    events,
    reads,
    source: {
      page: async (after: number, limit: number): Promise<StreamPage> => {
        reads.push([after, limit]);
        return read(after, limit);
      },
      window: async (limit: number): Promise<CompensationWindow> => ({
        after: windowAfter,
        head: events.length,
        since: 1,
        channels: [],
        truncated: false,
        firstPage: read(windowAfter, limit),
      }),
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
    more: (s) => frames.push(`more:${s}`),
    channels: (f) => frames.push(`channels:${f.since}`),
    synced: (s) => frames.push(`synced:${s}`),
    skip: (s) => frames.push(`skip:${s}`),
  };
  return { frames, sink };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('DeviceDelivery', () => {
  it('replays after the cursor a page at a time, each after the device asks, then goes live without gaps or duplicates', async () => {
    const stream = fakeStream(7);
    const { frames, sink } = recorder();
    const d = new DeviceDelivery('dev1', stream.source, sink, 3, fail);
    d.start(1);
    await settle();
    expect(frames).toEqual(['welcome:1', 'event:2', 'event:3', 'event:4', 'more:4']);
    // nothing more until the device asks, live events included (the replay reads them from the stream)
    stream.events.push(ev(8));
    d.onLive(ev(8));
    d.onLive(ev(5));
    await settle();
    expect(frames).toHaveLength(5);
    d.nextPage();
    await settle();
    // the second page was read ahead before 8 was appended; 8 was seen live, so it is read too
    expect(frames.slice(5)).toEqual(['event:5', 'event:6', 'event:7', 'event:8', 'synced:8']);
    stream.events.push(ev(9));
    d.onLive(ev(9));
    await settle();
    expect(frames.slice(10)).toEqual(['event:9']);
    expect(d.position).toBe(9);
  });

  it('a live event seen during the replay but past the last page read is fetched before synced', async () => {
    const stream = fakeStream(3);
    const { frames, sink } = recorder();
    const original = stream.source.page;
    let first = true;
    stream.source.page = async (after, limit) => {
      const page = await original(after, limit);
      if (first) {
        // appended (and published live) right after this read
        first = false;
        stream.events.push(ev(4));
        d.onLive(ev(4));
      }
      return page;
    };
    const d = new DeviceDelivery('dev1', stream.source, sink, 100, fail);
    d.start(0);
    await settle();
    expect(frames).toEqual(['welcome:0', 'event:1', 'event:2', 'event:3', 'event:4', 'synced:4']);
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

  it('a device without a cursor gets the channel list, then the compensation window in pages', async () => {
    const stream = fakeStream(9, 4);
    const { frames, sink } = recorder();
    const d = new DeviceDelivery('d', stream.source, sink, 3, fail);
    d.start(null);
    await settle();
    d.nextPage();
    await settle();
    expect(frames).toEqual(['welcome:4', 'channels:1', 'event:5', 'event:6', 'event:7', 'more:7', 'event:8', 'event:9', 'synced:9']);
  });

  it('a cursor beyond the head is brought back to it; an empty window starts at the head', async () => {
    const a = recorder();
    new DeviceDelivery('d', fakeStream(4, 4).source, a.sink, 100, fail).start(null);
    const b = recorder();
    new DeviceDelivery('d', fakeStream(4).source, b.sink, 100, fail).start(9);
    await settle();
    expect(a.frames).toEqual(['welcome:4', 'channels:1', 'synced:4']);
    expect(b.frames).toEqual(['welcome:4', 'synced:4']);
  });

  it('a device that leaves while a page is pending gets nothing more', async () => {
    const stream = fakeStream(10);
    const { frames, sink } = recorder();
    const d = new DeviceDelivery('d', stream.source, sink, 5, fail);
    d.start(0);
    await settle();
    d.close();
    d.nextPage();
    await settle();
    expect(frames).toEqual(['welcome:0', 'event:1', 'event:2', 'event:3', 'event:4', 'event:5', 'more:5']);
    expect(stream.reads).toEqual([[0, 5], [5, 5]]); // the first page, and the next one read ahead
  });
});

function fail(err: unknown): never {
  throw err;
}
