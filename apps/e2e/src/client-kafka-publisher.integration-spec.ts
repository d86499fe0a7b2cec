import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManagementClient, REPO_ROOT, TestDevice, createApp, e2eSuite, uniqueId, waitFor } from '@msync/testing';

const run = promisify(execFile);
/** Every ingestion of the run shares the inbound consumer group: allow for a rebalance (see inbound-commands spec). */
const COMMAND_WAIT_MS = 60_000;

/**
 * The NestJS example publisher (examples/inbound-publisher: ClientKafka in producer-only mode) runs
 * as its own process, as an internal service would, and its commands reach devices exactly once.
 */
describe('publishing from a NestJS service with ClientKafka', () => {
  const suite = e2eSuite({ gateways: 1 });

  async function publish(appKey: string, idempotencyKey: string, ...args: string[]) {
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'dist', 'examples', 'inbound-publisher', 'src', 'main.js'), ...args], {
      env: { ...process.env, MSYNC_APP_KEY: appKey, IDEMPOTENCY_KEY: idempotencyKey },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { published: string };
  }

  it('a private message, a group message and a recall reach every device exactly once, in order', async () => {
    const app = await createApp(suite.system.apiUrl, 'client-kafka');
    const mgmt = new ManagementClient(suite.system.apiUrl, app);
    const [alice, bob, carol] = [uniqueId('alice'), uniqueId('bob'), uniqueId('carol')];
    const groupId = uniqueId('team');
    await mgmt.createGroup(groupId, [alice, bob, carol]);
    const connect = async (user: string, platform: 'mobile' | 'desktop') =>
      suite.track(await TestDevice.connect({ url: suite.system.wsUrl(), token: await mgmt.token(user), deviceId: `${user}-${platform}`, platform }));
    const [alicePhone, aliceDesk, bobPhone, carolPhone] = [await connect(alice, 'mobile'), await connect(alice, 'desktop'), await connect(bob, 'mobile'), await connect(carol, 'mobile')];

    expect(await publish(app.appKey, uniqueId('order-shipped'), 'private', alice, bob, 'your order shipped')).toMatchObject({ published: 'private' });
    await waitFor(() => bobPhone.messages.length === 1, 'bob to get the private message', COMMAND_WAIT_MS);
    // The same idempotency key again (a retried emit): nothing new.
    const groupKey = uniqueId('standup');
    await publish(app.appKey, groupKey, 'group', alice, groupId, 'standup in 5');
    await publish(app.appKey, groupKey, 'group', alice, groupId, 'standup in 5');
    await waitFor(() => carolPhone.messages.length === 1 && bobPhone.messages.length === 2, 'the group message', COMMAND_WAIT_MS);

    const [privateMsg, groupMsg] = bobPhone.messages;
    expect(privateMsg).toMatchObject({ conversationType: 'private', senderId: alice, targetId: bob, objectName: 'RC:TxtMsg', content: JSON.stringify({ content: 'your order shipped' }) });
    expect(groupMsg).toMatchObject({ conversationType: 'group', senderId: alice, targetId: groupId, content: JSON.stringify({ content: 'standup in 5' }) });

    await publish(app.appKey, uniqueId('recall'), 'recall', groupMsg.messageUid);
    const recallsOf = (d: TestDevice) => d.events.filter((e) => e.body.type === 'recall');
    await waitFor(() => [bobPhone, carolPhone].every((d) => recallsOf(d).length === 1), 'the recall on every member device', COMMAND_WAIT_MS);

    // Exactly once each, in stream order: bob got private, group, recall; carol group, recall.
    expect(bobPhone.events.map((e) => e.body.type)).toEqual(['message', 'message', 'recall']);
    expect(carolPhone.events.map((e) => e.body.type)).toEqual(['message', 'recall']);
    expect(bobPhone.seqs).toEqual([1, 2, 3]);
    expect(carolPhone.seqs).toEqual([1, 2]);
    // includeSender: every device of alice gets both of her messages, then the recall.
    for (const d of [alicePhone, aliceDesk]) {
      await d.waitForCursor(3, COMMAND_WAIT_MS);
      expect(d.events.map((e) => [e.seq, e.body.type])).toEqual([
        [1, 'message'],
        [2, 'message'],
        [3, 'recall'],
      ]);
    }
    const stored = await suite.db.query('SELECT count(*)::int AS n FROM messages WHERE app_key = $1', [app.appKey]);
    expect(stored.rows[0].n).toBe(2);
  });
});
