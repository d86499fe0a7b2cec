import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, e2eSuite, ManagementClient, RawDevice, REPO_ROOT, ServerApiClient, sleep, TestDevice, uniqueId, waitFor, type ServerApiAnswer, type TestApp } from '@msync/testing';
import type { Platform } from '@msync/contracts';

/** The RongCloud-compatible Server API over plain HTTP: wire format, every error code, limits, strict mode, rate limit. */
describe('Server API over raw HTTP', () => {
  const suite = e2eSuite({ gateways: 1 });
  const { devices } = suite;

  async function newApp(settings?: Record<string, unknown>): Promise<{ app: TestApp; api: ServerApiClient }> {
    const app = await createApp(suite.system.apiUrl, 'server-api-http', settings);
    return { app, api: new ServerApiClient(suite.system.apiUrl, app) };
  }
  async function connect(api: ServerApiClient, userId: string, deviceId: string, platform: Platform = 'mobile'): Promise<TestDevice> {
    const token = (await api.call('user/getToken', { userId, name: userId, portraitUri: 'http://example.com/p.png' })).body.token as string;
    const device = await TestDevice.connect({ url: suite.system.wsUrl(), token, deviceId, platform, cursor: 0 });
    devices.push(device);
    return device;
  }
  const storedCount = async (appKey: string) => (await suite.db.query('SELECT count(*)::int AS n FROM messages WHERE app_key = $1', [appKey])).rows[0].n as number;
  const expectError = (answer: ServerApiAnswer, status: number, code: number) => {
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
    expect(typeof answer.body.errorMessage).toBe('string');
  };

  it('answers JSON with a numeric code 200, keeps repeated keys, decodes + and %20, and accepts the RC- header names', async () => {
    const { api } = await newApp();
    const groupId = uniqueId('g');
    const created = await api.call('group/create', {}, { rawBody: `userId=ann+lee&groupId=${groupId}&groupName=Team+One&userId=bob%20smith&userId=cy`, rcPrefixed: true });
    // A user id has no spaces: `+` decoded to a space makes it invalid, which proves it was decoded.
    expectError(created, 400, 1002);
    const ok = await api.call('group/create', {}, { rawBody: `userId=ann&groupId=${groupId}&groupName=Team+One&userId=bob&userId=cy`, rcPrefixed: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ code: 200 });
    const members = await api.call('group/user/query', { groupId });
    expect(members.body).toEqual({ code: 200, id: groupId, users: [{ id: 'ann' }, { id: 'bob' }, { id: 'cy' }] });
    expect((await suite.db.query('SELECT name FROM groups WHERE group_id = $1', [groupId])).rows[0].name).toBe('Team One');

    const token = await api.call('user/getToken', {}, { rawBody: 'userId=ann&name=Ann+Lee' });
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ code: 200, userId: 'ann', token: expect.any(String) });
  });

  it.each([
    ['a wrong signature', { headers: { 'App-Key': 'KEY', Nonce: '1', Timestamp: '2', Signature: 'deadbeef' } }, 401, 1004],
    ['an unknown app key', { headers: { 'App-Key': 'no-such-app', Nonce: '1', Timestamp: '2', Signature: 'deadbeef' } }, 401, 1004],
    ['no signature headers', { headers: {} }, 401, 1004],
  ])('refuses %s with 401 and code 1004', async (_, options, status, code) => {
    const { app, api } = await newApp();
    const headers = Object.fromEntries(Object.entries(options.headers).map(([k, v]) => [k, v === 'KEY' ? app.appKey : v]));
    expectError(await api.call('user/getToken', { userId: 'u1' }, { headers }), status, code);
  });

  it('answers every parameter error with its documented code and writes nothing', async () => {
    const { app, api } = await newApp({ maxContentBytes: 1024 });
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const msg = { fromUserId: a, objectName: 'RC:TxtMsg', content: JSON.stringify({ content: 'hi' }) };

    expectError(await api.call('message/private/publish', {}), 400, 1003);
    expectError(await api.call('message/private/publish', { ...msg }), 400, 1002);
    expectError(await api.call('message/private/publish', { ...msg, toUserId: 'x'.repeat(65) }), 400, 1005);
    expectError(await api.call('message/private/publish', { ...msg, toUserId: b, objectName: 'X'.repeat(33) }), 400, 1005);
    expectError(await api.call('message/private/publish', { ...msg, toUserId: b, content: 'not json' }), 400, 1002);
    expectError(await api.call('message/private/publish', { ...msg, toUserId: b, isPersisted: 'maybe' }), 400, 1501);
    expectError(await api.call('user/block', { userId: b, minute: 'ten' }), 400, 1501);
    expectError(await api.call('user/block', { userId: b, minute: 43_201 }), 400, 1002);
    expectError(await api.call('user/block', { userId: Array.from({ length: 21 }, (_, i) => `u${i}`), minute: 1 }), 400, 1502);

    const tooMany = Array.from({ length: 1001 }, (_, i) => `r${i}`);
    expectError(await api.call('message/private/publish', { ...msg, toUserId: tooMany }), 400, 1502);
    expectError(await api.call('message/system/publish', { ...msg, toUserId: tooMany.slice(0, 101) }), 400, 1502);
    expectError(await api.call('message/group/publish', { ...msg, toGroupId: ['g1', 'g2', 'g3', 'g4'] }), 400, 1502);

    const big = JSON.stringify({ content: 'x'.repeat(2000) });
    expectError(await api.call('message/private/publish', { ...msg, toUserId: [b, a], content: big }), 413, 1508);
    expectError(await api.call('statusmessage/private/publish', { ...msg, toUserId: b, content: big }), 413, 1508);
    expectError(await api.call('message/private/publish', { ...msg, toUserId: b, content: JSON.stringify({ c: 'y'.repeat(1_100_000) }) }), 413, 1508);

    const groupId = uniqueId('g');
    expect((await api.call('group/create', { groupId, userId: [a, b] })).status).toBe(200);
    expectError(await api.call('message/group/publish', { ...msg, toGroupId: 'no-such-group' }), 400, 1002);
    // All or nothing: one unknown group among known ones sends nothing at all.
    expectError(await api.call('message/group/publish', { ...msg, toGroupId: [groupId, 'no-such-group'] }), 400, 1002);
    expectError(await api.call('message/group/publish', { ...msg, toGroupId: [groupId, groupId + 'x'], toUserId: b }), 400, 1002);
    expectError(await api.call('group/user/query', { groupId: 'no-such-group' }), 400, 1002);
    expectError(await api.call('group/quit', { groupId: 'no-such-group', userId: a }), 400, 1002);
    expectError(await api.call('message/recall', { fromUserId: a, conversationType: 1, targetId: b, messageUID: 'AAAA-BBBB-CCCC-DDDD' }), 400, 1002);

    expect(await storedCount(app.appKey)).toBe(0);
    const unknownPath = await api.call('message/nowhere/publish', { ...msg, toUserId: b });
    expect(unknownPath.status).toBe(404);
    expect(() => JSON.parse(unknownPath.text)).not.toThrow();
  });

  it('publishes to many recipients in one call: one UID each, stored before the answer', async () => {
    const { app, api } = await newApp();
    const [a, b, c] = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
    const answer = await api.call('message/private/publish', { fromUserId: a, toUserId: [b, c], objectName: 'RC:TxtMsg', content: '{"content":"hi"}' });
    expect(answer.status).toBe(200);
    const uids = answer.body.messageUIDs as { userId: string; messageUID: string; sentTime: number }[];
    expect(uids.map((u) => u.userId)).toEqual([b, c]);
    expect(new Set(uids.map((u) => u.messageUID)).size).toBe(2);
    const rows = (await suite.db.query('SELECT message_uid, target_id FROM messages WHERE app_key = $1 ORDER BY target_id', [app.appKey])).rows;
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.message_uid).sort()).toEqual(uids.map((u) => u.messageUID).sort());

    // msgRandom: a repeat answers the same UIDs and stores nothing new.
    const first = await api.call('message/private/publish', { fromUserId: a, toUserId: b, objectName: 'RC:TxtMsg', content: '{}', msgRandom: '42' });
    const again = await api.call('message/private/publish', { fromUserId: a, toUserId: b, objectName: 'RC:TxtMsg', content: '{}', msgRandom: '42' });
    expect(again.body.messageUIDs).toEqual(first.body.messageUIDs);
    expect(await storedCount(app.appKey)).toBe(3);
  });

  it('isPersisted=0 takes the transient path: online devices only, nothing stored, nothing for a device that connects later', async () => {
    const { app, api } = await newApp();
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const b1 = await connect(api, b, 'b-phone');
    const answer = await api.call('message/private/publish', { fromUserId: a, toUserId: b, objectName: 'RC:TxtMsg', content: '{"content":"now only"}', isPersisted: 0 });
    expect(answer.status).toBe(200);
    await waitFor(() => b1.transients.length === 1, 'the transient message');
    expect(b1.transients[0]).toMatchObject({ messageUid: (answer.body.messageUIDs as { messageUID: string }[])[0].messageUID, senderId: a });
    const later = await connect(api, b, 'b-pc', 'desktop');
    await sleep(800);
    expect(later.transients).toEqual([]);
    expect(later.events).toEqual([]);
    expect(b1.events).toEqual([]);
    expect(await storedCount(app.appKey)).toBe(0);
  });

  it('with multi-device sync off, isIncludeSender=1 reaches only the sender’s devices online at that moment', async () => {
    const { api } = await newApp({ multiDeviceSync: false });
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const a1 = await connect(api, a, 'a-phone', 'mobile');
    const a2 = await connect(api, a, 'a-pc', 'desktop');
    const b1 = await connect(api, b, 'b-phone');
    const send = (isIncludeSender: number, text: string) =>
      api.call('message/private/publish', { fromUserId: a, toUserId: b, objectName: 'RC:TxtMsg', content: JSON.stringify({ content: text }), isIncludeSender });
    const included = await send(1, 'with sender');
    expect(included.status).toBe(200);
    expect((await send(0, 'without sender')).status).toBe(200);
    await b1.waitForMessages(2);
    await waitFor(() => a1.transients.length >= 1 && a2.transients.length >= 1, 'the sender copies');
    const uid = (included.body.messageUIDs as { messageUID: string }[])[0].messageUID;
    const later = await connect(api, a, 'a-tab', 'web');
    await sleep(800);
    for (const d of [a1, a2]) {
      expect(d.transients.map((m) => m.messageUid)).toEqual([uid]);
      expect(d.events).toEqual([]);
    }
    expect(later.transients).toEqual([]);
    expect(later.messages).toEqual([]);
  });

  it('limits each app to its serverApiRatePerSecond with 429 and code 1008; a refused publish writes nothing', async () => {
    const { app, api } = await newApp({ serverApiRatePerSecond: 3 });
    const other = await newApp({ serverApiRatePerSecond: 3 });
    const b = uniqueId('b');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.call('message/private/publish', { fromUserId: 'a', toUserId: b, objectName: 'RC:TxtMsg', content: '{}' })),
    );
    const ok = answers.filter((r) => r.status === 200).length;
    const limited = answers.filter((r) => r.status === 429);
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(ok).toBeLessThanOrEqual(4);
    expect(limited.length).toBe(10 - ok);
    for (const r of limited) expectError(r, 429, 1008);
    expect(await storedCount(app.appKey)).toBe(ok);
    // Another app's budget is its own.
    expect((await other.api.call('user/checkOnline', { userId: b })).status).toBe(200);
    await sleep(1100);
    expect((await api.call('user/checkOnline', { userId: b })).status).toBe(200);
  });

  it('accepts a reused nonce and an old seconds timestamp by default (rongcloud-sdk signs once per process)', async () => {
    const { api } = await newApp();
    const dayOld = String(Math.floor(Date.now() / 1000) - 86_400);
    for (let i = 0; i < 2; i++) expect((await api.call('user/checkOnline', { userId: 'u' }, { nonce: '16628447', timestamp: dayOld })).status).toBe(200);
  });

  it('strict signature mode (app setting) refuses a stale timestamp and a reused nonce with 1004, in seconds or milliseconds', async () => {
    const { app, api } = await newApp({ strictSignature: true });
    const nowS = String(Math.floor(Date.now() / 1000));
    const nowMs = String(Date.now());
    expect((await api.call('user/checkOnline', { userId: 'u' }, { nonce: 'n-1', timestamp: nowS })).status).toBe(200);
    expectError(await api.call('user/checkOnline', { userId: 'u' }, { nonce: 'n-1', timestamp: nowS }), 401, 1004);
    expect((await api.call('user/checkOnline', { userId: 'u' }, { nonce: 'n-2', timestamp: nowMs })).status).toBe(200);
    expectError(await api.call('user/checkOnline', { userId: 'u' }, { nonce: 'n-3', timestamp: String(Math.floor(Date.now() / 1000) - 600) }), 401, 1004);
    expectError(await api.call('user/checkOnline', { userId: 'u' }, { nonce: 'n-4', timestamp: String(Date.now() + 600_000) }), 401, 1004);
    // The management API applies the same mode (its client sends a fresh nonce and ms timestamp).
    await expect(new ManagementClient(suite.system.apiUrl, app).presence('u')).resolves.toMatchObject({ online: false });
  });

  it('user/token/expire refuses new connections with older tokens and keeps connected devices', async () => {
    const { api } = await newApp();
    const u = uniqueId('u');
    const token = (await api.call('user/getToken', { userId: u })).body.token as string;
    const d1 = await TestDevice.connect({ url: suite.system.wsUrl(), token, deviceId: 'd1', platform: 'mobile', cursor: 0 });
    devices.push(d1);
    await sleep(5);
    expect((await api.call('user/token/expire', { userId: u, time: Date.now() })).status).toBe(200);
    expect(await RawDevice.refusal(suite.system.wsUrl(), token, 'd2')).toMatchObject({ code: 'token_revoked' });
    expect((await api.call('user/checkOnline', { userId: u })).body).toEqual({ code: 200, status: '1' });
    const fresh = (await api.call('user/getToken', { userId: u })).body.token as string;
    devices.push(await TestDevice.connect({ url: suite.system.wsUrl(), token: fresh, deviceId: 'd3', platform: 'web', cursor: 0 }));
  });

  it('serves its OpenAPI document, the same as docs/openapi.json', async () => {
    const served = await (await fetch(`${suite.system.apiUrl}/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8')));
  });
});
