import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Topics, userKey, type StreamAppend, type UserEvent } from '@msync/contracts';
import { sleep, startPrivateKafka, startPrivatePostgres, startService, type ServiceProcess } from '@msync/testing';

/**
 * The two limits past one cluster (docs/architecture.md, "Limits past one cluster"), each measured
 * on a private broker and a private PostgreSQL (nothing else on them):
 *  (a) a gateway with no device connected reads every user event and drops it: N events produced to
 *      `im.user-events.v1`; events per CPU-second of the gateway process until its live group is at
 *      the end;
 *  (b) a stream writer (`FANOUT_STAGES=stream-writer`) appends M records of the bench's workload
 *      (1:1 messages between BENCH_USERS users, each appended to the sender's and the recipient's
 *      stream) to PostgreSQL; appends per CPU-second of the PostgreSQL processes, and of the writer.
 * The last stdout line is one JSON summary. BENCH_EVENTS (200000), BENCH_APPENDS (40000), BENCH_USERS (100).
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const APPENDS = Number(process.env.BENCH_APPENDS ?? 40_000);
const USERS = Number(process.env.BENCH_USERS ?? 100);
/** Steady phases: this many records per second for PACED_S seconds (smaller fetches and appends than a backlog). */
const PACED_EVENTS_PER_S = Number(process.env.BENCH_PACED_EVENTS_PER_S ?? 5_000);
const PACED_APPENDS_PER_S = Number(process.env.BENCH_PACED_APPENDS_PER_S ?? 1_000);
const PACED_S = Number(process.env.BENCH_PACED_S ?? 10);
const TICKS_PER_S = 100;
const log = (msg: string, extra: Record<string, unknown> = {}) => process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), msg, ...extra })}\n`);

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** The postmaster and every process whose parent it is (backends, checkpointer, WAL writer, ...). */
function postgresTicks(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = ticksOf(postmaster);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += ticksOf(Number(name));
    } catch {
      // gone
    }
  }
  return total;
}

async function lagOf(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return ends.reduce((sum, e) => sum + Math.max(0, Number(e.high) - Math.max(done.get(e.partition) ?? 0, 0)), 0);
}

/** `perS` 0: as fast as possible (a backlog); otherwise every 20 ms what is due. */
async function produceAll<T>(producer: Producer, topic: string, n: number, make: (i: number) => { key: string; value: T }, perS = 0, first = 0): Promise<void> {
  const t0 = Date.now();
  const batch = perS > 0 ? Math.max(1, Math.round(perS / 50)) : 2_000;
  for (let i = first; i < first + n; i += batch) {
    if (perS > 0) {
      const due = t0 + ((i - first) / perS) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const messages = [];
    for (let j = i; j < Math.min(first + n, i + batch); j++) {
      const m = make(j);
      messages.push({ key: m.key, value: JSON.stringify(m.value) });
    }
    await producer.send({ topic, messages });
  }
}

/** Waits until the group has committed everything; returns the CPU ticks of `ticks()` spent meanwhile and the wall time. */
async function untilCaughtUp(admin: Admin, group: string, topic: string, ticks: () => number, started: { ticks: number; at: number }) {
  const deadline = Date.now() + 600_000;
  while ((await lagOf(admin, group, topic)) > 0) {
    if (Date.now() > deadline) throw new Error(`${group} did not catch up`);
    await sleep(200);
  }
  return { cpuS: (ticks() - started.ticks) / TICKS_PER_S, wallS: (Date.now() - started.at) / 1000 };
}

function message(i: number, from: string, to: string) {
  return {
    messageUid: `BENCH-${String(i).padStart(10, '0')}`,
    conversationType: 'private' as const,
    senderId: from,
    targetId: to,
    objectName: 'RC:TxtMsg',
    content: JSON.stringify({ content: `bench message ${i} with a body of a typical chat length` }),
    sentAt: Date.now(),
    senderDeviceId: 'mobile-1',
  };
}

async function main() {
  const [kafka, postgres] = await Promise.all([startPrivateKafka(), startPrivatePostgres()]);
  const processes: ServiceProcess[] = [];
  const client = new Kafka({ brokers: kafka.brokers, clientId: 'limits-bench', logLevel: logLevel.NOTHING });
  const admin = client.admin();
  const producer = client.producer();
  try {
    await postgres.createDatabase('msync_limits');
    await postgres.migrate('msync_limits');
    const env = { KAFKA_BROKERS: kafka.brokers.join(','), DATABASE_URL: postgres.url('msync_limits'), KAFKA_PROVISION_TOPICS: 'true', KAFKA_GROUP_PREFIX: '', LOG_LEVEL: 'warn' };
    await Promise.all([admin.connect(), producer.connect()]);

    // (a) gateway read-and-drop
    const gateway = await startService('session', { env: { ...env, GATEWAY_ID: 'bench', LOG_LEVEL: 'info' }, waitReady: false });
    processes.push(gateway);
    await gateway.waitReady(120_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${gateway.lines.slice(-30).join('\n')}`);
    });
    await sleep(2_000);
    const gwTicks = () => ticksOf(gateway.pid!);
    const userEvent = (i: number) => {
      const userId = `u${i % 10_000}`;
      return { key: userKey('benchapp', userId), value: { appKey: 'benchapp', userId, eventKey: `m:${i}`, occurredAt: Date.now(), seq: Math.floor(i / 10_000) + 1, body: { type: 'message' as const, message: message(i, `u${(i + 1) % 10_000}`, userId) } } };
    };
    const pacedEvents = PACED_EVENTS_PER_S * PACED_S;
    const p0 = { ticks: gwTicks(), at: Date.now() };
    log('producing user events, paced', { events: pacedEvents, perS: PACED_EVENTS_PER_S });
    await produceAll<UserEvent>(producer, Topics.userEvents, pacedEvents, userEvent, PACED_EVENTS_PER_S);
    const gp = await untilCaughtUp(admin, 'session-live-bench', Topics.userEvents, gwTicks, p0);
    const a0 = { ticks: gwTicks(), at: Date.now() };
    log('producing user events, backlog', { events: EVENTS });
    await produceAll<UserEvent>(producer, Topics.userEvents, EVENTS, userEvent, 0, pacedEvents);
    const producedAt = (Date.now() - a0.at) / 1000;
    const gw = await untilCaughtUp(admin, 'session-live-bench', Topics.userEvents, gwTicks, a0);
    const gatewayResult = {
      paced: { events: pacedEvents, perS: PACED_EVENTS_PER_S, cpuS: gp.cpuS, eventsPerCpuS: Math.round(pacedEvents / gp.cpuS), busyShare: Number((gp.cpuS / gp.wallS).toFixed(3)) },
      backlog: { events: EVENTS, produceWallS: producedAt, cpuS: gw.cpuS, wallS: gw.wallS, eventsPerCpuS: Math.round(EVENTS / gw.cpuS), eventsPerWallS: Math.round(EVENTS / gw.wallS) },
    };
    log('gateway read-and-drop', gatewayResult);
    await gateway.stop('SIGTERM');

    // (b) PostgreSQL appends through the stream writer
    const writer = await startService('fanout', { env: { ...env, FANOUT_STAGES: 'stream-writer' } });
    processes.push(writer);
    await sleep(2_000);
    const pgTicks = () => postgresTicks(postgres.dataDir);
    const wTicks = () => ticksOf(writer.pid!);
    // The bench's workload: message n from a random user to another, appended to both streams.
    const streamAppend = (i: number) => {
      const n = Math.floor(i / 2);
      const from = `u${(n * 7919) % USERS}`;
      const to = `u${(n * 7919 + 1 + (n % (USERS - 1))) % USERS}`;
      const userId = i % 2 === 0 ? from : to;
      return { key: userKey('benchapp', userId), value: { appKey: 'benchapp', userId, eventKey: `m:${n}`, occurredAt: Date.now(), originDeviceId: userId === from ? 'mobile-1' : undefined, body: { type: 'message' as const, message: message(n, from, to) } } };
    };
    const pacedAppends = PACED_APPENDS_PER_S * PACED_S;
    const q0 = { ticks: pgTicks(), at: Date.now() };
    const qw0 = wTicks();
    log('producing stream appends, paced', { appends: pacedAppends, perS: PACED_APPENDS_PER_S });
    await produceAll<StreamAppend>(producer, Topics.streamAppends, pacedAppends, streamAppend, PACED_APPENDS_PER_S);
    const pq = await untilCaughtUp(admin, 'fanout-stream-writer', Topics.streamAppends, pgTicks, q0);
    const pqWriterCpuS = (wTicks() - qw0) / TICKS_PER_S;
    const b0 = { ticks: pgTicks(), at: Date.now() };
    const w0 = wTicks();
    log('producing stream appends, backlog', { appends: APPENDS, users: USERS });
    await produceAll<StreamAppend>(producer, Topics.streamAppends, APPENDS, streamAppend, 0, pacedAppends);
    const pg = await untilCaughtUp(admin, 'fanout-stream-writer', Topics.streamAppends, pgTicks, b0);
    const writerCpuS = (wTicks() - w0) / TICKS_PER_S;
    const postgresResult = {
      users: USERS,
      paced: { appends: pacedAppends, perS: PACED_APPENDS_PER_S, postgresCpuS: pq.cpuS, writerCpuS: pqWriterCpuS, appendsPerPostgresCpuS: Math.round(pacedAppends / pq.cpuS), appendsPerWriterCpuS: Math.round(pacedAppends / pqWriterCpuS) },
      backlog: { appends: APPENDS, postgresCpuS: pg.cpuS, writerCpuS, wallS: pg.wallS, appendsPerPostgresCpuS: Math.round(APPENDS / pg.cpuS), appendsPerWriterCpuS: Math.round(APPENDS / writerCpuS), appendsPerWallS: Math.round(APPENDS / pg.wallS) },
    };
    log('postgres appends', postgresResult);
    process.stdout.write(`${JSON.stringify({ gateway: gatewayResult, postgres: postgresResult })}\n`);
  } finally {
    await Promise.allSettled(processes.map((p) => p.stop('SIGTERM')));
    await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
    await Promise.allSettled([kafka.stop(), postgres.stop()]);
  }
}

main().catch((err) => {
  log('limits bench failed', { error: (err as Error).stack ?? String(err) });
  process.exit(2);
});
