import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivateKafka, startPrivateKafkaCluster, startPrivatePostgres, type PrivateKafka, type PrivateKafkaCluster, type PrivatePostgres } from '../private-infra';
import { startService, type ServiceName, type ServiceProcess } from '../service-process';
import { freePort } from '../wait';

export const CHAOS_SERVICES: ServiceName[] = ['ingestion', 'session', 'fanout', 'recall', 'compensation'];

export interface ChaosSystemOptions {
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Where the service logs are written at `stop()` (one file per process incarnation). */
  logDir?: string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  /** Extra environment of one service (e.g. `{ fanout: { FANOUT_STAGES: 'expand' } }`). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** A three-broker cluster (replication factor 3, min.insync.replicas 2) instead of one broker. */
  cluster?: boolean;
}

/**
 * The five services as processes on a private Kafka broker and a private PostgreSQL cluster, each on
 * a fixed port so a restarted process is found at the same URL (as behind a Service in Kubernetes):
 * any of them, the broker or the database can be killed and brought back.
 */
export class ChaosSystem {
  readonly history: ServiceProcess[] = [];
  private readonly current = new Map<ServiceName, ServiceProcess>();
  /** Processes started with startExtra (more replicas), still running. */
  private readonly extras = new Set<ServiceProcess>();

  private constructor(
    private readonly broker: PrivateKafka | undefined,
    readonly cluster: PrivateKafkaCluster | undefined,
    readonly postgres: PrivatePostgres,
    readonly databaseUrl: string,
    private readonly ports: Record<ServiceName, number>,
    private readonly env: Record<string, string>,
    private readonly options: ChaosSystemOptions,
  ) {}

  static async start(options: ChaosSystemOptions = {}): Promise<ChaosSystem> {
    const log = options.log ?? (() => undefined);
    const [kafka, postgres] = await Promise.all([options.cluster ? startPrivateKafkaCluster() : startPrivateKafka(), startPrivatePostgres()]);
    const [broker, cluster] = 'nodes' in kafka ? [undefined, kafka] : [kafka, undefined];
    try {
      log('private infrastructure up', { kafka: kafka.brokers.join(','), postgresPort: postgres.port });
      await postgres.createDatabase('msync_chaos');
      await postgres.migrate('msync_chaos');
      const databaseUrl = postgres.url('msync_chaos');
      const ports = {} as Record<ServiceName, number>;
      for (const name of CHAOS_SERVICES) ports[name] = await freePort();
      const env = {
        KAFKA_BROKERS: kafka.brokers.join(','),
        DATABASE_URL: databaseUrl,
        // Every service applies the topic manifest at start-up: the fresh broker gets every topic and dead-letter topic.
        KAFKA_PROVISION_TOPICS: 'true',
        KAFKA_GROUP_PREFIX: '',
        ...(cluster ? { KAFKA_REPLICATION_FACTOR: '3' } : {}),
        ...options.env,
      };
      const system = new ChaosSystem(broker, cluster, postgres, databaseUrl, ports, env, options);
      try {
        // Recall, compensation and fan-out first (ingestion and the gateway call them), then ingestion, then the gateway.
        await Promise.all((['recall', 'compensation', 'fanout'] as const).map((name) => system.startOne(name)));
        await system.startOne('ingestion');
        await system.startOne('session');
      } catch (err) {
        await system.stop();
        throw err;
      }
      return system;
    } catch (err) {
      await Promise.allSettled([kafka.stop(), postgres.stop()]);
      throw err;
    }
  }

  /** The single private broker (not with `cluster`). */
  get kafka(): PrivateKafka {
    if (!this.broker) throw new Error('this system runs on a cluster: use .cluster');
    return this.broker;
  }

