import { startService, type ServiceName, type ServiceProcess, type StartServiceOptions } from './service-process';

export interface SystemOptions {
  gateways?: number;
  /** Extra environment for every service. */
  env?: Record<string, string>;
}

/**
 * The services as separate processes on the real Kafka and PostgreSQL, wired to each other by URL:
 * ingestion, fan-out, compensation and N session gateways.
 */
export class TestSystem {
  private constructor(
    readonly ingestion: ServiceProcess,
    readonly compensation: ServiceProcess,
    readonly fanout: ServiceProcess[],
    readonly gateways: ServiceProcess[],
    readonly recall: ServiceProcess,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: SystemOptions = {}): Promise<TestSystem> {
    const env = options.env ?? {};
    const [recall, compensation, fanout] = await Promise.all([
      startService('recall', { env }),
      startService('compensation', { env }),
      startService('fanout', { env }),
    ]);
    const ingestion = await startService('ingestion', { env: { ...env, RECALL_URL: recall.url } });
    const system = new TestSystem(ingestion, compensation, [fanout], [], recall, env);
    await Promise.all(Array.from({ length: options.gateways ?? 1 }, () => system.addGateway()));
    return system;
  }

  get apiUrl(): string {
    return this.ingestion.url;
  }

  wsUrl(gateway = 0): string {
    return `ws://127.0.0.1:${this.gateways[gateway].port}/ws`;
  }

  async addGateway(options: StartServiceOptions = {}): Promise<ServiceProcess> {
    const gw = await startService('session', {
      ...options,
      env: { ...this.env, INGESTION_URL: this.ingestion.url, COMPENSATION_URL: this.compensation.url, RECALL_URL: this.recall.url, ...options.env },
    });
    this.gateways.push(gw);
    return gw;
  }

  async addService(name: ServiceName): Promise<ServiceProcess> {
    const p = await startService(name, { env: this.env });
    if (name === 'fanout') this.fanout.push(p);
    return p;
  }

  async stop(): Promise<void> {
    await Promise.all([this.ingestion, this.compensation, this.recall, ...this.fanout, ...this.gateways].map((p) => p.stop('SIGTERM')));
  }
}
