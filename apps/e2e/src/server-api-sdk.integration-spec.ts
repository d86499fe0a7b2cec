import { Client } from 'pg';
import { RawDevice, TestDevice, TestSystem, createApp, sleep, uniqueId, waitFor, type TestApp } from '@msync/testing';
import type { Platform } from '@msync/contracts';

/** What rongcloud-sdk 3.1.1 resolves with: the parsed answer (or its own remapped error object). */
type SdkResult = { code: number | string; msg?: string; errorMessage?: string } & Record<string, unknown>;
type SdkCall = (args: Record<string, unknown>) => Promise<SdkResult>;
interface RongCloud {
  User: { register: SdkCall; OnlineStatus: { get: SdkCall }; Block: { add: SdkCall; remove: SdkCall; getList: () => Promise<SdkResult> } };
  Message: { Private: { send: SdkCall; recall: SdkCall }; Group: { send: SdkCall; recall: SdkCall }; System: { send: SdkCall } };
  Group: { create: SdkCall; join: SdkCall; get: SdkCall };
}
type RawRequest = (params: { url: string; data: Record<string, unknown> }) => Promise<{ text: SdkResult }>;

/**
 * The public npm package rongcloud-sdk 3.1.1, unchanged, drives the local service; real WebSocket
 * devices (the project's client library) show who received what. The SDK keeps its configuration
 * in module-global state, so this file configures it once, for one app.
 */
