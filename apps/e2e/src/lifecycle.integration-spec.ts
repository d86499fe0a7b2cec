import { createApp, e2eSuite, ManagementClient, TestDevice, uniqueId, waitFor, type TestApp } from '@msync/testing';
import type { Platform } from '@msync/contracts';

/** Message lifecycle: transient messages and recall (compensation comes next). */
describe('message lifecycle', () => {
  const suite = e2eSuite({ gateways: 2 });
  const { devices } = suite;

  async function newApp(settings?: Record<string, unknown>): Promise<{ app: TestApp; mgmt: ManagementClient }> {
    const app = await createApp(suite.system.apiUrl, 'lifecycle', settings);
    return { app, mgmt: new ManagementClient(suite.system.apiUrl, app) };
  }
  let turn = 0;
  async function connect(mgmt: ManagementClient, userId: string, deviceId: string, platform: Platform): Promise<TestDevice> {
    const d = await TestDevice.connect({ url: suite.system.wsUrl(turn++ % 2), token: await mgmt.token(userId), deviceId, platform, cursor: 0 });
    devices.push(d);
    return d;
  }
  const stored = async (appKey: string) => (await suite.db.query('SELECT count(*)::int AS n FROM messages WHERE app_key = $1', [appKey])).rows[0].n;

  it.each([
    ['the typing indicator RC:TypSts', 'RC:TypSts', {}],
    ['a custom type the app registered as transient', 'APP:Cursor', { transientMessageTypes: ['APP:Cursor'] }],
  ])('%s reaches the devices online now, never one that connects later, and is never stored', async (_, objectName, settings) => {
    const { app, mgmt } = await newApp(settings);
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const a1 = await connect(mgmt, a, 'a-phone', 'mobile');
    const a2 = await connect(mgmt, a, 'a-pc', 'desktop');
    const b1 = await connect(mgmt, b, 'b-phone', 'mobile');
    const b2 = await connect(mgmt, b, 'b-pc', 'desktop');

    const ack = await a1.send({ conversationType: 'private', targetId: b, objectName, content: { typing: true } });
    await waitFor(() => b1.transients.length === 1 && b2.transients.length === 1, 'both online devices to get it');
    expect(b1.transients[0]).toMatchObject({ messageUid: ack.messageUid, senderId: a, objectName });

    const later = await connect(mgmt, b, 'b-tab', 'web');
    await new Promise((r) => setTimeout(r, 800));
    expect(later.transients).toEqual([]);
    expect(later.events).toEqual([]);
    for (const d of [b1, b2]) {
      expect(d.transients).toHaveLength(1);
      expect(d.events).toEqual([]);
    }
    expect(a2.transients).toEqual([]);
    expect(await stored(app.appKey)).toBe(0);
  });

  it('transient messages still obey membership and size rules', async () => {
    const { mgmt } = await newApp({ maxContentBytes: 64 });
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const groupId = uniqueId('grp');
    await mgmt.createGroup(groupId, [b]);
    const a1 = await connect(mgmt, a, 'a-phone', 'mobile');
    await expect(a1.send({ conversationType: 'group', targetId: groupId, objectName: 'RC:TypSts', content: {} })).rejects.toMatchObject({ code: 'not_a_member' });
    await expect(a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TypSts', content: { pad: 'x'.repeat(100) } })).rejects.toMatchObject({
      code: 'content_too_large',
    });
  });

  describe('recall', () => {
    const recallsOf = (d: TestDevice) => d.events.filter((e) => e.body.type === 'recall').map((e) => (e.body.type === 'recall' ? e.body.messageUid : ''));

    it('reaches the online devices at once and an offline one on reconnect; a replay shows the message recalled', async () => {
      const { mgmt } = await newApp();
      const [a, b] = [uniqueId('a'), uniqueId('b')];
      const a1 = await connect(mgmt, a, 'a-phone', 'mobile');
      const online = [await connect(mgmt, b, 'b-phone', 'mobile'), await connect(mgmt, b, 'b-pc', 'desktop'), await connect(mgmt, b, 'b-tab', 'web')];
      const offline = await connect(mgmt, b, 'b-mini', 'miniprogram');
      const sent = await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { secret: 'oops' } });
      for (const d of [...online, offline]) await d.waitForMessages(1);
      const cursorBefore = offline.cursor;
      await offline.close();

      const started = Date.now();
      const recalled = await a1.recall(sent.messageUid);
      expect(recalled.messageUid).toBe(sent.messageUid);
      await Promise.all(online.map((d) => waitFor(() => recallsOf(d).length === 1, 'the recall event')));
      expect(Date.now() - started).toBeLessThan(5_000);
      for (const d of online) expect(recallsOf(d)).toEqual([sent.messageUid]);

      const back = await TestDevice.connect({ url: suite.system.wsUrl(0), token: await mgmt.token(b), deviceId: 'b-mini', platform: 'miniprogram', cursor: cursorBefore });
      devices.push(back);
      await waitFor(() => recallsOf(back).length === 1, 'the recall on reconnect');
      expect(back.messages).toEqual([]);

      const replay = await TestDevice.connect({ url: suite.system.wsUrl(1), token: await mgmt.token(b), deviceId: 'b-new', platform: 'web', cursor: 0 });
      devices.push(replay);
      expect(replay.messages).toHaveLength(1);
      expect(replay.messages[0]).toMatchObject({ messageUid: sent.messageUid, content: '', recalledAt: recalled.recalledAt });
      expect(JSON.stringify(replay.events)).not.toContain('oops');
      expect(recallsOf(replay)).toEqual([sent.messageUid]);
    });

    it('only the sender or the app may recall; unknown and other apps’ messages are refused; twice is harmless', async () => {
      const { mgmt } = await newApp();
      const other = await newApp();
      const [a, b, c] = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
      const a1 = await connect(mgmt, a, 'a-phone', 'mobile');
      const b1 = await connect(mgmt, b, 'b-phone', 'mobile');
      const c1 = await connect(mgmt, c, 'c-phone', 'mobile');
      const sent = await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { n: 1 } });
      await b1.waitForMessages(1);

      await expect(c1.recall(sent.messageUid)).rejects.toMatchObject({ code: 'not_allowed' });
      await expect(b1.recall(sent.messageUid)).rejects.toMatchObject({ code: 'not_allowed' });
      await expect(a1.recall('NO-SUCH-MESSAGE-1')).rejects.toMatchObject({ code: 'message_unknown' });
      await expect(other.mgmt.recall(sent.messageUid)).rejects.toMatchObject({ status: 404, code: 'message_unknown' });
      await new Promise((r) => setTimeout(r, 300));
      expect(recallsOf(b1)).toEqual([]);

      const first = await mgmt.recall(sent.messageUid);
      const second = await a1.recall(sent.messageUid);
      expect(second.recalledAt).toBe(first.recalledAt);
      await waitFor(() => recallsOf(b1).length === 1, 'the recall');
      await new Promise((r) => setTimeout(r, 500));
      expect(recallsOf(b1)).toEqual([sent.messageUid]);
    });
  });
});
