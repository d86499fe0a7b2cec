import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './wait';

/** The repository root, whether this runs from source (jest) or from dist/ (benchmarks). */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = join(dir, '..');
    if (parent === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

export const TEST_INTERNAL_TOKEN = 'test-internal-token-0123456789';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export type ServiceName = 'ingestion' | 'session' | 'fanout' | 'recall' | 'compensation';

/** A service running as its own process (built output), as in production. */
export class ServiceProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * A gateway is ready only once its consumer groups have joined; on a cold broker with a dozen
   * processes starting at once on 2 vCPUs (the first minute of CI) that has taken over 30 s.
   */
  async waitReady(timeoutMs = 90_000): Promise<void> {
    let exitCode: number | null | undefined;
    void this.exited.then((c) => (exitCode = c));
    await waitFor(
      async () => {
        if (exitCode !== undefined) throw new Error(`${this.name} exited with ${exitCode}:\n${this.lines.slice(-20).join('\n')}`);
        const res = await fetch(`${this.url}/readyz`);
        return res.status === 200;
      },
      `${this.name} to be ready`,
      timeoutMs,
      100,
    );
  }

  /** SIGTERM (graceful) or SIGKILL (crash); resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export interface StartServiceOptions {
  env?: Record<string, string | undefined>;
  /** Wait for /readyz (default true). */
  waitReady?: boolean;
  port?: number;
}

/** Starts `dist/apps/<name>/src/main.js` (built by the jest global setup) with the test infrastructure. */
export async function startService(name: ServiceName, options: StartServiceOptions = {}): Promise<ServiceProcess> {
  const entry = join(REPO_ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` (jest's global setup does it)`);
  const port = options.port ?? (await freePort());
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'info',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    DATABASE_URL: process.env.DATABASE_URL,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    INTERNAL_API_TOKEN: TEST_INTERNAL_TOKEN,
    KAFKA_VALIDATE_ON_PRODUCE: 'true',
    // Set it when another test run shares the broker with a different database (see KAFKA_GROUP_PREFIX).
    KAFKA_GROUP_PREFIX: process.env.KAFKA_GROUP_PREFIX,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    HTTP_PORT: String(port),
    ...options.env,
  };
  // SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to every service started here: for diagnostics.
  const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, entry], {
    cwd: REPO_ROOT,
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const service = new ServiceProcess(name, port, child);
  try {
    if (options.waitReady ?? true) await service.waitReady();
  } catch (err) {
    await service.stop('SIGKILL');
    throw err;
  }
  return service;
}

/**
 * Every service this test process started and that still runs. A spec that fails half-way (say,
 * one of several services never gets ready inside a Promise.all) cannot leak the others: they die
 * with the test process, instead of living on and joining the next run's consumer groups.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
