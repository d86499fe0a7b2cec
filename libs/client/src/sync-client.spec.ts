import WebSocket from 'ws';
import { MemoryCursorStore } from './cursor-store';
import { SyncClientError } from './errors';
import { SyncClient } from './sync-client';
import type { SyncClientEvents, SyncClientOptions } from './types';
import { FakeSyncServer, sleep, waitUntil, type FakeConnection, type Frame } from './testing/fake-sync-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EVENT_NAMES: Array<keyof SyncClientEvents> = [
  'open',
  'welcome',
  'event',
  'own',
  'synced',
  'channels',
  'page',
  'transient',
  'kicked',
  'error',
  'close',
  'reconnecting',
];

function message(n: number): Frame {
  return {
    messageUid: `MSG-${String(n).padStart(8, '0')}`,
    conversationType: 'private',
    senderId: 'bob',
    targetId: 'alice',
    objectName: 'RC:TxtMsg',
    content: JSON.stringify({ text: `hello ${n}` }),
    sentAt: 1_700_000_000_000 + n,
  };
}

function eventFrame(seq: number): Frame {
  return { t: 'event', seq, occurredAt: 1_700_000_000_000 + seq, body: { type: 'message', message: message(seq) } };
}

const textMessage = { conversationType: 'private', targetId: 'bob', objectName: 'RC:TxtMsg', content: { text: 'hi' } } as const;

