import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { MemoryCursorStore, SyncClient } from '@msync/client';
import { noDelaySocketFactory } from '@msync/kafka';
import { ManagementClient, TEST_INTERNAL_TOKEN, TestSystem, createApp, sleep, uniqueId } from '@msync/testing';
import { summarize } from './stats';

/**
 * How should a session gateway reach the compensation service's read path: a direct internal HTTP
 * call, or request/reply over Kafka? Measures, on the local services, PostgreSQL and Kafka:
 * - `http`: a page of 50 events (`/internal/v1/streams/events`) and a compensation window
 *   (`/internal/v1/streams/window`), end to end: HTTP + the database read + JSON; and `/healthz`
 *   (transport only);
 * - `kafkaTransportOnly`: the same page body as a request on one topic and a reply on another, with a
 *   responder that answers at once (no database read), on the project's producer settings (acks=all,
 *   idempotent, TCP_NODELAY): a lower bound for a Kafka read path.
 * Progress on stderr; the last stdout line is one JSON summary.
 */
const ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? '300');
const EVENTS = 200;
const log = (msg: string, extra: Record<string, unknown> = {}) => process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`);

async function main() {
  const system = await TestSystem.start({ gateways: 1, env: { LOG_LEVEL: 'warn' } });
  try {
    const app = await createApp(system.apiUrl, 'readpath');
    const mgmt = new ManagementClient(system.apiUrl, app);
    const [reader, writer] = [uniqueId('reader'), uniqueId('writer')];
    const sender = new SyncClient({ url: system.wsUrl(), token: await mgmt.token(writer), platform: 'mobile', deviceId: 'w', cursorStore: new MemoryCursorStore(0) });
    await sender.connect();
    for (let i = 0; i < EVENTS; i++) await sender.send({ conversationType: 'private', targetId: reader, objectName: 'RC:TxtMsg', content: { text: `message ${i}`, pad: 'x'.repeat(200) } });
    await sender.close();
    await sleep(2_000); // fan-out is asynchronous
    log('seeded', { events: EVENTS });

    const get = async (path: string) => {
      const res = await fetch(`${system.compensation.url}${path}`, { headers: { 'x-internal-token': TEST_INTERNAL_TOKEN } });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      return res.text();
    };
    const q = (extra: Record<string, string> = {}) => new URLSearchParams({ appKey: app.appKey, userId: reader, ...extra });
    const pagePath = `/internal/v1/streams/events?${q({ after: String(EVENTS - 50), limit: '50' })}`;
    const pageBody = await get(pagePath);

    const httpPage = await timed(ROUNDS, () => get(pagePath));
    const httpWindow = await timed(ROUNDS, () => get(`/internal/v1/streams/window?${q()}`));
    const httpTransport = await timed(ROUNDS, () => get('/healthz'));
    log('http done', { page: httpPage, window: httpWindow });
    const kafka = await kafkaRoundTrips(pageBody);
    log('kafka done', kafka);

    process.stdout.write(
      `${JSON.stringify({
        bench: 'read-path',
        rounds: ROUNDS,
        pageEvents: 50,
        pageBytes: Buffer.byteLength(pageBody),
        http: { pageMs: httpPage, windowMs: httpWindow, transportOnlyMs: httpTransport },
        kafkaTransportOnly: { roundTripMs: kafka },
      })}\n`,
    );
  } finally {
    await system.stop();
  }
}

async function timed(rounds: number, call: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await call(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return summarize(ms);
}

/** Request on one topic, reply on another, one at a time. */
async function kafkaRoundTrips(body: string) {
  const kafka = new Kafka({ clientId: 'read-path-bench', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING, socketFactory: noDelaySocketFactory });
  const run = uniqueId('bench');
  const [requests, replies] = [`${run}.read-requests`, `${run}.read-replies`];
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: requests, numPartitions: 1 }, { topic: replies, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const responder = kafka.consumer({ groupId: `${run}-responder`, maxWaitTimeInMs: 250 });
  const requester = kafka.consumer({ groupId: `${run}-requester`, maxWaitTimeInMs: 250 });
  await Promise.all([producer.connect(), responder.connect(), requester.connect()]);
  const waiting = new Map<string, () => void>();
  try {
    await responder.subscribe({ topic: requests, fromBeginning: true });
    await requester.subscribe({ topic: replies, fromBeginning: true });
    await responder.run({
      eachMessage: async ({ message }) => {
        await producer.send({ topic: replies, acks: -1, messages: [{ key: message.key, value: body }] });
      },
    });
    await requester.run({ eachMessage: async ({ message }) => waiting.get(message.key!.toString())?.() });
    await sleep(3_000); // both groups joined
    let n = 0;
    return await timed(ROUNDS, async () => {
      const id = String(n++);
      const replied = new Promise<void>((resolve) => waiting.set(id, resolve));
      await producer.send({ topic: requests, acks: -1, messages: [{ key: id, value: id }] });
      await replied;
      waiting.delete(id);
    });
  } finally {
    await Promise.allSettled([responder.disconnect(), requester.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [requests, replies] }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
