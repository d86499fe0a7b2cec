import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MemoryCursorStore, SyncClient } from '@msync/client';
import { kafkaEnvSchema } from '@msync/service-kit';
import { ManagementClient, REPO_ROOT, TestSystem, createApp, freePort, sleep, startService, uniqueId, type ServiceProcess } from '@msync/testing';

/**
 * Recovery after faults (docs/benchmarks.md, "Recovery after faults"). Starts a private Kafka broker
 * (free ports, its own data folder: killing it disturbs nobody) and the services on it, puts a steady
 * low load of 1:1 messages through one gateway, and for each fault measures from the moment the
 * component is back (its process answers /readyz 200, or the broker's port accepts connections)
 * until a send is accepted again and until a message sent after the fault reaches its recipient.
 * Progress on stderr; the last stdout line is one JSON summary.
 */
const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const FAULTS = env('BENCH_FAULTS', 'fanout,ingestion,session,broker').split(',') as Fault[];
const RATE = Number(env('BENCH_RATE', '20'));
const USERS = Number(env('BENCH_USERS', '4'));
const BROKER_DOWN_MS = Number(env('BENCH_BROKER_DOWN_S', '10')) * 1000;
/** How long to watch after a component is back before giving up on it. */
const OBSERVE_MS = Number(env('BENCH_OBSERVE_S', '45')) * 1000;
const SETTLE_MS = 5_000;
const log = (msg: string, extra: Record<string, unknown> = {}) => process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`);
const run = promisify(execFile);

type Fault = 'fanout' | 'ingestion' | 'session' | 'broker';

interface Send {
  issuedAt: number;
  answeredAt?: number;
  ok?: boolean;
  deliveredAt?: number;
  deliveries: number;
}

/** A single-node broker of this run's own, from deploy/local/kafka.sh. */
class PrivateBroker {
  private constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(): Promise<PrivateBroker> {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const broker = new PrivateBroker(port, {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_HOME_DIR: `/tmp/kafka-recovery-bench-${port}`,
      KAFKA_CACHE_DIR: join(REPO_ROOT, '.local', 'kafka', 'dist'),
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
    });
    await broker.script('start');
    return broker;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  kill(): void {
    const pid = Number(readFileSync(join(this.env.KAFKA_HOME_DIR!, 'run', 'kafka.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
  }

  /** Starts it again; resolves with the time its port first accepted a connection. */
  async restart(): Promise<number> {
    const started = this.script('start');
    let portOpenAt: number | undefined;
    while (portOpenAt === undefined) {
      if (await portAnswers(this.port)) portOpenAt = Date.now();
      else await sleep(50);
    }
    await started;
    return portOpenAt;
  }

  async remove(): Promise<void> {
    await this.script('reset').catch(() => undefined);
    rmSync(this.env.KAFKA_HOME_DIR!, { recursive: true, force: true });
  }

  private async script(command: string): Promise<void> {
    await run('bash', [join(REPO_ROOT, 'deploy', 'local', 'kafka.sh'), command], { env: this.env });
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function main() {
  const broker = await PrivateBroker.start();
  try {
    await measure(broker);
  } finally {
    await broker.remove();
  }
}

async function measure(broker: PrivateBroker) {
  process.env.KAFKA_BROKERS = broker.address;
  // The services' own default, not the harness's shorter one: what a deployment gets.
  const sessionTimeoutMs = String(kafkaEnvSchema.shape.KAFKA_SESSION_TIMEOUT_MS.parse(undefined));
  const serviceEnv = { LOG_LEVEL: 'warn', KAFKA_VALIDATE_ON_PRODUCE: 'false', KAFKA_SESSION_TIMEOUT_MS: sessionTimeoutMs };
  log('broker up', { broker: broker.address, sessionTimeoutMs });
  const system = await TestSystem.start({ gateways: 1, env: serviceEnv });
  let ingestion = system.ingestion;
  const extra: ServiceProcess[] = [];
  const clients: SyncClient[] = [];
  try {
    const app = await createApp(system.apiUrl, 'recovery');
    const mgmt = new ManagementClient(system.apiUrl, app);
    const runId = uniqueId('r');
    const users = Array.from({ length: USERS }, (_, i) => `${runId}-u${i}`);
    const sends = new Map<string, Send>();
    for (const user of users) {
      const client = new SyncClient({
        url: system.wsUrl(),
        token: await mgmt.token(user, 3600),
        platform: 'mobile',
        deviceId: 'd',
        cursorStore: new MemoryCursorStore(0),
        // Reconnect at once: the client's own backoff is not what is measured here.
        backoff: { initialMs: 100, maxMs: 500 },
        requestTimeoutMs: 5_000,
      });
      client.on('event', (frame) => {
        if (frame.body.type !== 'message') return;
        const send = sends.get((JSON.parse(frame.body.message.content) as { bid: string }).bid);
        if (!send) return;
        send.deliveries += 1;
        send.deliveredAt ??= Date.now();
      });
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
    }

    let sequence = 0;
    const load = setInterval(() => {
      const from = sequence % USERS;
      const to = (from + 1 + (Math.floor(sequence / USERS) % (USERS - 1))) % USERS;
      const bid = `${runId}-${sequence++}`;
      const send: Send = { issuedAt: Date.now(), deliveries: 0 };
      sends.set(bid, send);
      clients[from]
        .send({ conversationType: 'private', targetId: users[to], objectName: 'RC:TxtMsg', content: { bid } })
        .then(
          () => Object.assign(send, { ok: true, answeredAt: Date.now() }),
          () => Object.assign(send, { ok: false, answeredAt: Date.now() }),
        );
    }, 1000 / RATE);

    const results = [];
    try {
      await sleep(SETTLE_MS);
      for (const fault of FAULTS) {
        const killedAt = Date.now();
        let restartedAt = killedAt;
        let backAt: number;
        switch (fault) {
          case 'fanout': {
            await system.fanout[system.fanout.length - 1].stop('SIGKILL');
            restartedAt = Date.now();
            await system.addService('fanout');
            backAt = Date.now();
            break;
          }
          case 'ingestion': {
            await ingestion.stop('SIGKILL');
            restartedAt = Date.now();
            ingestion = await startService('ingestion', { port: ingestion.port, env: { ...serviceEnv, RECALL_URL: system.recall.url } });
            extra.push(ingestion);
            backAt = Date.now();
            break;
          }
          case 'session': {
            const gateway = system.gateways[system.gateways.length - 1];
            await gateway.stop('SIGKILL');
            restartedAt = Date.now();
            await system.addGateway({ port: gateway.port });
            backAt = Date.now();
            break;
          }
          case 'broker': {
            broker.kill();
            await sleep(BROKER_DOWN_MS);
            restartedAt = Date.now();
            backAt = await broker.restart();
            break;
          }
        }
        log('component back', { fault, restartToBackMs: backAt - restartedAt });
        const result = await observe(fault, sends, killedAt, restartedAt, backAt);
        log('fault done', result);
        results.push(result);
        await sleep(SETTLE_MS);
      }
    } finally {
      clearInterval(load);
    }

    await sleep(10_000); // the last messages reach their recipients
    const answeredOk = [...sends.values()].filter((s) => s.ok);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'recovery',
        rate: RATE,
        users: USERS,
        sessionTimeoutMs: Number(sessionTimeoutMs),
        brokerDownMs: BROKER_DOWN_MS,
        faults: results,
        sends: sends.size,
        sent: answeredOk.length,
        refused: [...sends.values()].filter((s) => s.ok === false).length,
        lost: answeredOk.filter((s) => s.deliveries === 0).length,
        duplicates: answeredOk.filter((s) => s.deliveries > 1).length,
      })}\n`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all([system.stop(), ...extra.map((p) => p.stop('SIGTERM'))]);
  }
}

