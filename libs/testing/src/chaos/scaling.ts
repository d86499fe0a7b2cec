import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ManagementClient, createApp } from '../management-client';
import type { ServiceProcess } from '../service-process';
import { sleep, uniqueId } from '../wait';
import type { CheckResult, GuaranteeCounts } from './checker';
import type { DeadLetterReport } from './dead-letters';
import { ChaosLoad, chaosLoadFor, type LoadRunOptions } from './load';
import { Rng } from './rng';
import { settleAndCheck } from './outcome';
import { tally } from './run';
import { ChaosSystem } from './system';
import { TcpBalancer } from './tcp-balancer';

/** The consumer groups whose lag is sampled during the run (no group prefix: the private broker is the run's own). */
export const SCALING_LAG_GROUPS = [
  { stage: 'expand', group: 'fanout-expand', topic: 'im.messages.v1' },
  { stage: 'stream-writer', group: 'fanout-stream-writer', topic: 'im.stream-appends.v1' },
] as const;

export type ScalingAction = 'expand 1->3' | 'stream-writer 1->3' | 'expand 3->1' | 'stream-writer 3->1' | 'gateway +1' | 'gateway -1';

export interface ScalingOptions extends LoadRunOptions {
  steps: ScalingAction[];
  /** Every this often the fan-out groups' lag is read from the broker. */
  lagSampleMs: number;
}

export interface ScalingStepResult {
  step: ScalingAction;
  /** From the first process started/stopped until the change was done (ready, or exited). */
  changeMs: number;
  /** Longest time without a `sent` answer, from the change until the end of its settle time. */
  sendPauseMs: number;
  /** Longest time in which no device applied anything, same window. */
  deliveryPauseMs: number;
  /** Highest lag (records, summed over partitions) of each fan-out group in the same window. */
  lagPeak: Record<string, number>;
  /** Gateway steps: devices on the added gateway when it was removed / after it was added. */
  devicesMoved?: number;
  errors: Record<string, number>;
}

export interface ScalingSummary extends GuaranteeCounts {
  ok: boolean;
  failures: string[];
  sent: number;
  accepted: number;
  steps: ScalingStepResult[];
  /** Lag peak of each group before the first change (the steady state at this rate). */
  baselineLagPeak: Record<string, number>;
  devices: number;
  ratePerS: number;
  durationS: number;
  client: { reconnects: number; gapsDetected: number; duplicatesDropped: number };
  recalls: CheckResult['recalls'];
  stream: CheckResult['stream'];
}

export interface ScalingReport {
  summary: ScalingSummary;
  check: CheckResult;
  deadLetters: DeadLetterReport;
  logDir?: string;
}

/** What CI runs: each fan-out stage 1 -> 3 -> 1 (separate processes per stage), a gateway added and removed. */
export const SCALING_CI: ScalingOptions = {
  seed: 7,
  ratePerS: 20,
  users: 6,
  devicesPerUser: 2,
  groupSize: 4,
  recallRatio: 0.03,
  churnEveryMs: 700,
  warmupMs: 3_000,
  settleMs: 4_000,
  steps: ['expand 1->3', 'stream-writer 1->3', 'expand 3->1', 'stream-writer 3->1', 'gateway +1', 'gateway -1'],
  giveUpMs: 60_000,
  drainTimeoutMs: 60_000,
  deliveryTimeoutMs: 45_000,
  lagSampleMs: 500,
};

/** Samples the committed-vs-end lag of the fan-out groups, keeping (time, lag) per group. */
class LagSampler {
  readonly samples: { at: number; lag: Record<string, number> }[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly admin: Admin,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  peak(from: number, to: number): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(SCALING_LAG_GROUPS.map((g) => [g.stage, 0]));
    for (const s of this.samples) {
      if (s.at < from || s.at > to) continue;
      for (const [k, v] of Object.entries(s.lag)) out[k] = Math.max(out[k] ?? 0, v);
    }
    return out;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const lag: Record<string, number> = {};
      for (const { stage, group, topic } of SCALING_LAG_GROUPS) {
        const [ends, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: group, topics: [topic] })]);
        const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
        lag[stage] = ends.reduce((sum, e) => {
          const c = done.get(e.partition) ?? -1;
          return sum + Math.max(0, Number(e.high) - (c >= 0 ? c : Number(e.low)));
        }, 0);
      }
      this.samples.push({ at: Date.now(), lag });
    } catch {
      // a sample lost while the group rebalances: the next one counts
    } finally {
      this.busy = false;
    }
  }
}

/**
 * The scaling test: private Kafka and PostgreSQL, the services with the two fan-out stages in
 * processes of their own (FANOUT_STAGES), the devices behind a least-connections balancer in front
 * of the gateways; under steady load, one change after another (replicas started or stopped with
 * SIGTERM, as a scale-out or scale-in does), each followed by `settleMs` of load; then every delivery
 * is awaited and the run checked like the fault test (each accepted message on every expected device
 * exactly once, gap-free, in conversation order; streams; dead letters).
 */
