import { ApiError, createApp, e2eSuite, ManagementClient, RawDevice, TEST_INTERNAL_TOKEN, TestDevice, uniqueId, waitFor, type TestApp } from '@msync/testing';
import type { Platform } from '@msync/contracts';

/** Login policy, presence, device management and per-app settings, with two gateway replicas. */
describe('devices and settings', () => {
  const suite = e2eSuite({ gateways: 2 });
  const { devices } = suite;

  async function newApp(settings?: Record<string, unknown>): Promise<{ app: TestApp; mgmt: ManagementClient }> {
    const app = await createApp(suite.system.apiUrl, 'devices', settings);
    return { app, mgmt: new ManagementClient(suite.system.apiUrl, app) };
  }

  let gatewayTurn = 0;
  async function connect(mgmt: ManagementClient, userId: string, deviceId: string, platform: Platform = 'mobile', token?: string): Promise<TestDevice> {
    const device = await TestDevice.connect({
      url: suite.system.wsUrl(gatewayTurn++ % 2),
      token: token ?? (await mgmt.token(userId)),
      deviceId,
      platform,
      cursor: 0,
    });
    devices.push(device);
    return device;
  }

  const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

  it('a second mobile login kicks the first with the reason; other platforms stay', async () => {
    const { mgmt } = await newApp();
    const u = uniqueId('u');
    const phone1 = await connect(mgmt, u, 'phone-1', 'mobile');
    const others = await Promise.all([connect(mgmt, u, 'pc', 'desktop'), connect(mgmt, u, 'tab', 'web'), connect(mgmt, u, 'mini', 'miniprogram')]);
    const phone2 = await connect(mgmt, u, 'phone-2', 'mobile');
    expect(await phone1.waitForKick()).toBe('logged_in_elsewhere');
    await waitFor(() => phone1.closeCode, 'the kicked socket to close');
    expect(phone1.closeCode).toBe(4003);
    await settle();
    for (const d of [phone2, ...others]) expect(d.kicked).toBeUndefined();
    const presence = await mgmt.presence(u);
    expect(presence.sessions.map((s) => s.deviceId).sort()).toEqual(['mini', 'pc', 'phone-2', 'tab']);
  });

  it('an app that allows two phones keeps two; a third displaces the oldest', async () => {
    const { mgmt } = await newApp({ devicesPerPlatform: 2 });
    const u = uniqueId('u');
    const p1 = await connect(mgmt, u, 'p1');
    const p2 = await connect(mgmt, u, 'p2');
    await settle();
    expect([p1.kicked, p2.kicked]).toEqual([undefined, undefined]);
    const p3 = await connect(mgmt, u, 'p3');
    expect(await p1.waitForKick()).toBe('logged_in_elsewhere');
    await settle();
    expect([p2.kicked, p3.kicked]).toEqual([undefined, undefined]);
  });

  it('11 web tabs with multi-device sync leave the newest 10', async () => {
    const { mgmt } = await newApp();
    const u = uniqueId('u');
    const token = await mgmt.token(u);
    const tabs: TestDevice[] = [];
    for (let i = 0; i < 11; i++) tabs.push(await connect(mgmt, u, `tab-${i}`, 'web', token));
    expect(await tabs[0].waitForKick()).toBe('logged_in_elsewhere');
    await settle();
    expect(tabs.slice(1).map((t) => t.kicked)).toEqual(Array(10).fill(undefined));
    expect((await mgmt.presence(u)).sessions).toHaveLength(10);
  });

  it('10 logins at the same moment for a limit of 1 leave exactly one online', async () => {
    const { mgmt } = await newApp();
    const u = uniqueId('u');
    const token = await mgmt.token(u);
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => connect(mgmt, u, `race-${i}`, 'mobile', token)));
    await waitFor(() => all.filter((d) => d.kicked).length === 9, '9 kicks', 20_000);
    await settle();
    const survivors = all.filter((d) => !d.kicked);
    expect(survivors).toHaveLength(1);
    const presence = await mgmt.presence(u);
    expect(presence.sessions).toHaveLength(1);
    expect(presence.sessions[0].deviceId).toBe(survivors[0].deviceId);
  });

  it('presence and the device list follow connects, disconnects and kicks; force logout ends sessions', async () => {
    const { mgmt } = await newApp();
    const u = uniqueId('u');
    expect((await mgmt.presence(u)).online).toBe(false);
    const phone = await connect(mgmt, u, 'phone');
    const pc = await connect(mgmt, u, 'pc', 'desktop');
    let list = await mgmt.devices(u);
    expect(list.devices.map((d) => [d.deviceId, d.platform, d.online])).toEqual([
      ['phone', 'mobile', true],
      ['pc', 'desktop', true],
    ]);
    expect(list.devices[0].connectedSince).toEqual(expect.any(Number));

    await pc.close();
    await waitFor(async () => (await mgmt.presence(u)).sessions.length === 1, 'presence to drop the closed device');
    list = await mgmt.devices(u);
    expect(list.devices.find((d) => d.deviceId === 'pc')).toMatchObject({ online: false, connectedSince: null });

    await mgmt.logout(u, 'phone');
    expect(await phone.waitForKick()).toBe('forced_logout');
    await waitFor(async () => !(await mgmt.presence(u)).online, 'the user to be offline');
  });

  it('block: sessions kicked, tokens revoked, logins refused until unblocked', async () => {
    const { mgmt } = await newApp();
    const u = uniqueId('u');
    const oldToken = await mgmt.token(u);
    const phone = await connect(mgmt, u, 'phone', 'mobile', oldToken);
    await mgmt.block(u, 60);
    expect(await phone.waitForKick()).toBe('user_blocked');
    expect(await RawDevice.refusal(suite.system.wsUrl(0), await mgmt.token(u))).toMatchObject({ code: 'user_blocked', closeCode: 4001 });
    await mgmt.unblock(u);
    expect(await RawDevice.refusal(suite.system.wsUrl(1), oldToken)).toMatchObject({ code: 'token_revoked', closeCode: 4001 });
    const again = await connect(mgmt, u, 'phone');
    expect(again.client.connected).toBe(true);
  });

  it('a settings change reaches every service within 5 s; invalid settings are refused and the old ones stay', async () => {
    const { app, mgmt } = await newApp();
    const services = [suite.system.ingestion, suite.system.compensation, ...suite.system.fanout, ...suite.system.gateways, suite.system.recall];
    const versionAt = async (url: string) => {
      const res = await fetch(`${url}/internal/v1/app-settings/${app.appKey}`, { headers: { 'x-internal-token': TEST_INTERNAL_TOKEN } });
      return ((await res.json()) as { version: number; settings: { compensationDays: number } });
    };
    const before = await mgmt.settings();

    await expect(mgmt.updateSettings({ compensationDays: 9 })).rejects.toMatchObject({ status: 400, code: 'invalid_field' });
    await expect(mgmt.updateSettings({ noSuchSetting: true })).rejects.toBeInstanceOf(ApiError);
    await expect(mgmt.updateSettings({ webConnectionLimit: 'ten' })).rejects.toMatchObject({ code: 'invalid_field' });
    expect(await mgmt.settings()).toEqual(before);

    const started = Date.now();
    const updated = await mgmt.updateSettings({ compensationDays: 3 });
    expect(updated.version).toBe(before.version + 1);
    await Promise.all(services.map((s) => waitFor(async () => (await versionAt(s.url)).version === updated.version, `${s.name} to apply the change`, 5_000, 20)));
    const elapsedMs = Date.now() - started;
    for (const s of services) expect((await versionAt(s.url)).settings.compensationDays).toBe(3);
    process.stderr.write(`${JSON.stringify({ measurement: 'settings propagation to 6 services', ms: elapsedMs })}\n`);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('with multi-device sync off a message reaches exactly one device, never a later one, and senders get no copies', async () => {
    const { mgmt } = await newApp({ multiDeviceSync: false });
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const a1 = await connect(mgmt, a, 'a-phone', 'mobile');
    const a2 = await connect(mgmt, a, 'a-pc', 'desktop');
    const b1 = await connect(mgmt, b, 'b-phone', 'mobile');
    const b2 = await connect(mgmt, b, 'b-pc', 'desktop');
    for (let i = 0; i < 5; i++) await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { i } });
    await waitFor(() => b1.messages.length + b2.messages.length >= 5, 'b to get 5 messages');
    await settle(800);
    const got = [...b1.messages, ...b2.messages].map((m) => JSON.parse(m.content).i).sort();
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(a2.messages).toEqual([]);
    expect(a1.messages).toEqual([]);

    const later = await connect(mgmt, b, 'b-tab', 'web');
    await settle(800);
    expect(later.messages).toEqual([]);

    // Sync back on: devices resume from the user's position, nothing already delivered comes again.
    await mgmt.updateSettings({ multiDeviceSync: true });
    await settle(1500);
    const fresh = await connect(mgmt, b, 'b-tab-2', 'web');
    await a1.send({ conversationType: 'private', targetId: b, objectName: 'RC:TxtMsg', content: { i: 5 } });
    await fresh.waitForMessages(1);
    await settle(500);
    expect(fresh.messages.map((m) => JSON.parse(m.content).i)).toEqual([5]);
  });
});
