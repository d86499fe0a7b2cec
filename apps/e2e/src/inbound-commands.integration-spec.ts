import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { REPO_ROOT, ServerApiClient, TestDevice, TestSystem, createApp, sleep, uniqueId, waitFor, type TestApp } from '@msync/testing';

/**
 * Every ingestion of every spec running at the same time shares the inbound consumer group, so a
 * command may land on one that is shutting down (another spec ending) and arrive only after the
 * rebalance: waits on command effects allow for that. What is asserted is the effect, not its speed.
 */
const COMMAND_WAIT_MS = 60_000;

/** Runs the example producer script with the commands on stdin (so the script is tested too). */
function runProducerScript(commands: Record<string, unknown>[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'deploy', 'local', 'publish-inbound.cjs'), '-'], { env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`publish-inbound.cjs exited ${code}: ${stderr}`))));
    child.stdin.end(JSON.stringify(commands));
  });
}

/** The Kafka inbound contract: the same commands as the Server API, idempotent, invalid ones dead-lettered. */
describe('inbound Kafka commands', () => {
  let system: TestSystem;
  let db: Client;
  let dlqReader: Consumer;
  const deadLetters: { value: Record<string, unknown>; error: string }[] = [];
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ gateways: 1 });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'inbound-spec', logLevel: logLevel.NOTHING });
    dlqReader = kafka.consumer({ groupId: uniqueId('inbound-dlq-reader') });
    await dlqReader.connect();
    // From the beginning (the topic holds earlier runs' records too): the tests look for their own unique keys.
    await dlqReader.subscribe({ topic: 'im.inbound.commands.dlq.v1', fromBeginning: true });
    await dlqReader.run({
      eachMessage: async ({ message }) => {
        let value: Record<string, unknown>;
        try {
          value = JSON.parse(message.value?.toString() ?? 'null');
        } catch {
          value = { raw: message.value?.toString() };
        }
        deadLetters.push({ value, error: message.headers?.['x-dlq-error']?.toString() ?? '' });
      },
    });
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
    await dlqReader?.disconnect();
    await db?.end();
    await system?.stop();
  });

  const publish = (...commands: Record<string, unknown>[]) => runProducerScript(commands);
  async function newApp(): Promise<{ app: TestApp; api: ServerApiClient }> {
    const app = await createApp(system.apiUrl, 'inbound');
    return { app, api: new ServerApiClient(system.apiUrl, app) };
  }
  async function connect(api: ServerApiClient, userId: string, deviceId: string): Promise<TestDevice> {
    const token = (await api.call('user/getToken', { userId })).body.token as string;
    const d = await TestDevice.connect({ url: system.wsUrl(), token, deviceId, platform: 'mobile', cursor: 0 });
    devices.push(d);
    return d;
  }
  const rows = async (appKey: string) =>
    (
      await db.query(
        `SELECT message_uid, conversation_type, sender_id, target_id, object_name, content, include_sender, to_user_ids, client_msg_id
         FROM messages WHERE app_key = $1 ORDER BY sent_at, message_uid`,
        [appKey],
      )
    ).rows as Record<string, unknown>[];
  const comparable = ({ message_uid: _u, client_msg_id: _c, ...rest }: Record<string, unknown>) => rest;

  it('a command and the same request over HTTP produce the same messages, deliveries and recall', async () => {
    const { app, api } = await newApp();
    const [a, b, c] = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
    const groupId = uniqueId('g');
    expect((await api.call('group/create', { groupId, userId: [a, b, c] })).status).toBe(200);
    const a1 = await connect(api, a, 'a-phone');
    const b1 = await connect(api, b, 'b-phone');
    const c1 = await connect(api, c, 'c-phone');
    const content = JSON.stringify({ content: 'same' });

    const http = await api.call('message/private/publish', { fromUserId: a, toUserId: b, objectName: 'RC:TxtMsg', content, isIncludeSender: 1 });
    expect(http.status).toBe(200);
    await b1.waitForMessages(1);
    await publish({ command: 'publish-message', appKey: app.appKey, idempotencyKey: uniqueId('k'), conversationType: 'private', senderId: a, targetId: b, objectName: 'RC:TxtMsg', content, includeSender: true });
    await b1.waitForMessages(2, COMMAND_WAIT_MS);

    const directed = await api.call('message/group/publish', { fromUserId: a, toGroupId: groupId, toUserId: c, objectName: 'RC:TxtMsg', content });
    expect(directed.status).toBe(200);
    await c1.waitForMessages(1);
    await publish({ command: 'publish-message', appKey: app.appKey, idempotencyKey: uniqueId('k'), conversationType: 'group', senderId: a, targetId: groupId, toUserIds: [c], objectName: 'RC:TxtMsg', content });
    await c1.waitForMessages(2, COMMAND_WAIT_MS);

    expect((await api.call('statusmessage/private/publish', { fromUserId: a, toUserId: b, objectName: 'RC:TypSts', content: '{}' })).status).toBe(200);
    await publish({ command: 'publish-status-message', appKey: app.appKey, idempotencyKey: uniqueId('k'), conversationType: 'private', senderId: a, targetId: b, objectName: 'RC:TypSts', content: '{}' });
    await waitFor(() => b1.transients.length === 2, 'both status messages', COMMAND_WAIT_MS);

    const stored = await rows(app.appKey);
    expect(stored).toHaveLength(4);
    expect(comparable(stored[1])).toEqual(comparable(stored[0]));
    expect(comparable(stored[3])).toEqual(comparable(stored[2]));
    expect(stored[0]).toMatchObject({ conversation_type: 'private', include_sender: true });
    expect(stored[2]).toMatchObject({ conversation_type: 'group', to_user_ids: [c] });

    await a1.waitForMessages(2);
    await sleep(800);
    expect(b1.messages.map((m) => m.messageUid)).toEqual([stored[0].message_uid, stored[1].message_uid]);
    expect(a1.messages.map((m) => m.messageUid)).toEqual([stored[0].message_uid, stored[1].message_uid]);
    expect(c1.messages.map((m) => m.messageUid)).toEqual([stored[2].message_uid, stored[3].message_uid]);
    expect(b1.transients.map((m) => [m.senderId, m.objectName])).toEqual([
      [a, 'RC:TypSts'],
      [a, 'RC:TypSts'],
    ]);

    // Recall: one over HTTP, one as a command; both reach the recipient and the sender's device.
    expect((await api.call('message/recall', { fromUserId: a, conversationType: 1, targetId: b, messageUID: stored[0].message_uid as string })).status).toBe(200);
    await publish({ command: 'recall-message', appKey: app.appKey, idempotencyKey: uniqueId('k'), messageUid: stored[1].message_uid, senderId: a });
    const recalls = (d: TestDevice) => d.events.flatMap((e) => (e.body.type === 'recall' ? [e.body.messageUid] : [])).sort();
    await waitFor(() => recalls(b1).length === 2 && recalls(a1).length === 2, 'both recalls on both devices', COMMAND_WAIT_MS);
    expect(recalls(b1)).toEqual([stored[0].message_uid, stored[1].message_uid].sort());
    expect(recalls(a1)).toEqual(recalls(b1));
  });

  it('a replayed command with the same idempotency key creates nothing new and is delivered once', async () => {
    const { app, api } = await newApp();
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const b1 = await connect(api, b, 'b-phone');
    const command = { command: 'publish-message', appKey: app.appKey, idempotencyKey: uniqueId('order'), conversationType: 'private', senderId: a, targetId: b, objectName: 'RC:TxtMsg', content: '{"content":"once"}' };
    await publish(command);
    await b1.waitForMessages(1, COMMAND_WAIT_MS);
    await publish(command, command);
    const status = { command: 'publish-status-message', appKey: app.appKey, idempotencyKey: uniqueId('typing'), conversationType: 'private', senderId: a, targetId: b, objectName: 'RC:TypSts', content: '{}' };
    await publish(status, status);
    // A marker after the replays: once it arrives, the replays have been handled (same partition, in order).
    await publish({ ...command, idempotencyKey: uniqueId('marker'), content: '{"content":"marker"}' });
    await b1.waitForMessages(2, COMMAND_WAIT_MS);
    await sleep(500);
    const stored = await rows(app.appKey);
    expect(stored.map((r) => r.client_msg_id)).toEqual([`inbound:${command.idempotencyKey}`, expect.stringMatching(/^inbound:marker-/)]);
    expect(b1.messages.map((m) => JSON.parse(m.content).content)).toEqual(['once', 'marker']);
    expect(b1.transients).toHaveLength(1);
  });

  it('a command that fails validation lands on the dead-letter topic with the reason and changes nothing', async () => {
    const { app } = await newApp();
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    const unknownGroup = { command: 'publish-message', appKey: app.appKey, idempotencyKey: uniqueId('bad-group'), conversationType: 'group', senderId: a, targetId: 'no-such-group', objectName: 'RC:TxtMsg', content: '{}' };
    const tooLarge = { command: 'publish-message', appKey: app.appKey, idempotencyKey: uniqueId('too-large'), conversationType: 'private', senderId: a, targetId: b, objectName: 'RC:TxtMsg', content: JSON.stringify({ c: 'x'.repeat(140_000) }) };
    const malformed = { command: 'publish-message', appKey: app.appKey, idempotencyKey: uniqueId('malformed'), conversationType: 'private', senderId: a, objectName: 'RC:TxtMsg', content: '{}' };
    const unknownMessage = { command: 'recall-message', appKey: app.appKey, idempotencyKey: uniqueId('bad-recall'), messageUid: 'AAAA-BBBB-CCCC-DDDD' };
    await publish(unknownGroup, tooLarge, malformed, unknownMessage);

    const reasonOf = (key: string) => deadLetters.find((d) => d.value.idempotencyKey === key)?.error;
    await waitFor(() => [unknownGroup, tooLarge, malformed, unknownMessage].every((c) => reasonOf(c.idempotencyKey)), 'four dead letters', COMMAND_WAIT_MS);
    expect(reasonOf(unknownGroup.idempotencyKey)).toMatch(/conversation_unknown/);
    expect(reasonOf(tooLarge.idempotencyKey)).toMatch(/content_too_large/);
    expect(reasonOf(malformed.idempotencyKey)).toMatch(/targetId/);
    expect(reasonOf(unknownMessage.idempotencyKey)).toMatch(/message_unknown/);
    expect(await rows(app.appKey)).toEqual([]);
  });
});