export async function runScaling(o: ScalingOptions): Promise<ScalingReport> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const rng = new Rng(o.seed);
  const system = await ChaosSystem.start({
    env: { LOG_LEVEL: 'info', ...o.serviceEnv },
    serviceEnv: { fanout: { FANOUT_STAGES: 'expand' } },
    logDir: o.logDir,
    log,
  });
  const balancer = await TcpBalancer.start();
  const admin = new Kafka({ brokers: system.brokers, clientId: 'scaling-lag', logLevel: logLevel.NOTHING }).admin();
  const sampler = new LagSampler(admin, o.lagSampleMs);
  let load: ChaosLoad | undefined;
  try {
    const replicas: Record<'expand' | 'stream-writer', ServiceProcess[]> = { expand: [], 'stream-writer': [] };
    replicas['stream-writer'].push(await system.startExtra('fanout', { FANOUT_STAGES: 'stream-writer' }));
    const gateway1 = system.process('session');
    balancer.add(gateway1.port);
    let gateway2: ServiceProcess | undefined;
    await admin.connect();
    log('services ready', { ms: Date.now() - started });

    const app = await createApp(system.apiUrl, 'scaling');
    const mgmt = new ManagementClient(system.apiUrl, app);
    load = chaosLoadFor(o, { wsUrl: `ws://127.0.0.1:${balancer.port}/ws`, mgmt, runId: uniqueId('sc'), rng });
    await load.setup();
    log('devices connected', { devices: load.devices.length });
    sampler.start();
    const loadStart = Date.now();
    load.start();
    await sleep(o.warmupMs);
    const baselineLagPeak = sampler.peak(loadStart, Date.now());

    const steps: ScalingStepResult[] = [];
    for (const step of o.steps) {
      log('change', { step });
      const t0 = Date.now();
      let devicesMoved: number | undefined;
      const [stage, direction] = step.split(' ') as [string, string];
      if (stage === 'expand' || stage === 'stream-writer') {
        const list = replicas[stage];
        if (direction === '1->3') {
          list.push(...(await Promise.all([1, 2].map(() => system.startExtra('fanout', { FANOUT_STAGES: stage })))));
        } else {
          // Scale-in: the newest replicas go (for expand the base process stays, for the writer the first extra).
          const leaving = stage === 'expand' ? list.splice(0) : list.splice(1);
          await Promise.all(leaving.map((p) => system.stopExtra(p)));
        }
      } else if (step === 'gateway +1') {
        gateway2 = await system.startExtra('session');
        balancer.add(gateway2.port);
      } else {
        if (!gateway2) throw new Error('gateway -1 before gateway +1');
        devicesMoved = balancer.connections()[gateway2.port] ?? 0;
        // As Kubernetes does: the endpoint goes first, then the pod gets SIGTERM and closes its sockets.
        balancer.remove(gateway2.port);
        await system.stopExtra(gateway2);
        gateway2 = undefined;
      }
      const changeMs = Date.now() - t0;
      await sleep(o.settleMs);
      const t1 = Date.now();
      if (step === 'gateway +1' && gateway2) devicesMoved = balancer.connections()[gateway2.port] ?? 0;
      const result: ScalingStepResult = {
        step,
        changeMs,
        sendPauseMs: load.sendStall(t0, t1),
        deliveryPauseMs: load.deliveryStall(t0, t1),
        lagPeak: sampler.peak(t0, t1),
        ...(devicesMoved !== undefined ? { devicesMoved } : {}),
        errors: tally(load, t0),
      };
      steps.push(result);
      log('changed', { ...result });
    }

    const { check, deadLetters, failures } = await settleAndCheck(load, o, { databaseUrl: system.databaseUrl, appKey: app.appKey, brokers: system.brokers }, log);
    sampler.stop();
    const stats = load.clientStats();
    const summary: ScalingSummary = {
      ok: failures.length === 0,
      failures,
      sent: check.sent,
      accepted: check.accepted,
      lost: check.lost,
      duplicated: check.duplicated,
      gaps: check.gaps + check.stream.gaps,
      reordered: check.reordered,
      divergent: check.divergent,
      unanswered: check.unanswered,
      rejected: check.rejected,
      deadLettered: deadLetters.total,
      steps,
      baselineLagPeak,
      devices: load.devices.length,
      ratePerS: o.ratePerS,
      durationS: Math.round((Date.now() - started) / 1000),
      client: { reconnects: stats.reconnects, gapsDetected: stats.gapsDetected, duplicatesDropped: stats.duplicatesDropped },
      recalls: check.recalls,
      stream: check.stream,
    };
    return { summary, check, deadLetters, logDir: o.logDir };
  } finally {
    sampler.stop();
    await load?.close();
    await admin.disconnect().catch(() => undefined);
    await balancer.close();
    await system.stop();
  }
}