describe('Server API driven by rongcloud-sdk 3.1.1', () => {
  let system: TestSystem;
  let db: Client;
  let app: TestApp;
  let rong: RongCloud;
  let rawRequest: RawRequest;
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ gateways: 1 });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    app = await createApp(system.apiUrl, 'rongcloud-sdk');
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      rong = require('rongcloud-sdk')({ appkey: app.appKey, secret: app.secret, api: system.apiUrl });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      rawRequest = require('rongcloud-sdk/lib/request').request;
    });
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
    await db?.end();
    await system?.stop();
  });

  /** A resolved promise proves nothing with this SDK: the answer must carry code 200. */
  async function ok(call: Promise<SdkResult>): Promise<SdkResult> {
    const result = await call;
    expect(result).toMatchObject({ code: 200 });
    return result;
  }
  async function tokenOf(id: string): Promise<string> {
    const result = await ok(rong.User.register({ id, name: `User ${id}`, portrait: 'http://example.com/p.png' }));
    expect(result.userId).toBe(id);
    return result.token as string;
  }
  async function device(token: string, deviceId: string, platform: Platform, cursor: number | null = 0): Promise<TestDevice> {
    const d = await TestDevice.connect({ url: system.wsUrl(), token, deviceId, platform, cursor });
    devices.push(d);
    return d;
  }
  const text = (m: { content: string }) => (JSON.parse(m.content) as { content?: string }).content;
  const uidOf = (result: SdkResult) => (result.messageUIDs as { messageUID: string; sentTime: number }[])[0];
  const recallsOf = (d: TestDevice) => d.events.flatMap((e) => (e.body.type === 'recall' ? [e.body.messageUid] : []));

  it('tokens, groups, private, group and status messages, recall, block and unblock: each device gets exactly its share', async () => {
    const [alice, bob, carol] = [uniqueId('alice'), uniqueId('bob'), uniqueId('carol')];
    const groupId = uniqueId('team');
    const aliceToken = await tokenOf(alice);
    const bobToken = await tokenOf(bob);
    const carolToken = await tokenOf(carol);

    // Tokens from the SDK open the device gateway. alice's desktop stays offline for now.
    const alicePhone = await device(aliceToken, 'alice-phone', 'mobile');
    const bobPhone = await device(bobToken, 'bob-phone', 'mobile');
    const carolPhone = await device(carolToken, 'carol-phone', 'mobile');
    expect((await ok(rong.User.OnlineStatus.get({ id: bob }))).status).toBe('1');

    // Groups: create with two members, join a third (3.1.1 sends groupName=undefined here).
    await ok(rong.Group.create({ id: groupId, name: 'Team', members: [{ id: alice }, { id: bob }] }));
    await ok(rong.Group.join({ id: groupId, member: { id: carol } }));
    expect((await ok(rong.Group.get({ id: groupId }))).members).toEqual([alice, bob, carol].sort().map((id) => ({ id })));
    expect((await db.query('SELECT name FROM groups WHERE app_key = $1 AND group_id = $2', [app.appKey, groupId])).rows[0].name).toBe('Team');

    // Private without isIncludeSender: bob only.
    const plain = uidOf(await ok(rong.Message.Private.send({ senderId: alice, targetId: bob, objectName: 'RC:TxtMsg', content: { content: 'plain' } })));
    // Private with isIncludeSender=1: bob, and every device of alice (the offline desktop when it connects).
    const synced = uidOf(
      await ok(rong.Message.Private.send({ senderId: alice, targetId: bob, objectName: 'RC:TxtMsg', content: { content: 'synced' }, isIncludeSender: 1 })),
    );
    // A group message: bob and carol; alice sent it without isIncludeSender.
    const group = uidOf(await ok(rong.Message.Group.send({ senderId: alice, targetId: groupId, objectName: 'RC:TxtMsg', content: { content: 'to the team' } })));
    // A system message to carol.
    const system_ = uidOf(await ok(rong.Message.System.send({ senderId: 'system', targetId: carol, objectName: 'RC:TxtMsg', content: { content: 'notice' } })));

    await bobPhone.waitForMessages(3);
    await carolPhone.waitForMessages(2);
    await alicePhone.waitForMessages(1);
    const aliceDesktop = await device(aliceToken, 'alice-desktop', 'desktop');
    await aliceDesktop.waitForMessages(1);

    // Status messages (the SDK has no function for them: its raw request helper, same signed headers).
    const status = await rawRequest({ url: 'statusmessage/private/publish', data: { fromUserId: alice, toUserId: bob, objectName: 'RC:TypSts', content: '{"typingContentType":"RC:TxtMsg"}' } });
    expect(status.text).toMatchObject({ code: 200 });
    const groupStatus = await rawRequest({ url: 'statusmessage/group/publish', data: { fromUserId: alice, toGroupId: groupId, objectName: 'RC:TypSts', content: '{}' } });
    expect(groupStatus.text).toMatchObject({ code: 200 });
    await waitFor(() => bobPhone.transients.length === 2 && carolPhone.transients.length === 1, 'the status messages');

    await sleep(1000);
    // Order is kept within a conversation, not across conversations.
    const received = (d: TestDevice) => d.messages.map((m) => [m.messageUid, text(m)]).sort();
    expect(received(bobPhone)).toEqual(
      [
        [plain.messageUID, 'plain'],
        [synced.messageUID, 'synced'],
        [group.messageUID, 'to the team'],
      ].sort(),
    );
    expect(bobPhone.messages.filter((m) => m.conversationType === 'private').map((m) => m.messageUid)).toEqual([plain.messageUID, synced.messageUID]);
    expect(received(carolPhone)).toEqual(
      [
        [group.messageUID, 'to the team'],
        [system_.messageUID, 'notice'],
      ].sort(),
    );
    for (const d of [alicePhone, aliceDesktop]) expect(d.messages.map((m) => [m.messageUid, m.senderId, text(m)])).toEqual([[synced.messageUID, alice, 'synced']]);
    expect(bobPhone.transients.map((m) => [m.conversationType, m.objectName]).sort()).toEqual([
      ['group', 'RC:TypSts'],
      ['private', 'RC:TypSts'],
    ]);
    expect(carolPhone.transients.map((m) => m.conversationType)).toEqual(['group']);
    for (const d of [alicePhone, aliceDesktop]) expect(d.transients).toEqual([]);
    // Status messages are never stored: a device of bob that connects now replays only the three messages.
    const bobLater = await device(bobToken, 'bob-pc', 'desktop');
    expect(bobLater.messages.map((m) => m.messageUid).sort()).toEqual([plain.messageUID, synced.messageUID, group.messageUID].sort());
    expect(bobLater.transients).toEqual([]);

    // Recall the synced message (sentTime from our answer): bob's devices and both of alice's get the recall.
    await ok(rong.Message.Private.recall({ senderId: alice, targetId: bob, uId: synced.messageUID, sentTime: synced.sentTime }));
    await ok(rong.Message.Group.recall({ senderId: alice, targetId: groupId, uId: group.messageUID, sentTime: group.sentTime }));
    await waitFor(() => recallsOf(bobPhone).length === 2 && recallsOf(alicePhone).length === 1 && recallsOf(aliceDesktop).length === 1 && recallsOf(carolPhone).length === 1, 'the recalls');
    expect(recallsOf(bobPhone).sort()).toEqual([synced.messageUID, group.messageUID].sort());
    expect(recallsOf(aliceDesktop)).toEqual([synced.messageUID]);
    expect(recallsOf(carolPhone)).toEqual([group.messageUID]);
    // Only the sender may recall.
    const refused = await rong.Message.Private.recall({ senderId: bob, targetId: alice, uId: plain.messageUID, sentTime: plain.sentTime });
    expect(refused.code).toBe(1002);

    // Block bob: his connected devices are dropped, logins refused, messages kept for after the block.
    await ok(rong.User.Block.add({ id: bob, minute: 10 }));
    await Promise.all([bobPhone.waitForKick(), bobLater.waitForKick()]);
    expect(bobPhone.kicked).toBe('user_blocked');
    expect(((await ok(rong.User.Block.getList())).users as { userId: string }[]).map((u) => u.userId)).toEqual([bob]);
    expect((await ok(rong.User.OnlineStatus.get({ id: bob }))).status).toBe('0');
    expect(await RawDevice.refusal(system.wsUrl(), bobToken, 'bob-tab')).toMatchObject({ code: 'user_blocked' });
    const whileBlocked = uidOf(await ok(rong.Message.Private.send({ senderId: carol, targetId: bob, objectName: 'RC:TxtMsg', content: { content: 'while blocked' } })));

    // Unblock: the token bob had works again; his phone resumes after its cursor and gets what came meanwhile.
    await ok(rong.User.Block.remove({ id: bob }));
    expect((await ok(rong.User.Block.getList())).users).toEqual([]);
    const back = await device(bobToken, 'bob-phone', 'mobile', bobPhone.cursor);
    await back.waitForMessages(1);
    await sleep(500);
    expect(back.messages.map((m) => [m.messageUid, text(m)])).toEqual([[whileBlocked.messageUID, 'while blocked']]);
  });

  it('a wrong secret gets the SDK’s signature error (the server answered 401/1004)', async () => {
    let sdk: RongCloud | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      sdk = require('rongcloud-sdk')({ appkey: app.appKey, secret: 'wrong-secret', api: system.apiUrl });
    });
    const result = await sdk!.User.register({ id: 'u1', name: 'U', portrait: 'http://example.com/p.png' });
    expect(result.code).toBe('20000');
    const status = await fetch(`${system.apiUrl}/user/getToken.json`, { method: 'POST', headers: { 'App-Key': app.appKey, Nonce: '1', Timestamp: '1', Signature: 'x' }, body: 'userId=u1' });
    expect(status.status).toBe(401);
    expect(await status.json()).toMatchObject({ code: 1004 });
  });
});