describe('SyncClient against a scripted server', () => {
  let server: FakeSyncServer;
  let clients: SyncClient[];

  beforeEach(async () => {
    server = await FakeSyncServer.start();
    clients = [];
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  function makeClient(options: Partial<SyncClientOptions> = {}) {
    const store = options.cursorStore instanceof MemoryCursorStore ? options.cursorStore : new MemoryCursorStore();
    const client = new SyncClient({
      url: server.url,
      token: 'tok-1',
      platform: 'web',
      deviceId: 'dev-1',
      WebSocket,
      cursorStore: store,
      backoff: { initialMs: 20, maxMs: 200 },
      ackIntervalMs: 20,
      requestTimeoutMs: 2_000,
      ...options,
    });
    clients.push(client);
    const log: unknown[][] = [];
    for (const name of EVENT_NAMES) client.on(name, (...args: unknown[]) => log.push([name, ...args]));
    const eventsOf = (name: keyof SyncClientEvents) => log.filter((entry) => entry[0] === name).map((entry) => entry[1]);
    return { client, store, log, eventsOf };
  }

  /** Connects a client whose server side answered welcome at `cursor`; returns the server side. */
  async function connected(client: SyncClient, cursor: number, index = 0): Promise<FakeConnection> {
    const connecting = client.connect();
    const conn = await server.connection(index);
    await conn.handshake(cursor);
    await connecting;
    return conn;
  }

  it('sends hello with the stored cursor and resolves connect() after welcome', async () => {
    const { client, log } = makeClient({ cursorStore: new MemoryCursorStore(41) });
    const connecting = client.connect();
    const conn = await server.connection(0);

    expect(await conn.nextFrame()).toEqual({ t: 'hello', v: 1, token: 'tok-1', platform: 'web', deviceId: 'dev-1', cursor: 41 });
    expect(client.connected).toBe(false);
    conn.send({ t: 'welcome', sessionId: 's-1', userId: 'alice', cursor: 41 });
    await connecting;

    expect(client.connected).toBe(true);
    expect([client.sessionId, client.userId, client.cursor]).toEqual(['s-1', 'alice', 41]);
    expect(log).toEqual([['open'], ['welcome', { t: 'welcome', sessionId: 's-1', userId: 'alice', cursor: 41 }]]);
  });

  it('a new device sends cursor null, starts at the welcome cursor and stores it without acking', async () => {
    const { client, store } = makeClient({ WebSocket: undefined }); // the default implementation (ws on Node 20)
    const connecting = client.connect();
    const conn = await server.connection(0);
    expect((await conn.nextFrame()).cursor).toBeNull();
    conn.send({ t: 'welcome', sessionId: 's-1', userId: 'alice', cursor: 100 });
    await connecting;

    expect(client.cursor).toBe(100);
    await waitUntil(() => store.saved.length > 0, 'the cursor to be saved');
    await sleep(60);
    expect(store.saved).toEqual([100]);
    expect(conn.framesOfType('ack')).toEqual([]);
  });

  it('applies events in order, emits each once, saves the cursor and then acks it', async () => {
    const { client, store, eventsOf } = makeClient({ cursorStore: new MemoryCursorStore(41) });
    const conn = await connected(client, 41);

    for (const seq of [42, 43, 44]) conn.send(eventFrame(seq));
    conn.send({ t: 'synced', seq: 44 });
    await client.waitForSynced(2_000);

    expect(eventsOf('event')).toEqual([eventFrame(42), eventFrame(43), eventFrame(44)]);
    expect(eventsOf('synced')).toEqual([44]);
    expect(client.cursor).toBe(44);
    await waitUntil(() => conn.framesOfType('ack').length > 0, 'an ack');
    expect(conn.frames.slice(1)).toEqual([{ t: 'ack', seq: 44 }]);
    expect(store.saved).toEqual([44]);
    expect(client.stats).toMatchObject({ eventsApplied: 3, duplicatesDropped: 0, gapsDetected: 0, acksSent: 1 });
  });

  it('a compensating device gets the channel list and asks for each replay page once it applied the previous one', async () => {
    const { client, eventsOf } = makeClient({ cursorStore: new MemoryCursorStore(null) });
    const conn = await connected(client, 10);
    const channels = { t: 'channels', since: 5, truncated: false, channels: [{ conversationType: 'private', targetId: 'bob', lastMessage: message(12), lastActivityAt: 12, unreadCount: 2 }] };
    conn.send(channels);
    conn.send(eventFrame(11));
    conn.send({ t: 'more', seq: 11 });
    await waitUntil(() => conn.framesOfType('next').length === 1, 'a next frame');
    conn.send(eventFrame(12));
    conn.send({ t: 'synced', seq: 12 });
    await client.waitForSynced(2_000);

    expect(eventsOf('channels')).toEqual([channels]);
    expect(eventsOf('page')).toEqual([11]);
    expect(eventsOf('event')).toEqual([eventFrame(11), eventFrame(12)]);
    expect(conn.framesOfType('next')).toHaveLength(1);
  });

  it('with autoNextPage off the next page is asked for by nextPage(), once per page', async () => {
    const { client, eventsOf } = makeClient({ cursorStore: new MemoryCursorStore(10), autoNextPage: false });
    const conn = await connected(client, 10);
    conn.send(eventFrame(11));
    conn.send({ t: 'more', seq: 11 });
    await waitUntil(() => eventsOf('page').length === 1, 'a page event');
    await sleep(50);
    expect(conn.framesOfType('next')).toEqual([]);
    client.nextPage();
    client.nextPage();
    await waitUntil(() => conn.framesOfType('next').length === 1, 'a next frame');
    await sleep(50);
    expect(conn.framesOfType('next')).toHaveLength(1);
  });

  it('drops events at or below the cursor silently and counts them', async () => {
    const { client, eventsOf, log } = makeClient({ cursorStore: new MemoryCursorStore(41) });
    const conn = await connected(client, 41);

    for (const seq of [40, 41, 42, 42, 43, 41]) conn.send(eventFrame(seq));
    conn.send({ t: 'own', seq: 43, messageUid: 'MSG-OWN00001' });
    conn.send({ t: 'synced', seq: 43 });
    await client.waitForSynced(2_000);

    expect(eventsOf('event').map((f) => (f as Frame).seq)).toEqual([42, 43]);
    expect(eventsOf('own')).toEqual([]);
    expect(log.filter((e) => e[0] === 'error' || e[0] === 'close')).toEqual([]);
    expect(client.stats).toMatchObject({ eventsApplied: 2, duplicatesDropped: 5, gapsDetected: 0 });
    expect(server.connections).toHaveLength(1);
  });

  it('applies own frames: advances the cursor, emits own, not event', async () => {
    const { client, eventsOf } = makeClient({ cursorStore: new MemoryCursorStore(5) });
    const conn = await connected(client, 5);

    conn.send({ t: 'own', seq: 6, messageUid: 'MSG-OWN00006' });
    conn.send(eventFrame(7));
    await waitUntil(() => client.cursor === 7, 'cursor 7');

    expect(eventsOf('own')).toEqual([{ t: 'own', seq: 6, messageUid: 'MSG-OWN00006' }]);
    expect(eventsOf('event')).toEqual([eventFrame(7)]);
    expect(client.stats).toMatchObject({ eventsApplied: 1, ownApplied: 1 });
    await waitUntil(() => conn.framesOfType('ack').length > 0, 'an ack');
    expect(conn.framesOfType('ack')).toEqual([{ t: 'ack', seq: 7 }]);
  });

  it('does not apply past a gap: reconnects with its cursor and gets the replay', async () => {
    const { client, eventsOf } = makeClient({ cursorStore: new MemoryCursorStore(41) });
    const first = await connected(client, 41);

    first.send(eventFrame(42));
    first.send(eventFrame(44));
    first.send(eventFrame(45)); // after the gap: must not be applied either

    const second = await server.connection(1);
    expect(await second.nextFrame()).toEqual({ t: 'hello', v: 1, token: 'tok-1', platform: 'web', deviceId: 'dev-1', cursor: 42 });
    expect(await first.closed()).toEqual({ code: 4000, reason: 'gap: expected seq 43, got 44' });
    expect(eventsOf('event').map((f) => (f as Frame).seq)).toEqual([42]);
    expect(eventsOf('close')).toEqual([{ code: 4000, reason: 'gap: expected seq 43, got 44' }]);
    expect(client.stats.gapsDetected).toBe(1);

    second.send({ t: 'welcome', sessionId: 's-2', userId: 'alice', cursor: 42 });
    for (const seq of [43, 44, 45]) second.send(eventFrame(seq));
    second.send({ t: 'synced', seq: 45 });
    await client.waitForSynced(2_000);

    expect(eventsOf('event').map((f) => (f as Frame).seq)).toEqual([42, 43, 44, 45]);
    expect(client.cursor).toBe(45);
    expect(server.connections).toHaveLength(2);
  });

  it('send writes a send frame and resolves with the sent answer', async () => {
    const { client } = makeClient();
    const conn = await connected(client, 0);

    const sending = client.send(textMessage);
    const frame = await conn.nextFrame();
    expect(frame).toEqual({
      t: 'send',
      id: expect.any(String),
      clientMsgId: expect.stringMatching(UUID),
      conversationType: 'private',
      targetId: 'bob',
      objectName: 'RC:TxtMsg',
      content: { text: 'hi' },
    });
    conn.send({ t: 'sent', id: 'someone-else', messageUid: 'MSG-99999999', sentAt: 1, duplicate: false });
    conn.send({ t: 'sent', id: frame.id, messageUid: 'MSG-00000001', sentAt: 1_700_000_000_123, duplicate: false });

    await expect(sending).resolves.toEqual({ messageUid: 'MSG-00000001', sentAt: 1_700_000_000_123, duplicate: false });
  });

  it('send rejects with the code and message of an error frame for its id; other sends are unaffected', async () => {
    const { client, eventsOf } = makeClient();
    const conn = await connected(client, 0);

    const failing = client.send({ ...textMessage, conversationType: 'group', targetId: 'g1', clientMsgId: 'cm-1' });
    const ok = client.send({ ...textMessage, clientMsgId: 'cm-2' });
    const [f1, f2] = [await conn.nextFrame(), await conn.nextFrame()];
    expect([f1.clientMsgId, f2.clientMsgId]).toEqual(['cm-1', 'cm-2']);
    conn.send({ t: 'error', id: f1.id, code: 'not_a_member', message: 'not a member of g1', fatal: false });
    conn.send({ t: 'sent', id: f2.id, messageUid: 'MSG-00000002', sentAt: 5, duplicate: false });

    const err = await failing.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SyncClientError);
    expect(err).toMatchObject({ code: 'not_a_member', message: 'not a member of g1', fatal: false });
    await expect(ok).resolves.toEqual({ messageUid: 'MSG-00000002', sentAt: 5, duplicate: false });
    expect(eventsOf('error')).toEqual([]);
    expect(client.connected).toBe(true);
  });

  it('send rejects with timeout when no answer comes', async () => {
    const { client } = makeClient({ requestTimeoutMs: 100 });
    await connected(client, 0);
    await expect(client.send({ ...textMessage, clientMsgId: 'cm-9' })).rejects.toMatchObject({
      code: 'timeout',
      message: 'no answer to send (clientMsgId cm-9) within 100 ms',
    });
  });

  it('send rejects invalid input locally and before connect()', async () => {
    const { client } = makeClient();
    await expect(client.send(textMessage)).rejects.toMatchObject({ code: 'not_connected' });
    const conn = await connected(client, 0);
    await expect(client.send({ ...textMessage, objectName: '' })).rejects.toMatchObject({ code: 'invalid_field' });
    await sleep(30);
    expect(conn.frames.map((f) => f.t)).toEqual(['hello']);
  });

  it('retries an unanswered send after a reconnect with the same clientMsgId, after the new welcome', async () => {
    const { client } = makeClient({ cursorStore: new MemoryCursorStore(3) });
    const first = await connected(client, 3);

    const sending = client.send({ ...textMessage, clientMsgId: 'cm-retry' });
    const original = await first.nextFrame();
    expect(original).toMatchObject({ t: 'send', clientMsgId: 'cm-retry' });
    first.drop();

    const second = await server.connection(1);
    expect(await second.nextFrame()).toMatchObject({ t: 'hello', cursor: 3 });
    await sleep(30);
    expect(second.frames).toHaveLength(1); // nothing but hello before welcome
    second.send({ t: 'welcome', sessionId: 's-2', userId: 'alice', cursor: 3 });
    expect(await second.nextFrame()).toEqual(original); // same id, same clientMsgId
    second.send({ t: 'sent', id: original.id, messageUid: 'MSG-00000004', sentAt: 9, duplicate: true });

    await expect(sending).resolves.toEqual({ messageUid: 'MSG-00000004', sentAt: 9, duplicate: true });
    expect(first.framesOfType('send')).toHaveLength(1);
    expect(second.framesOfType('send')).toHaveLength(1);
    expect(client.stats.requestsRetried).toBe(1);
  });

  it('batches acks: at most one per ackIntervalMs, for the highest applied seq', async () => {
    const { client, store } = makeClient({ ackIntervalMs: 150 });
    const conn = await connected(client, 0);

    for (const seq of [1, 2, 3]) conn.send(eventFrame(seq));
    await waitUntil(() => client.cursor === 3, 'cursor 3');
    await sleep(60);
    expect(conn.framesOfType('ack')).toEqual([]);
    await waitUntil(() => conn.framesOfType('ack').length === 1, 'the first ack');
    expect(conn.framesOfType('ack')).toEqual([{ t: 'ack', seq: 3 }]);

    conn.send(eventFrame(4));
    await sleep(20);
    conn.send(eventFrame(5));
    await waitUntil(() => conn.framesOfType('ack').length === 2, 'the second ack');
    await sleep(300);
    expect(conn.framesOfType('ack')).toEqual([
      { t: 'ack', seq: 3 },
      { t: 'ack', seq: 5 },
    ]);
    expect(store.saved).toEqual([3, 5]);
  });

  it('close() flushes the ack, closes with 1000, rejects pending sends and does not reconnect', async () => {
    const { client, store, eventsOf } = makeClient({ ackIntervalMs: 60_000 });
    const conn = await connected(client, 0);
    conn.send(eventFrame(1));
    conn.send(eventFrame(2));
    await waitUntil(() => client.cursor === 2, 'cursor 2');
    const sending = client.send(textMessage);
    const rejected = sending.catch((e: unknown) => e);

    await client.close();

    expect(conn.frames.map((f) => f.t)).toEqual(['hello', 'send', 'ack']);
    expect(conn.frames[2]).toEqual({ t: 'ack', seq: 2 });
    expect(await conn.closed()).toEqual({ code: 1000, reason: 'client closed' });
    expect(await rejected).toMatchObject({ code: 'client_closed' });
    expect(store.saved).toEqual([2]);
    expect(eventsOf('close')).toEqual([{ code: 1000, reason: 'client closed' }]);
    await sleep(100);
    expect(server.connections).toHaveLength(1);
    expect(eventsOf('reconnecting')).toEqual([]);
    expect(client.connected).toBe(false);
  });

  it('does not reconnect after kick logged_in_elsewhere; pending sends reject with the reason', async () => {
    const { client, eventsOf } = makeClient();
    const conn = await connected(client, 0);
    const sending = client.send(textMessage).catch((e: unknown) => e);
    await waitUntil(() => conn.framesOfType('send').length === 1, 'the send');

    conn.send({ t: 'kick', reason: 'logged_in_elsewhere' });
    conn.close(4003, 'kicked');

    expect(await sending).toMatchObject({ code: 'logged_in_elsewhere', fatal: true });
    expect(eventsOf('kicked')).toEqual(['logged_in_elsewhere']);
    await waitUntil(() => eventsOf('close').length === 1, 'close');
    expect(eventsOf('close')).toEqual([{ code: 4003, reason: 'kicked' }]);
    await sleep(300); // 15 times the initial backoff
    expect(server.connections).toHaveLength(1);
    expect(eventsOf('reconnecting')).toEqual([]);
    expect(client.stats.reconnects).toBe(0);
    await expect(client.waitForSynced()).rejects.toMatchObject({ code: 'logged_in_elsewhere' });
    await expect(client.send(textMessage)).rejects.toMatchObject({ code: 'logged_in_elsewhere' });
  });

  it('connect() rejects on a fatal auth error before welcome and does not reconnect', async () => {
    const { client, eventsOf } = makeClient();
    const connecting = client.connect().catch((e: unknown) => e);
    const conn = await server.connection(0);
    await conn.nextFrame();
    conn.send({ t: 'error', code: 'token_expired', message: 'token expired', fatal: true });
    conn.close(4001, 'auth failed');

    expect(await connecting).toMatchObject({ code: 'token_expired', message: 'token expired', fatal: true });
    expect(eventsOf('error')).toEqual([expect.objectContaining({ code: 'token_expired' })]);
    await sleep(200);
    expect(server.connections).toHaveLength(1);
    expect(eventsOf('reconnecting')).toEqual([]);
  });

  it('connect() rejects on a kick before welcome', async () => {
    const { client } = makeClient();
    const connecting = client.connect().catch((e: unknown) => e);
    const conn = await server.connection(0);
    await conn.nextFrame();
    conn.send({ t: 'kick', reason: 'user_blocked' });
    conn.close(4003, 'kicked');
    expect(await connecting).toMatchObject({ code: 'user_blocked' });
    await sleep(150);
    expect(server.connections).toHaveLength(1);
  });

  it('reconnects with exponential backoff after abnormal closes; the backoff resets after synced', async () => {
    const { client, eventsOf } = makeClient({ cursorStore: new MemoryCursorStore(7), backoff: { initialMs: 100, maxMs: 1_000 } });
    const reconnectAt: number[] = [];
    client.on('reconnecting', () => reconnectAt.push(Date.now()));
    const c0 = await connected(client, 7);
    c0.send({ t: 'synced', seq: 7 });
    await client.waitForSynced(2_000);

    c0.drop();
    const c1 = await server.connection(1);
    expect(await c1.nextFrame()).toMatchObject({ t: 'hello', cursor: 7 });
    c1.drop(); // before welcome: the next delay doubles
    const c2 = await server.connection(2);
    await c2.handshake(7);
    await waitUntil(() => client.connected, 'connected again');
    c2.send({ t: 'synced', seq: 7 });
    await client.waitForSynced(2_000);
    c2.drop(); // after synced: back to the initial delay
    await server.connection(3);

    const delays = eventsOf('reconnecting') as Array<{ attempt: number; delayMs: number }>;
    expect(delays.map((d) => d.attempt)).toEqual([1, 2, 1]);
    expect(delays[0].delayMs).toBeGreaterThanOrEqual(50);
    expect(delays[0].delayMs).toBeLessThanOrEqual(100);
    expect(delays[1].delayMs).toBeGreaterThanOrEqual(100);
    expect(delays[1].delayMs).toBeLessThanOrEqual(200);
    expect(delays[2].delayMs).toBeGreaterThanOrEqual(50);
    expect(delays[2].delayMs).toBeLessThanOrEqual(100);
    // Each new connection came no earlier than its delay.
    for (let i = 0; i < 3; i++) {
      expect(server.connections[i + 1].openedAt - reconnectAt[i]).toBeGreaterThanOrEqual(delays[i].delayMs - 5);
    }
    expect(eventsOf('close')).toEqual([
      { code: 1006, reason: '' },
      { code: 1006, reason: '' },
      { code: 1006, reason: '' },
    ]);
    expect(client.stats.reconnects).toBe(3);
  });

  it('gives up on a connection without welcome within requestTimeoutMs and reconnects', async () => {
    const { client, eventsOf } = makeClient({ requestTimeoutMs: 100 });
    const connecting = client.connect();
    const first = await server.connection(0);
    await first.nextFrame(); // hello, never answered
    expect(await first.closed()).toEqual({ code: 4000, reason: 'no welcome' });
    const second = await server.connection(1);
    await second.handshake(0);
    await connecting;
    expect(eventsOf('close')).toEqual([{ code: 4000, reason: 'no welcome' }]);
  });

  it('with reconnect: false a lost connection ends the client and rejects pending sends', async () => {
    const { client, eventsOf } = makeClient({ reconnect: false });
    const conn = await connected(client, 0);
    const sending = client.send(textMessage).catch((e: unknown) => e);
    await waitUntil(() => conn.framesOfType('send').length === 1, 'the send');
    conn.drop();
    expect(await sending).toMatchObject({ code: 'connection_closed' });
    await sleep(100);
    expect(server.connections).toHaveLength(1);
    expect(eventsOf('close')).toEqual([{ code: 1006, reason: '' }]);
    expect(eventsOf('reconnecting')).toEqual([]);
  });

  it('continues from the welcome cursor when the server moves it (trimmed stream, cursor beyond the head)', async () => {
    const { client, store, eventsOf } = makeClient({ cursorStore: new MemoryCursorStore(100) });
    const conn = await connected(client, 50);
    expect(client.cursor).toBe(50);
    conn.send(eventFrame(51));
    await waitUntil(() => store.saved.length > 0, 'a save');
    expect(eventsOf('event')).toEqual([eventFrame(51)]);
    expect(store.saved).toEqual([51]);
    expect(client.stats.duplicatesDropped).toBe(0);
  });

  it('stops on close code 4003 even without a kick frame, but retries after 4001 without an auth error code', async () => {
    const { client, eventsOf } = makeClient();
    const first = await connected(client, 0);
    first.send({ t: 'error', code: 'internal', message: 'internal error', fatal: true });
    first.close(4001, 'internal');
    const second = await server.connection(1);
    await second.handshake(0);
    await waitUntil(() => client.connected, 'connected again');
    second.close(4003, 'kicked');
    await waitUntil(() => eventsOf('close').length === 2, 'the second close');
    await sleep(150);
    expect(server.connections).toHaveLength(2);
    expect(eventsOf('reconnecting')).toHaveLength(1);
    await expect(client.waitForSynced()).rejects.toMatchObject({ code: 'kicked' });
  });

  it('ignores and counts frames it does not understand; an event of an unknown type still advances the cursor', async () => {
    const { client, eventsOf, log } = makeClient();
    const conn = await connected(client, 0);

    conn.sendRaw('not json');
    conn.send({ t: 'future_frame', x: 1 });
    conn.send({ t: 'sent', id: 'x' }); // missing fields
    conn.send({ t: 'event', seq: 1, occurredAt: 1, body: { type: 'edit', messageUid: 'MSG-00000001' } });
    conn.send(eventFrame(2));
    await waitUntil(() => client.cursor === 2, 'cursor 2');

    expect(eventsOf('event')).toEqual([eventFrame(2)]);
    expect(client.stats).toMatchObject({ unknownFrames: 4, eventsApplied: 2, gapsDetected: 0 });
    expect(log.filter((e) => e[0] === 'error' || e[0] === 'close')).toEqual([]);
    expect(client.connected).toBe(true);
  });

  it('emits transient messages and error frames without id; answers ping', async () => {
    const { client, eventsOf } = makeClient();
    const conn = await connected(client, 0);

    conn.send({ t: 'transient', message: message(1) });
    conn.send({ t: 'error', code: 'rate_limited', message: 'slow down', fatal: false });
    const pinging = client.ping();
    const ping = await conn.nextFrame();
    expect(ping).toEqual({ t: 'ping', id: expect.any(String) });
    conn.send({ t: 'pong', id: ping.id });
    await expect(pinging).resolves.toBeGreaterThanOrEqual(0);

    expect(eventsOf('transient')).toEqual([message(1)]);
    expect(eventsOf('error')).toEqual([expect.objectContaining({ code: 'rate_limited', message: 'slow down', fatal: false })]);
    expect(client.cursor).toBe(0);
    expect(client.connected).toBe(true);
  });
});