/**
 * Waits until, after `backAt`, a send was answered `sent` and a message sent after the kill reached
 * its recipient. `null` when that did not happen within OBSERVE_MS.
 */
async function observe(fault: Fault, sends: Map<string, Send>, killedAt: number, restartedAt: number, backAt: number) {
  const deadline = backAt + OBSERVE_MS;
  let acceptedAt: number | undefined;
  let deliveredAt: number | undefined;
  while (Date.now() < deadline && (acceptedAt === undefined || deliveredAt === undefined)) {
    await sleep(100);
    for (const s of sends.values()) {
      if (s.ok && s.answeredAt! >= backAt) acceptedAt = Math.min(acceptedAt ?? Infinity, s.answeredAt!);
      if (s.issuedAt >= killedAt && s.deliveredAt !== undefined && s.deliveredAt >= backAt) deliveredAt = Math.min(deliveredAt ?? Infinity, s.deliveredAt);
    }
  }
  const refusals = [...sends.values()].filter((s) => s.issuedAt >= killedAt && s.issuedAt < deadline && s.ok === false).map((s) => s.answeredAt!);
  const since = (t: number | undefined) => (t === undefined ? null : Math.max(0, t - backAt));
  return {
    fault,
    /** Kill until the component was back (for the broker: includes the time it was kept down). */
    downMs: backAt - killedAt,
    restartToBackMs: backAt - restartedAt,
    sendsAcceptedMs: since(acceptedAt),
    deliveriesFlowMs: since(deliveredAt),
    /** From the moment the component was started again: what a restart costs. */
    sendsAcceptedSinceRestartMs: acceptedAt === undefined ? null : Math.max(0, acceptedAt - restartedAt),
    deliveriesFlowSinceRestartMs: deliveredAt === undefined ? null : Math.max(0, deliveredAt - restartedAt),
    refusedSends: refusals.length,
    /** The last refusal, from backAt (negative: before the component was back). */
    lastRefusalMs: refusals.length > 0 ? Math.max(...refusals) - backAt : null,
  };
}

main().then(
  () => process.exit(0),
  (err) => {
    log('failed', { error: (err as Error).stack });
    process.exit(1);
  },
);
