import { createApp, e2eSuite, ManagementClient, TEST_INTERNAL_TOKEN, TestDevice, uniqueId, waitFor, type TestApp } from '@msync/testing';
import type { Channel, Platform } from '@msync/contracts';

const DAY_MS = 86_400_000;
const PAGE = 10;
/** The compensation service keeps at most this many conversations in a channel list (the newest). */
const CHANNEL_LIST_MAX = 2;

/**
 * Compensation: a device that connects without a cursor (new, or reinstalled without its local
 * database) gets the app's window of recent history, in pages it asks for, and the channel list
 * rebuilt from that window. Older events are made by moving real events back in time in PostgreSQL.
 */
describe('compensation for new and reinstalled devices', () => {
  const suite = e2eSuite({ gateways: 1, env: { CHANNEL_LIST_MAX: String(CHANNEL_LIST_MAX) } });
  const { devices } = suite;

  beforeAll(async () => {
    await suite.system.addGateway({ env: { REPLAY_PAGE_SIZE: String(PAGE) } });
  });
  async function newApp(settings?: Record<string, unknown>): Promise<{ app: TestApp; mgmt: ManagementClient }> {
    const app = await createApp(suite.system.apiUrl, 'compensation', settings);
    return { app, mgmt: new ManagementClient(suite.system.apiUrl, app) };
  }

  async function connect(
    mgmt: ManagementClient,
    userId: string,
    deviceId: string,
    options: { cursor?: number | null; platform?: Platform; gateway?: number; autoNextPage?: boolean } = {},
  ): Promise<TestDevice> {
    const d = await TestDevice.connect({
      url: suite.system.wsUrl(options.gateway ?? 0),
      token: await mgmt.token(userId),
      deviceId,
      platform: options.platform ?? 'mobile',
      cursor: options.cursor === undefined ? 0 : options.cursor,
      autoNextPage: options.autoNextPage,
    });
    devices.push(d);
    return d;
  }

  /** Moves one message, and its events in every stream, `days` into the past. */
  async function age(appKey: string, messageUid: string, days: number): Promise<void> {
    const shift = `${days} days`;
    await suite.db.query(`UPDATE messages SET sent_at = sent_at - $3::interval WHERE app_key = $1 AND message_uid = $2`, [appKey, messageUid, shift]);
    await suite.db.query(
      `UPDATE stream_events SET occurred_at = occurred_at - $3::interval, created_at = created_at - $3::interval WHERE app_key = $1 AND message_uid = $2`,
      [appKey, messageUid, shift],
    );
  }

  const texts = (d: TestDevice) => d.messages.map((m) => (JSON.parse(m.content || '{}') as { text?: string }).text ?? '(recalled)');
  const summary = (channels: Channel[] | undefined) =>
    (channels ?? []).map((c) => ({ type: c.conversationType, id: c.targetId, last: (JSON.parse(c.lastMessage.content || '{}') as { text?: string }).text, unread: c.unreadCount }));

  async function settingsApplied(appKey: string, version: number): Promise<void> {
    for (const s of [suite.system.compensation, ...suite.system.gateways]) {
      await waitFor(
        async () => {
          const res = await fetch(`${s.url}/internal/v1/app-settings/${appKey}`, { headers: { 'x-internal-token': TEST_INTERNAL_TOKEN } });
          return ((await res.json()) as { version: number }).version >= version;
        },
        `${s.name} to apply the settings`,
        5_000,
        20,
      );
    }
  }

  it('a new device gets exactly the window’s events and the channel list; after the window grows to 3 days, 3 days; a reinstalled device likewise', async () => {
    const { app, mgmt } = await newApp();
    const [u, p1, p2, p3] = ['u', 'p1', 'p2', 'p3'].map(uniqueId);
    const group = uniqueId('grp');
    await mgmt.createGroup(group, [u, p1, p2]);
    const phone = await connect(mgmt, u, 'u-phone');
    const peers = { p1: await connect(mgmt, p1, 'p1-phone'), p2: await connect(mgmt, p2, 'p2-phone'), p3: await connect(mgmt, p3, 'p3-phone') };
    // Different conversations are appended by different fan-out partitions, so their order in u's
    // stream is not the send order unless each send is in the stream before the next (this test is
    // about window boundaries, so the order must be fixed).
    const say = async (from: TestDevice, conversationType: 'private' | 'group', targetId: string, text: string) => {
      const sent = await from.send({ conversationType, targetId, objectName: 'RC:TxtMsg', content: { text } });
      await phone.waitForCursor(phone.cursor + 1);
      return sent;
    };

    const old = await say(peers.p3, 'private', u, 'four days ago');
    const mid = await say(peers.p1, 'private', u, 'two days ago');
    await say(peers.p1, 'private', u, 'r1');
    await say(phone, 'private', p1, 'r2 (own)');
    await say(peers.p1, 'private', u, 'r3');
    await say(peers.p2, 'group', group, 'g1');
    await say(peers.p2, 'group', group, 'g2');
    await age(app.appKey, old.messageUid, 4);
    await age(app.appKey, mid.messageUid, 2);

    const oneDay = await connect(mgmt, u, 'u-laptop', { cursor: null, platform: 'desktop' });
    expect(texts(oneDay)).toEqual(['r1', 'r2 (own)', 'r3', 'g1', 'g2']);
    expect(oneDay.seqs).toEqual([3, 4, 5, 6, 7]);
    expect(summary(oneDay.channels?.channels)).toEqual([
      { type: 'group', id: group, last: 'g2', unread: 2 },
      { type: 'private', id: p1, last: 'r3', unread: 1 },
    ]);
    expect(oneDay.channels?.truncated).toBe(false);
    expect(Math.abs(oneDay.channels!.since - (Date.now() - DAY_MS))).toBeLessThan(60_000);
    const [groupChannel] = oneDay.channels!.channels;
    expect(groupChannel.lastActivityAt).toBe(groupChannel.lastMessage.sentAt);

    const updated = await mgmt.updateSettings({ compensationDays: 3 });
    await settingsApplied(app.appKey, updated.version);
    const threeDays = await connect(mgmt, u, 'u-tablet', { cursor: null, platform: 'web' });
    expect(texts(threeDays)).toEqual(['two days ago', 'r1', 'r2 (own)', 'r3', 'g1', 'g2']);
    expect(summary(threeDays.channels?.channels).map((c) => c.id)).toEqual([group, p1]);

    // The phone's app is reinstalled: same device id, no local database, so no cursor.
    await phone.close();
    const reinstalled = await connect(mgmt, u, 'u-phone', { cursor: null });
    expect(texts(reinstalled)).toEqual(['two days ago', 'r1', 'r2 (own)', 'r3', 'g1', 'g2']);
    expect(summary(reinstalled.channels?.channels)).toEqual(summary(threeDays.channels?.channels));
    // Live events follow the window.
    await peers.p3.send({ conversationType: 'private', targetId: u, objectName: 'RC:TxtMsg', content: { text: 'after' } });
    await reinstalled.waitForMessages(7);
    expect(texts(reinstalled).slice(-1)).toEqual(['after']);
    expect(reinstalled.duplicatesDropped).toBe(0);
  });

  it('sends the window in pages the device asks for; a device that leaves half-way resumes from its cursor', async () => {
    const { mgmt } = await newApp();
    const [u, p] = [uniqueId('u'), uniqueId('p')];
    const sender = await connect(mgmt, p, 'p-phone');
    for (let i = 1; i <= 35; i++) await sender.send({ conversationType: 'private', targetId: u, objectName: 'RC:TxtMsg', content: { text: `m${i}` } });
    const witness = await connect(mgmt, u, 'u-witness', { gateway: 1, platform: 'desktop' });
    await witness.waitForCursor(35);

    const fresh = await connect(mgmt, u, 'u-new', { cursor: null, gateway: 1, autoNextPage: false });
    await waitFor(() => fresh.pages.length === 1, 'the first page');
    expect(fresh.seqs).toEqual(Array.from({ length: PAGE }, (_, i) => i + 1));
    expect(fresh.channels?.channels).toHaveLength(1);
    // The gateway waits for the device: nothing more arrives, not even a live message.
    await sender.send({ conversationType: 'private', targetId: u, objectName: 'RC:TxtMsg', content: { text: 'm36' } });
    await witness.waitForCursor(36);
    await new Promise((r) => setTimeout(r, 500));
    expect(fresh.events).toHaveLength(PAGE);

    fresh.client.nextPage();
    await waitFor(() => fresh.pages.length === 2, 'the second page');
    expect(fresh.events).toHaveLength(2 * PAGE);
    const cursor = fresh.cursor;
    await fresh.close();
    expect(cursor).toBe(2 * PAGE);

    const resumed = await connect(mgmt, u, 'u-new', { cursor, gateway: 1 });
    expect(resumed.channels).toBeUndefined();
    expect(resumed.seqs).toEqual(Array.from({ length: 36 - 2 * PAGE }, (_, i) => 2 * PAGE + 1 + i));
    expect(texts(resumed).slice(-1)).toEqual(['m36']);
    expect(resumed.pages).toEqual([30]);
    expect(resumed.duplicatesDropped).toBe(0);
  });

  it('a compensating device sees a recalled message as recalled, never its content, and does not count it unread', async () => {
    const { mgmt } = await newApp();
    const [u, p] = [uniqueId('u'), uniqueId('p')];
    const sender = await connect(mgmt, p, 'p-phone');
    await sender.send({ conversationType: 'private', targetId: u, objectName: 'RC:TxtMsg', content: { text: 'hello' } });
    const oops = await sender.send({ conversationType: 'private', targetId: u, objectName: 'RC:TxtMsg', content: { text: 'top secret' } });
    await sender.recall(oops.messageUid);
    const witness = await connect(mgmt, u, 'u-witness');
    await witness.waitForCursor(3);

    const fresh = await connect(mgmt, u, 'u-new', { cursor: null });
    expect(fresh.seqs).toEqual([1, 2, 3]);
    expect(fresh.messages[1]).toMatchObject({ messageUid: oops.messageUid, content: '' });
    expect(fresh.messages[1].recalledAt).toEqual(expect.any(Number));
    expect(fresh.events[2].body).toMatchObject({ type: 'recall', messageUid: oops.messageUid, recalledBy: p });
    expect(JSON.stringify([fresh.events, fresh.channels])).not.toContain('top secret');
    const [channel] = fresh.channels!.channels;
    expect(channel).toMatchObject({ conversationType: 'private', targetId: p, unreadCount: 1, lastMessage: { messageUid: oops.messageUid, content: '' } });
  });

  it('keeps the newest conversations when the window holds more than the channel-list limit, and says it cut the list', async () => {
    const { mgmt } = await newApp();
    const u = uniqueId('u');
    const peers = [uniqueId('p1'), uniqueId('p2'), uniqueId('p3')];
    for (const p of peers) {
      const d = await connect(mgmt, p, `${p}-phone`);
      await d.send({ conversationType: 'private', targetId: u, objectName: 'RC:TxtMsg', content: { text: p } });
    }
    const witness = await connect(mgmt, u, 'u-witness');
    await witness.waitForCursor(3);

    const fresh = await connect(mgmt, u, 'u-new', { cursor: null, platform: 'desktop' });
    expect(fresh.seqs).toEqual([1, 2, 3]);
    expect(fresh.channels?.truncated).toBe(true);
    expect(fresh.channels?.channels.map((c) => c.targetId)).toEqual([peers[2], peers[1]].slice(0, CHANNEL_LIST_MAX));
  });

  it('with multi-device sync off a device without a cursor gets no compensation', async () => {
    const { mgmt } = await newApp({ multiDeviceSync: false });
    const [u, p] = [uniqueId('u'), uniqueId('p')];
    const phone = await connect(mgmt, u, 'u-phone');
    const sender = await connect(mgmt, p, 'p-phone');
    for (let i = 1; i <= 3; i++) await sender.send({ conversationType: 'private', targetId: u, objectName: 'RC:TxtMsg', content: { text: `m${i}` } });
    await phone.waitForMessages(3);
    await phone.close();

    const fresh = await connect(mgmt, u, 'u-pc', { cursor: null, platform: 'desktop' });
    await new Promise((r) => setTimeout(r, 300));
    expect(fresh.channels).toBeUndefined();
    expect(fresh.events).toEqual([]);
  });
});
