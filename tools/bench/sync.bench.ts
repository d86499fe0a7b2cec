import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MemoryCursorStore, SyncClient } from '@msync/client';
import { ManagementClient, TestSystem, type ServiceProcess, createApp, sleep, uniqueId } from '@msync/testing';
import { primeBenchGroups } from './bench-groups';
import { CpuMeter, findBrokerPid, loadAverage, type CpuReport } from './proc-cpu';
import { rssOf, summarize } from './stats';

/**
 * `npm run bench`: the sync benchmark. Starts the services (one gateway) on the local Kafka and
 * PostgreSQL, connects U users x 3 devices, and runs 1:1 traffic at rising steady rates. Progress
 * goes to stderr; the last stdout line is one JSON summary.
 */
const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const USERS = Number(env('BENCH_USERS', '100'));
const DEVICES = 3;
const RATES = env('BENCH_RATES', '200,400,600,800,1000,1200').split(',').map(Number);
const DURATION_S = Number(env('BENCH_DURATION_S', '20'));
const WARMUP_S = Number(env('BENCH_WARMUP_S', '5'));
const CATCHUP_EVENTS = Number(env('BENCH_CATCHUP_EVENTS', '10000'));
/** Idle phase: everything up, every device connected, no traffic (0 skips it). */
const IDLE_S = Number(env('BENCH_IDLE_S', '20'));
/** Extra idle devices connected at the end for the gateway's RSS per device (0 skips it; 3,000 in the full run). */
const IDLE_DEVICES = Number(env('BENCH_IDLE_DEVICES', '0'));
/** BENCH_SKIP_EXTRAS=1: only the idle phase and the rate steps (no catch-up, compensation, recall). */
const SKIP_EXTRAS = Boolean(process.env.BENCH_SKIP_EXTRAS);
/** BENCH_ALL_RATES=1: run every rate even after one was not sustained (CPU at fixed rates on a busy box). */
const ALL_RATES = Boolean(process.env.BENCH_ALL_RATES);
const log = (msg: string, extra: Record<string, unknown> = {}) => process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`);

/** Variables handed to the services as they are (A/B switches). */
function passThrough(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
}

interface Device {
  userIndex: number;
  client: SyncClient;
}

/** Consumer groups of the benchmark's own (see bench-groups.ts); BENCH_GROUP_PREFIX='' shares the default ones. */
const GROUP_PREFIX = env('BENCH_GROUP_PREFIX', 'bench.');

async function main() {
  if (GROUP_PREFIX) await primeBenchGroups((process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), GROUP_PREFIX);
  const system = await TestSystem.start({
    gateways: 1,
    env: { LOG_LEVEL: 'warn', KAFKA_VALIDATE_ON_PRODUCE: 'false', KAFKA_GROUP_PREFIX: GROUP_PREFIX, ...passThrough('KAFKAJS_REQUEST_QUEUE_PATCH', 'KAFKA_CONSUMER_MAX_WAIT_MS', 'KAFKA_BATCH_INTERVAL_MS', 'INGESTION_BATCH_INTERVAL_MS', 'REPLAY_PAGE_SIZE') },
  });
  const gateway = system.gateways[0];
  const brokerPort = Number((process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0].split(':').pop());
  const serviceProcs = [system.ingestion, system.compensation, system.recall, ...system.fanout, ...system.gateways];
  const services = serviceProcs.map((p) => ({ name: p.name, pid: p.pid! }));
  const meter = new CpuMeter(services, findBrokerPid(brokerPort));
  try {
    const app = await createApp(system.apiUrl, 'bench');
    const mgmt = new ManagementClient(system.apiUrl, app);
    const run = uniqueId('b');
    const users = Array.from({ length: USERS }, (_, i) => `${run}-u${i}`);
    const sentAt = new Map<string, number>();
    const deliveries = new Map<string, number>();
    const latencies: { at: number; ms: number }[] = [];

    // First, on a fresh gateway: after the rate steps its heap shrinks while devices connect, and the
    // difference says nothing (a run gave -14 KB per device).
    const idleDevices = IDLE_DEVICES > 0 ? await measureIdleDevices(system, mgmt, run, gateway.pid!) : null;
    if (idleDevices) log('idle devices done', idleDevices);
    const rssBefore = rssOf(gateway.pid!);
    const devices: Device[] = [];
    for (let u = 0; u < USERS; u++) {
      const token = await mgmt.token(users[u]);
      for (let d = 0; d < DEVICES; d++) {
        const platform = (['mobile', 'web', 'desktop'] as const)[d];
        const client = new SyncClient({ url: system.wsUrl(), token, platform, deviceId: `d${d}`, cursorStore: new MemoryCursorStore(0), ackIntervalMs: 500 });
        client.on('event', (frame) => {
          if (frame.body.type !== 'message') return;
          const bid = (JSON.parse(frame.body.message.content) as { bid?: string }).bid;
          const start = bid ? sentAt.get(bid) : undefined;
          if (!bid || start === undefined) return;
          const now = performance.now();
          deliveries.set(bid, (deliveries.get(bid) ?? 0) + 1);
          latencies.push({ at: now, ms: now - start });
        });
        devices.push({ userIndex: u, client });
      }
    }
    await Promise.all(devices.map((d) => d.client.connect()));
    await sleep(1000);
    const rssPerDevice = Math.round((rssOf(gateway.pid!) - rssBefore) / devices.length);
    log('devices connected', { devices: devices.length, rssPerDeviceBytes: rssPerDevice });

    // JIT, connection pools and consumer fetch sizes settle first; this run is not reported.
    if (WARMUP_S > 0) await runRate(serviceProcs, meter, RATES[0], devices, users, sentAt, deliveries, latencies, WARMUP_S);
    let idle: (CpuReport & { devices: number; seconds: number }) | null = null;
    if (IDLE_S > 0) {
      await sleep(2000); // the warm-up's last acks and commits
      const a = meter.snapshot();
      await sleep(IDLE_S * 1000);
      idle = { devices: devices.length, seconds: IDLE_S, ...CpuMeter.diff(a, meter.snapshot()) };
      log('idle done', idle);
    }
    const steps = [];
    let best: { rate: number; p99: number } | undefined;
    for (const rate of RATES) {
      const step = await runRate(serviceProcs, meter, rate, devices, users, sentAt, deliveries, latencies);
      steps.push(step);
      log('rate done', step);
      if (process.env.BENCH_DUMP_METRICS) log('stage timings', await stageTimings(system));
      if (step.sustained) best = { rate, p99: step.latencyMs.p99 };
      else if (!ALL_RATES) break;
    }

    const catchup = SKIP_EXTRAS ? null : await measureCatchup(system, mgmt, run, devices);
    log('catch-up done', catchup ?? {});
    const compensation = SKIP_EXTRAS ? null : await measureCompensation(system, mgmt, run, devices);
    log('compensation done', compensation ?? {});
    const recall = SKIP_EXTRAS ? null : await measureRecall(devices, users);
    log('recall done', recall ?? {});
    await Promise.all(devices.map((d) => d.client.close()));

    const summary = {
      bench: 'sync',
      users: USERS,
      devicesPerUser: DEVICES,
      durationPerRateS: DURATION_S,
      warmupS: WARMUP_S,
      highestSustainedRate: best?.rate ?? 0,
      p99AtHighestSustainedMs: best?.p99 ?? null,
      steps,
      catchup,
      compensation,
      recall,
      gatewayRssPerDeviceBytes: rssPerDevice,
      idle,
      idleDevices,
      /** The five figures of issue 12 in one place. */
      figures: {
        idleShareOfBox: idle?.shareOfBox ?? null,
        cpuSPer1000Messages: Object.fromEntries(steps.map((s) => [s.rate, s.cpu.cpuSPer1000Messages])),
        p99Ms: Object.fromEntries(steps.map((s) => [s.rate, s.latencyMs.p99])),
        highestSustainedRate: best?.rate ?? 0,
        gatewayRssPerIdleDeviceBytes: idleDevices?.rssPerDeviceBytes ?? null,
        catchupMs: catchup?.catchupMs ?? null,
        compensationMs: compensation?.compensationMs ?? null,
      },
      loadAverageAtEnd: loadAverage(),
      cores: cpus().length,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await system.stop();
  }
}

async function runRate(
  services: ServiceProcess[],
  meter: CpuMeter,
  rate: number,
  devices: Device[],
  users: string[],
  sentAt: Map<string, number>,
  deliveries: Map<string, number>,
  latencies: { at: number; ms: number }[],
  durationS = DURATION_S,
) {
  const bids: string[] = [];
  const latencyStart = latencies.length;
  const cpuStart = process.cpuUsage();
  const procStart = meter.snapshot();
  const requestsStart = await kafkaRequestCounts(services);
  const t0 = performance.now();
  const sends: Promise<unknown>[] = [];
  let sendErrors = 0;
  let acked = 0;
  const ackMs: number[] = [];
  while (performance.now() - t0 < durationS * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (bids.length < due) {
      const sender = devices[Math.floor(Math.random() * devices.length)];
      let target = Math.floor(Math.random() * (users.length - 1));
      if (target >= sender.userIndex) target += 1;
      const bid = `${rate}-${durationS}-${bids.length}`;
      bids.push(bid);
      const start = performance.now();
      sentAt.set(bid, start);
      sends.push(
        sender.client
          .send({ conversationType: 'private', targetId: users[target], objectName: 'RC:TxtMsg', content: { bid } })
          .then(() => {
            acked += 1;
            ackMs.push(performance.now() - start);
          })
          .catch(() => (sendErrors += 1)),
      );
    }
    await sleep(5);
  }
  const sendWindowS = (performance.now() - t0) / 1000;
  const ackedInWindow = acked;
  await Promise.all(sends);
  const expected = bids.length * (DEVICES + DEVICES - 1);
  const deadline = performance.now() + 15_000;
  const deliveredCount = () => bids.reduce((n, b) => n + Math.min(deliveries.get(b) ?? 0, DEVICES * 2 - 1), 0);
  while (deliveredCount() < expected && performance.now() < deadline) await sleep(50);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const procCpu = CpuMeter.diff(procStart, meter.snapshot(), bids.length);
  const kafkaRequestsPerSec = perSecond(requestsStart, await kafkaRequestCounts(services), wallS);

  const delivered = deliveredCount();
  const duplicates = bids.reduce((n, b) => n + Math.max(0, (deliveries.get(b) ?? 0) - (DEVICES * 2 - 1)), 0);
  const mine = latencies.slice(latencyStart);
  const third = (durationS * 1000) / 3;
  const thirds = [0, 1, 2].map((k) => summarize(mine.filter((l) => l.at - t0 >= k * third && l.at - t0 < (k + 1) * third).map((l) => l.ms)));
  const latency = summarize(mine.map((l) => l.ms));
  const achieved = Math.round(ackedInWindow / sendWindowS);
  const latencyGrowing = thirds[2].p50 > thirds[0].p50 * 1.5 + 10;
  const sustained = delivered === expected && duplicates === 0 && sendErrors === 0 && achieved >= rate * 0.95 && !latencyGrowing;
  return {
    rate,
    sent: bids.length,
    achievedRate: achieved,
    deviceDeliveriesPerSec: Math.round(delivered / sendWindowS),
    expectedDeliveries: expected,
    delivered,
    lost: expected - delivered,
    duplicates,
    sendErrors,
    latencyMs: latency,
    ackLatencyMs: summarize(ackMs),
    p50ByThirdMs: thirds.map((t) => t.p50),
    sustained,
    loadGeneratorCpuShare: Math.round(((cpu.user + cpu.system) / 1000 / (wallS * 1000)) * 1000) / 1000,
    /** CPU-seconds of every process over the step (send window + drain); the load generator apart. */
    cpu: procCpu,
    /** Requests to the broker per second, by process, client and API (what the broker's CPU follows). */
    kafkaRequestsPerSec,
  };
}

/** One device misses CATCHUP_EVENTS events, then reconnects with its cursor: time until it has them all. */
/** Sends `count` messages to `target` from up to 100 connected devices; resolves once its stream holds them all. */
async function seedStream(system: TestSystem, mgmt: ManagementClient, target: string, count: number, devices: Device[]): Promise<number> {
  const senders = devices.filter((d) => d.client.connected).slice(0, 100);
  const perSender = Math.ceil(count / senders.length);
  const seedStart = performance.now();
  await Promise.all(
    senders.map(async (d, k) => {
      for (let i = 0; i < perSender && k * perSender + i < count; i++) {
        await d.client.send({ conversationType: 'private', targetId: target, objectName: 'RC:TxtMsg', content: { seed: k * perSender + i } });
      }
    }),
  );
  // The fan-out is asynchronous: a probe beyond the head is brought back to it by the gateway.
  const probe = new SyncClient({ url: system.wsUrl(), token: await mgmt.token(target), platform: 'desktop', deviceId: 'probe', cursorStore: new MemoryCursorStore(Number.MAX_SAFE_INTEGER) });
  for (;;) {
    await probe.connect();
    const head = probe.cursor ?? 0;
    await probe.close();
    if (head >= count) break;
    await sleep(200);
  }
  return Math.round((performance.now() - seedStart) / 100) / 10;
}

async function measureCatchup(system: TestSystem, mgmt: ManagementClient, run: string, devices: Device[]) {
  const target = `${run}-offline`;
  const seededInS = await seedStream(system, mgmt, target, CATCHUP_EVENTS, devices);
  let received = 0;
  const device = new SyncClient({ url: system.wsUrl(), token: await mgmt.token(target), platform: 'mobile', deviceId: 'phone', cursorStore: new MemoryCursorStore(0) });
  device.on('event', () => (received += 1));
  const t0 = performance.now();
  await device.connect();
  await device.waitForSynced(60_000);
  const ms = performance.now() - t0;
  await device.close();
  return { events: CATCHUP_EVENTS, received, catchupMs: Math.round(ms), seededInS };
}

/**
 * Compensation: a new device (no cursor) of a user whose 1-day window holds BENCH_COMPENSATION_EVENTS
 * events (default 5,000) from 100 conversations. Time from opening the connection until the channel
 * list and the last page are in (`synced`); the device asks for each page as it applies the previous.
 */
async function measureCompensation(system: TestSystem, mgmt: ManagementClient, run: string, devices: Device[]) {
  const count = Number(env('BENCH_COMPENSATION_EVENTS', '5000'));
  const target = `${run}-switcher`;
  const seededInS = await seedStream(system, mgmt, target, count, devices);
  let received = 0;
  let channels = 0;
  let pages = 0;
  let channelsMs = 0;
  const device = new SyncClient({ url: system.wsUrl(), token: await mgmt.token(target), platform: 'mobile', deviceId: 'new-phone', cursorStore: new MemoryCursorStore(null) });
  device.on('event', () => (received += 1));
  device.on('page', () => (pages += 1));
  const t0 = performance.now();
  device.on('channels', (frame) => {
    channels = frame.channels.length;
    channelsMs = performance.now() - t0;
  });
  await device.connect();
  await device.waitForSynced(60_000);
  const ms = performance.now() - t0;
  await device.close();
  return { events: count, received, channels, pages: pages + 1, channelListMs: Math.round(channelsMs), compensationMs: Math.round(ms), seededInS };
}

/**
 * Gateway RSS per connected device with IDLE_DEVICES devices connected and idle (many, so the
 * one-off allocations of the first connections do not count), measured before any traffic; they
 * are closed again before the benchmark's own devices connect.
 */
async function measureIdleDevices(system: TestSystem, mgmt: ManagementClient, run: string, gatewayPid: number) {
  const clients: SyncClient[] = [];
  const users = Math.ceil(IDLE_DEVICES / DEVICES);
  await sleep(2000);
  const before = rssOf(gatewayPid);
  const heapBefore = await heapUsedOf(system.gateways[0]);
  for (let u = 0; u < users; u++) {
    const token = await mgmt.token(`${run}-idle${u}`);
    for (let d = 0; d < DEVICES && clients.length < IDLE_DEVICES; d++) {
      clients.push(new SyncClient({ url: system.wsUrl(), token, platform: (['mobile', 'web', 'desktop'] as const)[d], deviceId: `i${d}`, cursorStore: new MemoryCursorStore(0) }));
    }
  }
  for (let i = 0; i < clients.length; i += 200) await Promise.all(clients.slice(i, i + 200).map((c) => c.connect()));
  await sleep(3000);
  const after = rssOf(gatewayPid);
  const heapAfter = await heapUsedOf(system.gateways[0]);
  await Promise.all(clients.map((c) => c.close()));
  return {
    devices: clients.length,
    rssBeforeBytes: before,
    rssAfterBytes: after,
    rssPerDeviceBytes: Math.round((after - before) / clients.length),
    /** The JS heap's share (after a GC only if V8 ran one): the rest is socket and allocator memory. */
    heapUsedPerDeviceBytes: Math.round((heapAfter - heapBefore) / clients.length),
  };
}

async function heapUsedOf(gateway: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes\{[^}]*\} ([0-9.e+-]+)/m.exec(text)?.[1] ?? NaN);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});

/** `kafka_client_requests_total` of every service, keyed `service client api`. */
async function kafkaRequestCounts(services: ServiceProcess[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const svc of services) {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    for (const m of text.matchAll(/kafka_client_requests_total\{([^}]*)\} ([0-9.e+-]+)/g)) {
      const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      const key = `${svc.name} ${labels.client} ${labels.api}`;
      out.set(key, (out.get(key) ?? 0) + Number(m[2]));
    }
  }
  return out;
}

function perSecond(before: Map<string, number>, after: Map<string, number>, seconds: number): Record<string, number> {
  const rates = [...after].map(([k, v]) => [k, Math.round(((v - (before.get(k) ?? 0)) / seconds) * 10) / 10] as const).filter(([, r]) => r > 0);
  const total = rates.reduce((n, [, r]) => n + r, 0);
  return Object.fromEntries([['total', Math.round(total)], ...rates.sort((a, b) => b[1] - a[1])]);
}

/** Mean handler time per consumer group and the live-event age at the gateway, from /metrics (diagnostics). */
async function stageTimings(system: TestSystem) {
  const out: Record<string, number> = {};
  for (const svc of [...system.fanout, ...system.gateways, system.ingestion]) {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    const grab = (re: RegExp) => [...text.matchAll(re)].map((m) => [m[1], Number(m[2])] as const);
    const sums = new Map(grab(/kafka_handler_duration_seconds_sum\{group="([^"]+)"[^}]*\} ([0-9.e+-]+)/g));
    for (const [group, count] of grab(/kafka_handler_duration_seconds_count\{group="([^"]+)"[^}]*\} ([0-9.e+-]+)/g)) {
      out[`${group} ms/chunk`] = Math.round(((sums.get(group) ?? 0) / count) * 10000) / 10;
      out[`${group} chunks`] = count;
    }
    const age = grab(/gateway_live_event_age_seconds_(sum|count)\{[^}]*\} ([0-9.e+-]+)/g);
    if (age.length === 2) out['live event age ms (mean)'] = Math.round((age[0][1] / age[1][1]) * 10000) / 10;
  }
  return out;
}

/**
 * Recall latency: BENCH_RECALLS messages (default 100) are sent and then recalled one after another by
 * their sender; the time from each recall call to its recall event on every device that must see it
 * (the recipient's 3 devices and the sender's 3).
 */
async function measureRecall(devices: Device[], users: string[]) {
  const count = Number(env('BENCH_RECALLS', '100'));
  const seen = new Map<string, number[]>();
  const listeners = devices.map((d) => {
    const fn = (frame: { body: { type: string; messageUid?: string } }) => {
      if (frame.body.type === 'recall' && frame.body.messageUid) {
        const list = seen.get(frame.body.messageUid) ?? [];
        list.push(performance.now());
        seen.set(frame.body.messageUid, list);
      }
    };
    d.client.on('event', fn);
    return { d, fn };
  });
  const latencies: number[] = [];
  let incomplete = 0;
  for (let i = 0; i < count; i++) {
    const sender = devices[(i * 7) % devices.length];
    const target = users[(sender.userIndex + 1) % users.length];
    const { messageUid } = await sender.client.send({ conversationType: 'private', targetId: target, objectName: 'RC:TxtMsg', content: { recallMe: i } });
    await sleep(150); // let the message reach every stream first
    const start = performance.now();
    await sender.client.recall(messageUid);
    const deadline = performance.now() + 5_000;
    while ((seen.get(messageUid)?.length ?? 0) < DEVICES * 2 && performance.now() < deadline) await sleep(2);
    const times = seen.get(messageUid) ?? [];
    if (times.length < DEVICES * 2) incomplete += 1;
    for (const t of times) latencies.push(t - start);
  }
  for (const { d, fn } of listeners) d.client.off('event', fn);
  return { recalls: count, incomplete, latencyMs: summarize(latencies) };
}
