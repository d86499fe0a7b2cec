import type { SyncClientStats } from '@msync/client';
import { ManagementClient, createApp } from '../management-client';
import type { ServiceName } from '../service-process';
import { sleep, uniqueId } from '../wait';
import type { CheckResult, GuaranteeCounts } from './checker';
import type { DeadLetterReport } from './dead-letters';
import { ChaosLoad, chaosLoadFor, type LoadRunOptions } from './load';
import { settleAndCheck } from './outcome';
import { Rng } from './rng';
import { CHAOS_SERVICES, ChaosSystem } from './system';

/** `broker`: one broker of the three-broker cluster (`cluster: true`), the next one at each such fault. */
export type FaultTarget = ServiceName | 'kafka' | 'broker' | 'postgres';

/** `kill`: SIGKILL, down for `downMs`, started again. `restart`: PostgreSQL `pg_ctl restart -m immediate`. */
export interface FaultSpec {
  action: 'kill' | 'restart';
  target: FaultTarget;
}

export interface ChaosOptions extends LoadRunOptions {
  /** How long a killed process or broker stays down before it is started again. */
  downMs: number;
  faults: FaultSpec[];
  /** Services stopped with SIGTERM under load (after the faults), each started again after it exited. */
  sigterm: ServiceName[];
  /** SHUTDOWN_TIMEOUT_MS of every service: the bound a SIGTERM must be done within. */
  shutdownTimeoutMs: number;
  /** After a fault, how long to wait for sends and deliveries to resume before calling it unrecovered. */
  recoveryTimeoutMs: number;
  /** Run on a three-broker cluster (replication factor 3, min.insync.replicas 2) instead of one broker. */
  cluster?: boolean;
}

export interface FaultResult {
  fault: string;
  /** From the fault until the component answered again (ready, broker answering metadata, database accepting connections). */
  downMs: number;
  /** From the component being back until the next `sent` answer. */
  recoverySendMs: number | null;
  /** From the component being back until a device applied a message accepted after that moment. */
  recoveryDeliveryMs: number | null;
  /** The longest time without a `sent` answer, from the fault until sends resumed. */
  sendStallMs: number;
  /** The longest time in which no device applied anything, from the fault until deliveries resumed. */
  deliveryStallMs: number;
  /** Error answers the devices got between the fault and the recovery, by code. */
  errors: Record<string, number>;
}

export interface SigtermResult {
  service: ServiceName;
  exitCode: number | null;
  exitMs: number;
  boundMs: number;
  /** Exit code 0 within SHUTDOWN_TIMEOUT_MS. */
  withinBound: boolean;
  /** Still running 10 s after the bound: killed. */
  killed: boolean;
  recoverySendMs: number | null;
  recoveryDeliveryMs: number | null;
  sendStallMs: number;
  deliveryStallMs: number;
  errors: Record<string, number>;
}

export interface ChaosSummary extends GuaranteeCounts {
  sent: number;
  accepted: number;
  faults: FaultResult[];
  sigtermUnderLoad: SigtermResult[];
  ok: boolean;
  failures: string[];
  seed: number;
  ratePerS: number;
  durationS: number;
  devices: number;
  skipped: number;
  recalls: CheckResult['recalls'];
  stream: CheckResult['stream'];
  deadLettersByTopic: Record<string, number>;
  errors: Record<string, number>;
  client: Pick<SyncClientStats, 'reconnects' | 'gapsDetected' | 'duplicatesDropped' | 'requestsRetried'>;
  churns: number;
  kicks: number;
  /** Sends answered `duplicate: true` (a resend of a message the server already had). */
  duplicateAnswers: number;
  /** Requests answered `internal` (an outage reported as a server bug: devices should get `unavailable`). */
  internalAnswers: number;
}

export interface ChaosReport {
  summary: ChaosSummary;
  check: CheckResult;
  deadLetters: DeadLetterReport;
  logDir?: string;
}

const base = {
  users: 6,
  devicesPerUser: 2,
  groupSize: 4,
  recallRatio: 0.03,
  shutdownTimeoutMs: 15_000,
  recoveryTimeoutMs: 90_000,
  giveUpMs: 120_000,
  drainTimeoutMs: 150_000,
  deliveryTimeoutMs: 90_000,
};

