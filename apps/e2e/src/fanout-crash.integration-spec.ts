import { Client } from 'pg';
import { ManagementClient, TestDevice, TestSystem, createApp, uniqueId } from '@msync/testing';

describe('fan-out crash in the middle of a burst', () => {
  let system: TestSystem;
  let db: Client;
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ gateways: 1 });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await db?.end();
    await system?.stop();
  });

  // Group messages go through both fan-out stages, private ones are appended by the first: both paths.
  it.each(['group', 'private'] as const)('%s messages: nothing lost and nothing appended twice when the fan-out process is killed and restarted', async (conversationType) => {
    const app = await createApp(system.apiUrl, 'crash');
    const mgmt = new ManagementClient(system.apiUrl, app);
    const users = [uniqueId('c'), uniqueId('c'), uniqueId('c')];
    const groupId = uniqueId('grp');
    await mgmt.createGroup(groupId, users);
    for (const u of users) devices.push(await TestDevice.connect({ url: system.wsUrl(), token: await mgmt.token(u), deviceId: `${u}-d`, cursor: 0 }));
    const [sender, ...others] = devices.slice(-users.length);
    const readers = conversationType === 'group' ? others : others.slice(0, 1);
    const targetId = conversationType === 'group' ? groupId : users[1];
    const total = 600;

    let acked = 0;
    const burst = Promise.all(
      Array.from({ length: total }, (_, i) =>
        sender.send({ conversationType, targetId, objectName: 'RC:TxtMsg', content: { i } }).then((r) => {
          acked += 1;
          return r;
        }),
      ),
    );
    while (acked < total / 4) await new Promise((r) => setTimeout(r, 5));
    const fanout = system.fanout[system.fanout.length - 1]; // the live one (an earlier case replaced the first)
    expect(await fanout.stop('SIGKILL')).toBe(null); // killed, not exited
    const ackedAtKill = acked;
    await new Promise((r) => setTimeout(r, 500));
    await system.addService('fanout');
    const uids = (await burst).map((r) => r.messageUid);
    expect(ackedAtKill).toBeLessThan(total);

    for (const r of readers) {
      await r.waitForMessages(total, 90_000);
      expect(r.seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(new Set(r.messages.map((m) => m.messageUid))).toEqual(new Set(uids));
    }
    // The sender's own stream gets every message too (its device sees them as `own` cursor advances).
    await sender.waitForCursor(total, 90_000);
    const rows = await db.query(
      `SELECT user_id, count(*)::int AS events, count(DISTINCT message_uid)::int AS messages, max(seq)::int AS head
       FROM stream_events WHERE app_key = $1 GROUP BY user_id ORDER BY user_id`,
      [app.appKey],
    );
    expect(rows.rows).toHaveLength(1 + readers.length);
    for (const row of rows.rows) expect(row).toMatchObject({ events: total, messages: total, head: total });
  });
});