  get brokers(): string[] {
    return (this.broker ?? this.cluster)!.brokers;
  }

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  get apiUrl(): string {
    return this.url('ingestion');
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.ports.session}/ws`;
  }

  process(name: ServiceName): ServiceProcess {
    const p = this.current.get(name);
    if (!p) throw new Error(`${name} is not running`);
    return p;
  }

  envOf(name: ServiceName): Record<string, string> {
    const wiring: Record<string, string> =
      name === 'ingestion'
        ? { RECALL_URL: this.url('recall') }
        : name === 'session'
          ? { INGESTION_URL: this.url('ingestion'), COMPENSATION_URL: this.url('compensation'), RECALL_URL: this.url('recall') }
          : {};
    return { ...this.env, ...this.options.serviceEnv?.[name], ...wiring };
  }

  /** One more replica of a service on a port of its own (`env` over the service's), ready when this resolves. */
  async startExtra(name: ServiceName, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const p = await startService(name, { env: { ...this.envOf(name), ...env }, waitReady: false });
    this.history.push(p);
    this.extras.add(p);
    try {
      await p.waitReady(120_000);
    } catch (err) {
      this.extras.delete(p);
      await p.stop('SIGKILL');
      throw err;
    }
    return p;
  }

  /** Stops a replica started with startExtra: SIGTERM (a scale-in), SIGKILL after `hardLimitMs`. */
  async stopExtra(p: ServiceProcess, hardLimitMs = 30_000): Promise<{ exitCode: number | null; exitMs: number; killed: boolean }> {
    this.extras.delete(p);
    const started = Date.now();
    const outcome = await within(p.stop('SIGTERM'), hardLimitMs);
    if (outcome) return { exitCode: outcome.value, exitMs: Date.now() - started, killed: false };
    return { exitCode: await p.stop('SIGKILL'), exitMs: Date.now() - started, killed: true };
  }

  /** Starts the service on its port and waits for /readyz. */
  async startOne(name: ServiceName): Promise<ServiceProcess> {
    const p = await startService(name, { port: this.ports[name], env: this.envOf(name), waitReady: false });
    this.history.push(p);
    this.current.set(name, p);
    await p.waitReady(120_000);
    return p;
  }

  /** SIGKILL: a crash. */
  async kill(name: ServiceName): Promise<void> {
    const p = this.process(name);
    this.current.delete(name);
    await p.stop('SIGKILL');
  }

  /** SIGTERM: a graceful stop; SIGKILL if it is still running `hardLimitMs` later. */
  async terminate(name: ServiceName, hardLimitMs: number): Promise<{ exitCode: number | null; exitMs: number; killed: boolean }> {
    const p = this.process(name);
    this.current.delete(name);
    const started = Date.now();
    const outcome = await within(p.stop('SIGTERM'), hardLimitMs);
    if (outcome) return { exitCode: outcome.value, exitMs: Date.now() - started, killed: false };
    const code = await p.stop('SIGKILL');
    return { exitCode: code, exitMs: Date.now() - started, killed: true };
  }

  /** Writes every process's output to the log directory; returns it. */
  writeLogs(): string | undefined {
    const dir = this.options.logDir;
    if (!dir) return undefined;
    mkdirSync(dir, { recursive: true });
    const seen = new Map<string, number>();
    for (const p of this.history) {
      const n = (seen.get(p.name) ?? 0) + 1;
      seen.set(p.name, n);
      writeFileSync(join(dir, `${p.name}-${n}.log`), `${p.lines.join('\n')}\n`);
    }
    return dir;
  }

  /** Stops every service (SIGTERM, SIGKILL after 20 s), the broker and the database, and deletes their data. */
  async stop(): Promise<void> {
    const running = [...this.current.values(), ...this.extras];
    this.current.clear();
    this.extras.clear();
    await Promise.all(
      running.map(async (p) => {
        if (!(await within(p.stop('SIGTERM'), 20_000))) await p.stop('SIGKILL');
      }),
    );
    this.writeLogs();
    await Promise.allSettled([(this.broker ?? this.cluster)!.stop(), this.postgres.stop()]);
  }
}

/** The promise's value, or undefined when it takes longer than `ms` (the timer does not outlive the answer). */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise.then((value) => ({ value })), new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