/** What CI runs (apps/e2e/src/chaos.integration-spec.ts): the faults most likely to lose or double something, at 20 msg/s. */
export const CHAOS_SHORT: ChaosOptions = {
  ...base,
  seed: 1,
  ratePerS: 20,
  churnEveryMs: 3_000,
  warmupMs: 3_000,
  settleMs: 3_000,
  downMs: 1_500,
  faults: [
    { action: 'kill', target: 'fanout' },
    { action: 'kill', target: 'ingestion' },
    { action: 'kill', target: 'session' },
    { action: 'kill', target: 'kafka' },
    { action: 'restart', target: 'postgres' },
  ],
  sigterm: [],
};

/** `npm run chaos`: every service killed, the broker, the database, then a SIGTERM of each service, at 50 msg/s. */
export const CHAOS_FULL: ChaosOptions = {
  ...base,
  seed: 1,
  ratePerS: 50,
  users: 10,
  devicesPerUser: 3,
  groupSize: 5,
  recallRatio: 0.05,
  churnEveryMs: 2_000,
  warmupMs: 5_000,
  settleMs: 5_000,
  downMs: 2_000,
  faults: [
    ...CHAOS_SERVICES.map((target): FaultSpec => ({ action: 'kill', target })),
    { action: 'kill', target: 'kafka' },
    { action: 'restart', target: 'postgres' },
  ],
  sigterm: [...CHAOS_SERVICES],
};

/**
 * `npm run chaos` with CHAOS_MODE=broker-loss: on a three-broker cluster, one broker killed (SIGKILL)
 * and brought back 15 s later, then another: sends and deliveries must go on through the two left.
 */
export const CHAOS_BROKER_LOSS: ChaosOptions = {
  ...base,
  seed: 1,
  ratePerS: 30,
  users: 8,
  devicesPerUser: 2,
  groupSize: 4,
  churnEveryMs: 2_000,
  warmupMs: 5_000,
  settleMs: 10_000,
  downMs: 15_000,
  faults: [
    { action: 'kill', target: 'broker' },
    { action: 'kill', target: 'broker' },
  ],
  sigterm: [],
  cluster: true,
};

