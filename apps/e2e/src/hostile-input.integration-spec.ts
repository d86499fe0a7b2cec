import { signedHeaders } from '@msync/auth';
import { ManagementClient, RawDevice, ServerApiClient, TEST_ADMIN_TOKEN, TestDevice, createApp, e2eSuite, uniqueId, waitFor, type TestApp } from '@msync/testing';

/**
 * Regression tests for what an outside test found: each input below once ended the gateway,
 * answered 500, or failed other users' work. Now each one fails only itself, with a documented code.
 */
describe('hostile input fails only itself', () => {
  const suite = e2eSuite({ gateways: 1 });
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  async function signed(app: TestApp, method: string, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
    const res = await fetch(`${suite.system.apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...signedHeaders(app.appKey, app.secret), ...headers }, body });
    return { status: res.status, body: (await res.json()) as { code: string; message: string } };
  }

  /** The gateway still serves: a new device connects and gets a pong. */
  async function gatewayServes(mgmt: ManagementClient) {
    const user = uniqueId('alive');
    const device = await RawDevice.connect(suite.system.wsUrl(), await mgmt.token(user), `${user}-d`);
    await device.ping();
    device.close();
  }

  describe('device frames', () => {
    it.each([
      ['null', 'null'],
      ['a number', '42'],
      ['an array', '[1,2]'],
      ['a type nested 5,000 deep', `{"t":${deep(5000)}}`],
      ['an unknown type', '{"t":"nope","id":"x"}'],
      ['a send', '{"t":"send","id":"s","clientMsgId":"c","conversationType":"private","targetId":"u","objectName":"RC:TxtMsg","content":{}}'],
      ['not JSON', 'hello?'],
    ])('before hello, %s is not_authenticated (fatal, 4001) and the gateway lives on', async (_what, text) => {
      const app = await createApp(suite.system.apiUrl, 'hostile');
      const mgmt = new ManagementClient(suite.system.apiUrl, app);
      const raw = await RawDevice.open(suite.system.wsUrl());
      expect(await raw.expectError(text)).toMatchObject({ code: 'not_authenticated', fatal: true });
      await waitFor(() => raw.closed, 'the socket to close');
      expect(raw.closed?.code).toBe(4001);
      await gatewayServes(mgmt);
    });

    it.each([
      ['null', 'null', 'malformed_frame'],
      ['an array', '[]', 'malformed_frame'],
      ['a type nested 5,000 deep', `{"t":${deep(5000)}}`, 'malformed_frame'],
      ['content nested 20,000 deep', `{"t":"send","id":"s1","clientMsgId":"c1","conversationType":"private","targetId":"u","objectName":"RC:TxtMsg","content":{"a":${deep(20000)}}}`, 'malformed_frame'],
      ['a NUL in objectName', '{"t":"send","id":"s2","clientMsgId":"c2","conversationType":"private","targetId":"u","objectName":"RC:\\u0000","content":{}}', 'invalid_field'],
      ['a lone surrogate in clientMsgId', '{"t":"send","id":"s3","clientMsgId":"\\ud800","conversationType":"private","targetId":"u","objectName":"RC:TxtMsg","content":{}}', 'invalid_field'],
      ['a NUL escape inside a JSON-text content', '{"t":"send","id":"s4","clientMsgId":"c4","conversationType":"private","targetId":"u","objectName":"RC:TxtMsg","content":"{\\"a\\":\\"\\\\u0000\\"}"}', 'invalid_field'],
      ['an unknown type', '{"t":"nope"}', 'unknown_frame_type'],
      ['__proto__ keys', '{"t":"ack","seq":1,"__proto__":{"x":1}}', 'invalid_field'],
    ])('after welcome, %s is refused (%#) and the session goes on', async (_what, text, code) => {
      const app = await createApp(suite.system.apiUrl, 'hostile');
      const mgmt = new ManagementClient(suite.system.apiUrl, app);
      const user = uniqueId('h');
      const raw = await RawDevice.connect(suite.system.wsUrl(), await mgmt.token(user), `${user}-d`);
      expect(await raw.expectError(text)).toMatchObject({ code, fatal: false });
      expect(await raw.ping()).toBe(true);
      raw.close();
      expect(await mgmt.presence(user)).toBeDefined();
      const stored = await suite.db.query('SELECT count(*)::int AS n FROM messages WHERE app_key = $1', [app.appKey]);
      expect(stored.rows[0].n).toBe(0);
    });

    it('a device that says hello and leaves before welcome leaves no presence behind', async () => {
      const app = await createApp(suite.system.apiUrl, 'ghost');
      const mgmt = new ManagementClient(suite.system.apiUrl, app);
      const users = Array.from({ length: 5 }, () => uniqueId('ghost'));
      for (const [i, user] of users.entries()) {
        const raw = await RawDevice.open(suite.system.wsUrl());
        raw.sendText(JSON.stringify({ t: 'hello', v: 1, token: await mgmt.token(user), platform: 'mobile', deviceId: `${user}-d`, cursor: 0 }));
        // Close at once, or send another frame first (a fatal not_authenticated closes it too).
        if (i % 2 === 0) raw.close();
        else raw.sendText('{"t":"ping","id":"p"}');
      }
      for (const user of users) await waitFor(async () => !(await mgmt.presence(user)).online, `${user} to be offline`, 10_000);
      // And it stays so (before the fix the row written by the late admission stayed for good).
      await new Promise((r) => setTimeout(r, 1_000));
      for (const user of users) expect((await mgmt.presence(user)).online).toBe(false);
    });
  });

  describe('sends batched by the gateway', () => {
    it('large, small and invalid sends from many devices at once: every valid one is accepted, each invalid one fails alone', async () => {
      const app = await createApp(suite.system.apiUrl, 'batch');
      const mgmt = new ManagementClient(suite.system.apiUrl, app);
      const users = Array.from({ length: 6 }, () => uniqueId('b'));
      const devices = await Promise.all(users.map(async (u) => suite.track(await TestDevice.connect({ url: suite.system.wsUrl(), token: await mgmt.token(u), deviceId: `${u}-d` }))));
      const hostile = await RawDevice.connect(suite.system.wsUrl(), await mgmt.token(uniqueId('bad')), 'bad-d');
      const large = 'x'.repeat(120 * 1024);
      const sends = devices.flatMap((device, i) =>
        Array.from({ length: 6 }, (_, k) =>
          device.send({ conversationType: 'private', targetId: users[(i + 1) % users.length], objectName: 'RC:TxtMsg', content: { content: k % 2 === 0 ? large : `small ${k}` } }),
        ),
      );
      for (let k = 0; k < 5; k++) {
        hostile.sendText(`{"t":"send","id":"n${k}","clientMsgId":"n\\u0000${k}","conversationType":"private","targetId":"${users[0]}","objectName":"RC:TxtMsg","content":{}}`);
        hostile.sendText(`{"t":"send","id":"d${k}","clientMsgId":"d${k}","conversationType":"private","targetId":"${users[0]}","objectName":"RC:TxtMsg","content":{"a":${deep(20000)}}}`);
      }
      const results = await Promise.allSettled(sends);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const stored = await suite.db.query('SELECT count(*)::int AS n FROM messages WHERE app_key = $1', [app.appKey]);
      expect(stored.rows[0].n).toBe(sends.length);
      await waitFor(() => hostile.frames.filter((f) => f.t === 'error').length === 10, 'the 10 hostile sends to be refused');
      expect(hostile.frames.filter((f) => f.t === 'sent')).toEqual([]);
      hostile.close();
    });
  });

  it('a large transient group message (120 KiB to 64 members) is accepted and does not disturb other sends', async () => {
    const app = await createApp(suite.system.apiUrl, 'big-transient', { transientMessageTypes: ['App:Typing'] });
    const mgmt = new ManagementClient(suite.system.apiUrl, app);
    const members = Array.from({ length: 64 }, () => uniqueId('m'));
    const groupId = uniqueId('big');
    await mgmt.createGroup(groupId, members);
    const [sender, reader] = await Promise.all(members.slice(0, 2).map(async (u) => suite.track(await TestDevice.connect({ url: suite.system.wsUrl(), token: await mgmt.token(u), deviceId: `${u}-d` }))));
    const content = { text: 'x'.repeat(120 * 1024) };
    const sends = await Promise.allSettled([
      sender.send({ conversationType: 'group', targetId: groupId, objectName: 'App:Typing', content }),
      sender.send({ conversationType: 'group', targetId: groupId, objectName: 'App:Typing', content }),
      reader.send({ conversationType: 'private', targetId: members[0], objectName: 'RC:TxtMsg', content: { text: 'hi' } }),
    ]);
    expect(sends.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    await waitFor(() => reader.transients.length === 2, 'the reader to get both transient messages');
    await sender.waitForCursor(1);
  });

  describe('HTTP', () => {
    it.each([
      ['app name', (app: TestApp) => fetch(`${suite.system.apiUrl}/admin/v1/apps`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `x\u0000${app.appKey}` }) })],
      ['group name', (app: TestApp) => fetch(`${suite.system.apiUrl}/v1/groups`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(app.appKey, app.secret) }, body: JSON.stringify({ groupId: 'g1', name: 'a\u0000', members: ['u1'] }) })],
      ['transientMessageTypes', (app: TestApp) => fetch(`${suite.system.apiUrl}/v1/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...signedHeaders(app.appKey, app.secret) }, body: '{"transientMessageTypes":["RC:\\u0000"]}' })],
      ['path (a lone surrogate)', (app: TestApp) => fetch(`${suite.system.apiUrl}/v1/users/%ED%A0%80/presence`, { headers: signedHeaders(app.appKey, app.secret) })],
    ])('unsafe text in the %s answers 400 invalid_field and stores nothing', async (_what, request) => {
      const app = await createApp(suite.system.apiUrl, 'nul');
      const res = await request(app);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('invalid_field');
      const groups = await suite.db.query('SELECT count(*)::int AS n FROM groups WHERE app_key = $1', [app.appKey]);
      expect(groups.rows[0].n).toBe(0);
    });

    it('Server API: a NUL in groupName or in content answers 400/1002 and stores nothing', async () => {
      const app = await createApp(suite.system.apiUrl, 'nul-rc');
      const api = new ServerApiClient(suite.system.apiUrl, app);
      const group = await api.call('group/create', { userId: ['u1', 'u2'], groupId: 'g1', groupName: 'a\u0000b' });
      expect(group).toMatchObject({ status: 400, body: { code: 1002 } });
      const message = await api.call('message/private/publish', { fromUserId: 'u1', toUserId: 'u2', objectName: 'RC:TxtMsg', content: '{"content":"\\u0000"}' });
      expect(message).toMatchObject({ status: 400, body: { code: 1002 } });
      const stored = await suite.db.query('SELECT (SELECT count(*) FROM groups WHERE app_key = $1)::int + (SELECT count(*) FROM messages WHERE app_key = $1)::int AS n', [app.appKey]);
      expect(stored.rows[0].n).toBe(0);
    });

    it('a body over the limit answers 413 with a stable code, signed or not, on both APIs', async () => {
      const app = await createApp(suite.system.apiUrl, 'big');
      const big = JSON.stringify({ groupId: 'g', members: ['u'], name: 'x'.repeat(600 * 1024) });
      expect(await signed(app, 'POST', '/v1/groups', big)).toMatchObject({ status: 413, body: { code: 'body_too_large' } });
      const unsigned = await fetch(`${suite.system.apiUrl}/v1/groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(unsigned.status).toBe(413);
      expect(await unsigned.json()).toMatchObject({ code: 'body_too_large' });

      const api = new ServerApiClient(suite.system.apiUrl, app);
      const form = `content=${'x'.repeat(1100 * 1024)}`;
      expect(await api.call('message/private/publish', {}, { rawBody: form })).toMatchObject({ status: 413, body: { code: 1508 } });
      expect(await api.call('message/private/publish', {}, { rawBody: form, headers: {} })).toMatchObject({ status: 413, body: { code: 1508 } });
      // The service still answers.
      expect((await fetch(`${suite.system.apiUrl}/healthz`)).status).toBe(200);
    });

    it('a body that claims a Content-Encoding, or a Server API path in another case, is answered without a 5xx', async () => {
      const app = await createApp(suite.system.apiUrl, 'enc');
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const answer = await signed(app, 'PATCH', '/v1/settings', '{}', { 'content-encoding': encoding });
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe('malformed_frame');
      }
      const api = new ServerApiClient(suite.system.apiUrl, app);
      expect((await api.call('user/getToken', { userId: 'u1' })).body.code).toBe(200);
      const upper = await fetch(`${suite.system.apiUrl}/user/getToken.JSON`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...api.signedHeaders() }, body: 'userId=u1' });
      expect(upper.status).toBe(200);
    });

    it('PATCH /v1/settings changes only the fields it names', async () => {
      const app = await createApp(suite.system.apiUrl, 'patch', { multiDeviceSync: false, compensationDays: 3, strictSignature: true, transientMessageTypes: ['App:Typing'] });
      const mgmt = new ManagementClient(suite.system.apiUrl, app);
      const before = await mgmt.settings();
      const after = await mgmt.updateSettings({ maxContentBytes: 1000 });
      expect(after.settings).toEqual({ ...before.settings, maxContentBytes: 1000 });
      expect(after.settings).toMatchObject({ multiDeviceSync: false, compensationDays: 3, strictSignature: true, transientMessageTypes: ['App:Typing'] });
    });
  });

  it('a send while ingestion is unreachable answers unavailable (retry), not internal', async () => {
    const app = await createApp(suite.system.apiUrl, 'down');
    const mgmt = new ManagementClient(suite.system.apiUrl, app);
    const gw = await suite.system.addGateway({ env: { INGESTION_URL: 'http://127.0.0.1:9' } });
    const user = uniqueId('down');
    const raw = await RawDevice.connect(`ws://127.0.0.1:${gw.port}/ws`, await mgmt.token(user), `${user}-d`);
    const error = await raw.expectError(JSON.stringify({ t: 'send', id: 's', clientMsgId: 'c', conversationType: 'private', targetId: 'peer', objectName: 'RC:TxtMsg', content: {} }));
    expect(error).toMatchObject({ code: 'unavailable', fatal: false });
    raw.close();
  });
});
