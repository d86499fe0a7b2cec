import { Kafka, logLevel } from 'kafkajs';
import { Topics, conversationKey } from '@msync/contracts';
import { createApp, e2eSuite, ManagementClient, RawDevice, TestDevice, uniqueId, type TestApp } from '@msync/testing';

/**
 * Core sync, end to end: devices over real WebSockets, the services as processes, the real Kafka
 * broker and PostgreSQL. Every assertion is about what each device received.
 */
describe('core sync', () => {
  const suite = e2eSuite({ gateways: 2 });
  const { devices } = suite;

  let app: TestApp;
  let mgmt: ManagementClient;

  beforeAll(async () => {
    // These tests are about sync, not the login policy.
    app = await createApp(suite.system.apiUrl, 'core-sync', { devicesPerPlatform: 10 });
    mgmt = new ManagementClient(suite.system.apiUrl, app);
  });

  async function connect(userId: string, deviceId: string, opts: { gateway?: number; cursor?: number | null } = {}): Promise<TestDevice> {
    const device = await TestDevice.connect({
      url: suite.system.wsUrl(opts.gateway ?? devices.length % suite.system.gateways.length),
      token: await mgmt.token(userId),
      deviceId,
      cursor: opts.cursor === undefined ? 0 : opts.cursor,
    });
    devices.push(device);
    return device;
  }

  const user = (name: string) => uniqueId(name);

  it('1:1: the recipient and the sender’s other devices get the message once; the sending device gets the ack', async () => {
    const [a, b] = [user('a'), user('b')];
    const [a1, a2, a3] = await Promise.all([connect(a, 'a1'), connect(a, 'a2'), connect(a, 'a3')]);
    const [b1, b2] = await Promise.all([connect(b, 'b1'), connect(b, 'b2')]);

    const ack = await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { content: 'hello' } });
    for (const d of [a2, a3, b1, b2]) await d.waitForMessages(1);
    await a1.waitForCursor(1);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would show up now

    for (const d of [a2, a3, b1, b2]) {
      expect(d.messages.map((m) => m.messageUid)).toEqual([ack.messageUid]);
      expect(d.messages[0]).toMatchObject({ senderId: a, targetId: b, objectName: 'RC:TxtMsg', content: JSON.stringify({ content: 'hello' }) });
    }
    expect(a1.messages).toEqual([]);
    expect(a1.cursor).toBe(1);
    expect(ack.duplicate).toBe(false);
  });

  it('group of 4 users on 2 devices each: every device but the sending one gets it exactly once', async () => {
    const users = [user('g'), user('g'), user('g'), user('g')];
    const groupId = uniqueId('grp');
    await mgmt.createGroup(groupId, users);
    const all = await Promise.all(users.flatMap((u) => [connect(u, `${u}-d1`), connect(u, `${u}-d2`)]));
    const [sender, ...others] = all;

    const ack = await sender.send({ conversationType: 'group', targetId: groupId, objectName: 'RC:TxtMsg', content: { content: 'hi all' } });
    for (const d of others) await d.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 300));
    for (const d of others) expect(d.messages.map((m) => m.messageUid)).toEqual([ack.messageUid]);
    expect(sender.messages).toEqual([]);
  });

  it('a repeated send (same clientMsgId) returns the same UID and creates nothing new', async () => {
    const [a, b] = [user('a'), user('b')];
    const a1 = await connect(a, 'a1');
    const b1 = await connect(b, 'b1');
    const first = await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { n: 1 }, clientMsgId: 'same-id' });
    const second = await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { n: 1 }, clientMsgId: 'same-id' });
    expect(second).toMatchObject({ messageUid: first.messageUid, duplicate: true });
    await b1.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(b1.messages).toHaveLength(1);
    const stored = await suite.db.query('SELECT count(*)::int AS n FROM messages WHERE app_key = $1 AND sender_id = $2', [app.appKey, a]);
    expect(stored.rows[0].n).toBe(1);
  });

  it('500 messages from several senders into one group arrive at every device in one and the same order', async () => {
    const users = [user('s'), user('s'), user('s'), user('s')];
    const groupId = uniqueId('grp');
    await mgmt.createGroup(groupId, users);
    const senders = await Promise.all(users.map((u) => connect(u, `${u}-send`)));
    const readers = await Promise.all(users.map((u, i) => connect(u, `${u}-read`, { gateway: i % 2 })));

    const uids = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        senders[i % senders.length].send({ conversationType: 'group', targetId: groupId, objectName: 'RC:TxtMsg', content: { i } }),
      ),
    );
    expect(new Set(uids.map((u) => u.messageUid)).size).toBe(500);
    for (const r of readers) await r.waitForMessages(500, 60_000);
    const order = readers[0].messages.map((m) => m.messageUid);
    expect(new Set(order).size).toBe(500);
    for (const r of readers) {
      expect(r.messages.map((m) => m.messageUid)).toEqual(order);
      expect(r.seqs).toEqual(Array.from({ length: 500 }, (_, i) => r.seqs[0] + i));
    }
  });

  it('one device’s sends fired without waiting for acks arrive in the order they were sent', async () => {
    const [a, b] = [user('a'), user('b')];
    const [a1, b1] = await Promise.all([connect(a, 'a1'), connect(b, 'b1')]);
    await Promise.all(Array.from({ length: 100 }, (_, i) => a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { i } })));
    await b1.waitForMessages(100);
    expect(b1.messages.map((m) => JSON.parse(m.content).i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('an offline device catches up 1,000 events in order while new ones keep arriving, then gets the new ones once each', async () => {
    const [a, b] = [user('a'), user('b')];
    // A real client waits for each ack; several devices of the sender keep the burst quick.
    const senders = await Promise.all([1, 2, 3, 4, 5].map((i) => connect(a, `a-send-${i}`)));
    const sender = senders[0];
    const b1 = await connect(b, 'b-phone');
    await b1.send({ conversationType: 'private', targetId: a, objectName: 'RC:TxtMsg', content: { hello: true } });
    await b1.waitForCursor(1);
    await b1.close();

    await Promise.all(
      senders.map(async (s, k) => {
        for (let i = k * 200; i < (k + 1) * 200; i++) await s.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { i } });
      }),
    );
    const during = Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 10));
        return sender.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { late: i } });
      }),
    );
    const back = await connect(b, 'b-phone', { cursor: 1 });
    await during;
    await back.waitForMessages(1050, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(back.seqs).toEqual(Array.from({ length: 1050 }, (_, i) => i + 2));
    expect(back.messages.slice(0, 1000).map((m) => JSON.parse(m.content).i).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // each sending device's messages keep their order
    for (let k = 0; k < 5; k++) {
      const mine = back.messages.slice(0, 1000).map((m) => JSON.parse(m.content).i).filter((i) => Math.floor(i / 200) === k);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    expect(back.duplicatesDropped).toBe(0);
  });

  it('two gateways: a user’s devices spread over both all get every event', async () => {
    const [a, b] = [user('a'), user('b')];
    const bs = await Promise.all([0, 1, 0, 1].map((gw, i) => connect(b, `b${i}`, { gateway: gw })));
    const a1 = await connect(a, 'a1', { gateway: 1 });
    for (let i = 0; i < 20; i++) await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { i } });
    for (const d of bs) {
      await d.waitForMessages(20);
      expect(d.seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }
  });

  it('group membership: a removed member gets no later message, a new member gets messages from joining on', async () => {
    const [a, b, c] = [user('a'), user('b'), user('c')];
    const groupId = uniqueId('grp');
    await mgmt.createGroup(groupId, [a, b]);
    const [a1, b1, c1] = await Promise.all([connect(a, 'a1'), connect(b, 'b1'), connect(c, 'c1')]);
    const send = (n: number) => a1.send({ conversationType: 'group', targetId: groupId, objectName: 'RC:TxtMsg', content: { n } });

    await send(1);
    await b1.waitForMessages(1);
    await mgmt.removeMembers(groupId, [b]);
    await mgmt.addMembers(groupId, [c]);
    await send(2);
    await c1.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(b1.messages.map((m) => JSON.parse(m.content).n)).toEqual([1]);
    expect(c1.messages.map((m) => JSON.parse(m.content).n)).toEqual([2]);
    await expect(b1.send({ conversationType: 'group', targetId: groupId, objectName: 'RC:TxtMsg', content: {} })).rejects.toMatchObject({ code: 'not_a_member' });
  });

  it('an internal service can publish the same command over Kafka; a replay with the same idempotency key creates nothing', async () => {
    const [a, b] = [user('a'), user('b')];
    const b1 = await connect(b, 'b1');
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'inbound-test', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const command = {
      command: 'publish-message',
      appKey: app.appKey,
      idempotencyKey: uniqueId('idem'),
      conversationType: 'private',
      senderId: a,
      targetId: b,
      objectName: 'RC:TxtMsg',
      content: JSON.stringify({ content: 'from a service' }),
    };
    const key = conversationKey(app.appKey, 'private', a, b);
    await producer.send({ topic: Topics.inboundCommands, messages: [{ key, value: JSON.stringify(command) }] });
    await b1.waitForMessages(1);
    await producer.send({ topic: Topics.inboundCommands, messages: [{ key, value: JSON.stringify(command) }] });
    await new Promise((r) => setTimeout(r, 1500));
    await producer.disconnect();
    expect(b1.messages).toHaveLength(1);
    expect(b1.messages[0]).toMatchObject({ senderId: a, content: JSON.stringify({ content: 'from a service' }) });
  });

  describe('bad input gets its error code, stores nothing, and the connection survives where it can', () => {
    const storedBy = async (userId: string) =>
      (await suite.db.query('SELECT count(*)::int AS n FROM messages WHERE app_key = $1 AND sender_id = $2', [app.appKey, userId])).rows[0].n;

    it('frames: malformed, unknown type, unknown field, oversize content, unknown group, not a member', async () => {
      const [a, b] = [user('a'), user('b')];
      const groupId = uniqueId('grp');
      await mgmt.createGroup(groupId, [b]);
      const a1 = await connect(a, 'a1');
      const raw = await RawDevice.connect(suite.system.wsUrl(0), await mgmt.token(a), 'a-raw');
      const errors = [
        await raw.expectError('this is not json'),
        await raw.expectError(JSON.stringify({ t: 'teleport', id: 'x1' })),
        await raw.expectError(JSON.stringify({ t: 'send', id: 'x2', clientMsgId: 'c', conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: {}, extra: 1 })),
        await raw.expectError(JSON.stringify({ t: 'send', id: 'x3', conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: {} })),
      ];
      expect(errors.map((e) => e.code)).toEqual(['malformed_frame', 'unknown_frame_type', 'invalid_field', 'invalid_field']);
      expect(errors.every((e) => !e.fatal)).toBe(true);
      expect(await raw.ping()).toBe(true);
      raw.close();
      const big = { blob: 'x'.repeat(130 * 1024) };
      await expect(a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: big })).rejects.toMatchObject({ code: 'content_too_large' });
      await expect(a1.send({ conversationType: 'group', targetId: uniqueId('nope'), objectName: 'RC:TxtMsg', content: {} })).rejects.toMatchObject({ code: 'conversation_unknown' });
      await expect(a1.send({ conversationType: 'group', targetId: groupId, objectName: 'RC:TxtMsg', content: {} })).rejects.toMatchObject({ code: 'not_a_member' });
      expect(await storedBy(a)).toBe(0);
      // the connection is still usable after all of that
      await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { ok: true } });
      expect(await storedBy(a)).toBe(1);
    });

    it('tokens: bad signature, expired, revoked, another app’s; each is refused with its code', async () => {
      const u = user('t');
      const other = await createApp(suite.system.apiUrl, 'other-app');
      const good = await mgmt.token(u);
      const expired = await mgmt.token(u, 1);
      const revoked = await mgmt.token(u);
      await mgmt.revoke(revoked);
      const parts = good.split('.');
      const forged = [parts[0], parts[1], parts[2], Buffer.from('forged-signature-forged-signature').toString('base64url')].join('.');
      const otherAppsToken = await new ManagementClient(suite.system.apiUrl, other).token(u);
      const crossApp = [parts[0], app.appKey, otherAppsToken.split('.')[2], otherAppsToken.split('.')[3]].join('.');
      await new Promise((r) => setTimeout(r, 1100));

      const refused = (token: string) => RawDevice.refusal(suite.system.wsUrl(0), token);
      expect(await refused(forged)).toMatchObject({ code: 'token_invalid', closeCode: 4001 });
      expect(await refused(expired)).toMatchObject({ code: 'token_expired', closeCode: 4001 });
      expect(await refused(revoked)).toMatchObject({ code: 'token_revoked', closeCode: 4001 });
      expect(await refused(crossApp)).toMatchObject({ code: 'token_invalid', closeCode: 4001 });
      expect(await refused('v1.no-such-app.e30.c2ln')).toMatchObject({ code: 'app_unknown', closeCode: 4001 });
      // a frame before hello is refused too
      const early = await RawDevice.open(suite.system.wsUrl(0));
      expect(await early.expectError(JSON.stringify({ t: 'ping' }))).toMatchObject({ code: 'not_authenticated', fatal: true });
    });
  });
});