/**
 * The fault test: private Kafka and PostgreSQL, the five services, devices under steady load; the
 * faults one after another (each waits for sends and deliveries to resume, then `settleMs`), then the
 * SIGTERMs; then the last sends are drained, every delivery awaited, and the run checked (devices,
 * stored streams, dead-letter topics). Everything it started is stopped before it returns or throws.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const rng = new Rng(o.seed);
  const system = await ChaosSystem.start({
    env: { SHUTDOWN_TIMEOUT_MS: String(o.shutdownTimeoutMs), LOG_LEVEL: 'info', ...o.serviceEnv },
    logDir: o.logDir,
    log,
    cluster: o.cluster,
  });
  let load: ChaosLoad | undefined;
  let brokerFaults = 0;
  try {
    log('services ready', { ms: Date.now() - started });
    const app = await createApp(system.apiUrl, 'chaos');
    const mgmt = new ManagementClient(system.apiUrl, app);
    load = chaosLoadFor(o, { wsUrl: system.wsUrl, mgmt, runId: uniqueId('ch'), rng });
    await load.setup();
    log('devices connected', { devices: load.devices.length });
    load.start();
    await sleep(o.warmupMs);

    const faults: FaultResult[] = [];
    for (const spec of o.faults) {
      const name = `${spec.action} ${spec.target}`;
      log('fault', { fault: name });
      const t0 = Date.now();
      if (spec.target === 'kafka') {
        await system.kafka.kill();
        await sleep(o.downMs);
        await system.kafka.start();
      } else if (spec.target === 'broker') {
        if (!system.cluster) throw new Error('a broker fault needs cluster: true');
        const node = system.cluster.nodes[brokerFaults++ % system.cluster.nodes.length];
        log('killing broker', { node: node.id, port: node.port });
        await node.kill();
        await sleep(o.downMs);
        await node.start();
      } else if (spec.target === 'postgres') {
        await system.postgres.restartImmediate();
      } else {
        await system.kill(spec.target);
        await sleep(o.downMs);
        await system.startOne(spec.target);
      }
      const backAt = Date.now();
      const recovery = await waitRecovery(load, t0, backAt, o.recoveryTimeoutMs);
      const result: FaultResult = { fault: name, downMs: backAt - t0, ...recovery, errors: tally(load, t0) };
      faults.push(result);
      log('recovered', { ...result });
      await sleep(o.settleMs);
    }

    const sigtermUnderLoad: SigtermResult[] = [];
    for (const service of o.sigterm) {
      log('sigterm', { service });
      const t0 = Date.now();
      const exit = await system.terminate(service, o.shutdownTimeoutMs + 10_000);
      await system.startOne(service);
      const backAt = Date.now();
      const recovery = await waitRecovery(load, t0, backAt, o.recoveryTimeoutMs);
      const result: SigtermResult = {
        service,
        ...exit,
        boundMs: o.shutdownTimeoutMs,
        withinBound: exit.exitCode === 0 && exit.exitMs <= o.shutdownTimeoutMs,
        ...recovery,
        errors: tally(load, t0),
      };
      sigtermUnderLoad.push(result);
      log('sigterm done', { ...result });
      await sleep(o.settleMs);
    }

    const { check, deadLetters, failures } = await settleAndCheck(load, o, { databaseUrl: system.databaseUrl, appKey: app.appKey, brokers: system.brokers }, log);
    for (const f of [...faults, ...sigtermUnderLoad]) {
      const what = 'fault' in f ? f.fault : `sigterm ${f.service}`;
      if (f.recoverySendMs === null) failures.push(`${what}: sends did not resume within ${o.recoveryTimeoutMs} ms`);
      if (f.recoveryDeliveryMs === null) failures.push(`${what}: deliveries did not resume within ${o.recoveryTimeoutMs} ms`);
    }
    for (const s of sigtermUnderLoad) {
      if (!s.withinBound) failures.push(`sigterm ${s.service}: exit ${s.exitCode} after ${s.exitMs} ms (bound ${s.boundMs} ms${s.killed ? ', killed' : ''})`);
    }
    const kicks = load.devices.reduce((n, d) => n + d.kicks.length, 0);
    const internalAnswers = load.errors.filter((e) => e.code === 'internal').length;

    const stats = load.clientStats();
    const summary: ChaosSummary = {
      sent: check.sent,
      accepted: check.accepted,
      lost: check.lost,
      duplicated: check.duplicated,
      gaps: check.gaps + check.stream.gaps,
      reordered: check.reordered,
      deadLettered: deadLetters.total,
      faults,
      sigtermUnderLoad,
      ok: failures.length === 0,
      failures,
      seed: o.seed,
      ratePerS: o.ratePerS,
      durationS: Math.round((Date.now() - started) / 1000),
      devices: load.devices.length,
      unanswered: check.unanswered,
      rejected: check.rejected,
      skipped: load.skipped,
      divergent: check.divergent,
      recalls: check.recalls,
      stream: check.stream,
      deadLettersByTopic: Object.fromEntries(Object.entries(deadLetters.byTopic).filter(([, n]) => n > 0)),
      errors: tally(load, 0),
      client: { reconnects: stats.reconnects, gapsDetected: stats.gapsDetected, duplicatesDropped: stats.duplicatesDropped, requestsRetried: stats.requestsRetried },
      churns: load.churns,
      kicks,
      duplicateAnswers: load.duplicateAnswers,
      internalAnswers,
    };
    return { summary, check, deadLetters, logDir: o.logDir };
  } finally {
    await load?.close();
    await system.stop();
  }
}

export async function waitRecovery(
  load: ChaosLoad,
  faultAt: number,
  backAt: number,
  timeoutMs: number,
): Promise<{ recoverySendMs: number | null; recoveryDeliveryMs: number | null; sendStallMs: number; deliveryStallMs: number }> {
  const deadline = backAt + timeoutMs;
  let sendAt: number | undefined;
  let deliveryAt: number | undefined;
  for (;;) {
    sendAt ??= load.firstAcceptAt(backAt);
    deliveryAt ??= load.firstFreshDeliveryAt(backAt);
    if ((sendAt !== undefined && deliveryAt !== undefined) || Date.now() > deadline) break;
    await sleep(50);
  }
  const now = Date.now();
  return {
    recoverySendMs: sendAt === undefined ? null : sendAt - backAt,
    recoveryDeliveryMs: deliveryAt === undefined ? null : deliveryAt - backAt,
    sendStallMs: load.sendStall(faultAt, sendAt ?? now),
    deliveryStallMs: load.deliveryStall(faultAt, deliveryAt ?? now),
  };
}

/** Error answers the devices got since `since`, by code. */
export function tally(load: ChaosLoad, since: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of load.errors) if (e.at >= since) counts[`${e.op}:${e.code}`] = (counts[`${e.op}:${e.code}`] ?? 0) + 1;
  return counts;
}
