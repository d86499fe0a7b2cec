import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from './service-process';
import { freePort, sleep } from './wait';

/**
 * A Kafka broker and a PostgreSQL cluster of one test's own, on free loopback ports and temporary
 * directories: for tests that kill or restart the infrastructure (the shared broker and database must
 * never be disturbed, other spec files use them at the same time). Everything started here stops at
 * `stop()`, when this process exits, and (through a detached watcher) even when it is killed.
 */

export interface PrivateKafka {
  readonly brokers: string[];
  readonly port: number;
  readonly homeDir: string;
  /** PID of the broker JVM now (changes with every restart). */
  pid(): number | undefined;
  /** SIGKILL the broker (a crash: no controlled shutdown) and wait until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data (after `kill`); resolves once it answers metadata requests. */
  start(): Promise<void>;
  /** Stops the broker and deletes its data. Idempotent. */
  stop(): Promise<void>;
}

export interface PrivatePostgres {
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** Applies the project's migrations (`dist/libs/persistence/src/migrate.cli.js`, built beforehand). */
  migrate(database: string): Promise<void>;
  /** `pg_ctl restart -m immediate`: the server is killed without a checkpoint and recovers from WAL. Resolves once it accepts connections. */
  restartImmediate(): Promise<void>;
  /** Stops the cluster and deletes it. Idempotent. */
  stop(): Promise<void>;
}

const KAFKA_SCRIPT = join(REPO_ROOT, 'deploy', 'local', 'kafka.sh');

function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`.trim()));
      else resolve(stdout);
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A detached shell that waits for this process to end, then runs `cleanup` (a shell script). It
 * covers the case no handler can: this process being killed with SIGKILL (a jest timeout, an OOM).
 */
function startReaper(cleanup: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done\n${cleanup}`;
  const child = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

function stopReaper(reaper: ChildProcess): void {
  if (reaper.pid && reaper.exitCode === null) {
    try {
      process.kill(reaper.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Cleanups that must also run when the process exits without calling `stop()` (synchronous only). */
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;
function onExit(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of exitCleanups) {
        try {
          c();
        } catch {
          // best effort at exit
        }
      }
    });
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

export interface PrivateKafkaOptions {
  /** JVM heap (default "-Xms128m -Xmx512m"). */
  heapOpts?: string;
}

/** Starts a single-node KRaft broker of its own with deploy/local/kafka.sh (jar cache shared with the local broker). */
export async function startPrivateKafka(options: PrivateKafkaOptions = {}): Promise<PrivateKafka> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const homeDir = mkdtempSync(join(tmpdir(), 'msync-kafka-'));
  const pidFile = join(homeDir, 'run', 'kafka.pid');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_HOME_DIR: homeDir,
    KAFKA_CACHE_DIR: process.env.KAFKA_CACHE_DIR ?? join(REPO_ROOT, '.local', 'kafka', 'dist'),
    KAFKA_HEAP_OPTS: options.heapOpts ?? '-Xms128m -Xmx512m',
    KAFKA_STOP_TIMEOUT: '10',
  };
  const pid = (): number | undefined => {
    try {
      const n = Number(readFileSync(pidFile, 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  };
  const killNow = () => {
    const p = pid();
    if (p && alive(p)) process.kill(p, 'SIGKILL');
  };
  const reaper = startReaper(`[ -f '${pidFile}' ] && kill -9 "$(cat '${pidFile}')" 2>/dev/null; sleep 1; rm -rf '${homeDir}'`);
  const removeExitHook = onExit(() => {
    killNow();
    rmSync(homeDir, { recursive: true, force: true });
  });
  let stopped = false;
  const kafka: PrivateKafka = {
    brokers: [`127.0.0.1:${port}`],
    port,
    homeDir,
    pid,
    async kill() {
      const p = pid();
      if (!p) throw new Error('the private broker has no pid');
      process.kill(p, 'SIGKILL');
      for (let i = 0; i < 200 && alive(p); i++) await sleep(50);
      if (alive(p)) throw new Error(`broker ${p} still alive 10 s after SIGKILL`);
    },
    async start() {
      await run('bash', [KAFKA_SCRIPT, 'start'], { env, timeoutMs: 180_000 });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      killNow();
      const p = pid();
      for (let i = 0; i < 100 && p && alive(p); i++) await sleep(50);
      rmSync(homeDir, { recursive: true, force: true });
      removeExitHook();
      stopReaper(reaper);
    },
  };
  try {
    await kafka.start();
  } catch (err) {
    await kafka.stop();
    throw err;
  }
  return kafka;
}

export interface PrivateKafkaNode {
  /** Node id (1-based), also its index + 1 in `brokers`. */
  readonly id: number;
  readonly port: number;
  pid(): number | undefined;
  /** SIGKILL this broker (a crash) and wait until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it answers metadata requests. */
  start(): Promise<void>;
}

export interface PrivateKafkaCluster {
  /** Every node's bootstrap address. */
  readonly brokers: string[];
  readonly homeDir: string;
  readonly nodes: PrivateKafkaNode[];
  node(id: number): PrivateKafkaNode;
  /** Stops every broker and deletes the data. Idempotent. */
  stop(): Promise<void>;
}

export interface PrivateKafkaClusterOptions {
  /** Brokers (default 3; each also a KRaft controller voter). */
  nodes?: number;
  /** JVM heap of each broker (default "-Xms96m -Xmx384m"). */
  heapOpts?: string;
}

/**
 * A KRaft cluster of its own (default three brokers, each a controller too, a 3-voter quorum) with
 * `deploy/local/kafka.sh start-cluster`: default and internal topics at replication factor 3 with
 * min.insync.replicas=2. Services on it need KAFKA_REPLICATION_FACTOR=3 for the topics they create.
 */
export async function startPrivateKafkaCluster(options: PrivateKafkaClusterOptions = {}): Promise<PrivateKafkaCluster> {
  const count = options.nodes ?? 3;
  const ports: number[] = [];
  const controllers: number[] = [];
  for (let i = 0; i < count; i++) {
    ports.push(await freePort());
    controllers.push(await freePort());
  }
  const homeDir = mkdtempSync(join(tmpdir(), 'msync-kafka-cluster-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_HOME_DIR: homeDir,
    KAFKA_CACHE_DIR: process.env.KAFKA_CACHE_DIR ?? join(REPO_ROOT, '.local', 'kafka', 'dist'),
    KAFKA_CLUSTER_PORTS: ports.join(','),
    KAFKA_CLUSTER_CONTROLLER_PORTS: controllers.join(','),
    KAFKA_CLUSTER_NODES: String(count),
    KAFKA_NODE_HEAP_OPTS: options.heapOpts ?? '-Xms96m -Xmx384m',
    KAFKA_STOP_TIMEOUT: '10',
  };
  const pidFile = (id: number) => join(homeDir, `node-${id}`, 'run', 'kafka.pid');
  const pidOf = (id: number): number | undefined => {
    try {
      const n = Number(readFileSync(pidFile(id), 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  };
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const killAllNow = () => {
    for (const id of ids) {
      const p = pidOf(id);
      if (p && alive(p)) process.kill(p, 'SIGKILL');
    }
  };
  const reaper = startReaper(`${ids.map((id) => `[ -f '${pidFile(id)}' ] && kill -9 "$(cat '${pidFile(id)}')" 2>/dev/null`).join('; ')}; sleep 1; rm -rf '${homeDir}'`);
  const removeExitHook = onExit(() => {
    killAllNow();
    rmSync(homeDir, { recursive: true, force: true });
  });
  const nodes: PrivateKafkaNode[] = ids.map((id) => ({
    id,
    port: ports[id - 1],
    pid: () => pidOf(id),
    async kill() {
      const p = pidOf(id);
      if (!p) throw new Error(`broker ${id} has no pid`);
      process.kill(p, 'SIGKILL');
      for (let i = 0; i < 200 && alive(p); i++) await sleep(50);
      if (alive(p)) throw new Error(`broker ${id} (${p}) still alive 10 s after SIGKILL`);
    },
    async start() {
      await run('bash', [KAFKA_SCRIPT, 'node', String(id), 'start'], { env, timeoutMs: 180_000 });
    },
  }));
  let stopped = false;
  const cluster: PrivateKafkaCluster = {
    brokers: ports.map((p) => `127.0.0.1:${p}`),
    homeDir,
    nodes,
    node(id) {
      const n = nodes[id - 1];
      if (!n) throw new Error(`no broker ${id}`);
      return n;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const pids = ids.map(pidOf);
      killAllNow();
      for (let i = 0; i < 100 && pids.some((p) => p && alive(p)); i++) await sleep(50);
      rmSync(homeDir, { recursive: true, force: true });
      removeExitHook();
      stopReaper(reaper);
    },
  };
  try {
    await run('bash', [KAFKA_SCRIPT, 'start-cluster'], { env, timeoutMs: 240_000 });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** The PostgreSQL server binaries: PG_BIN, else the newest Debian /usr/lib/postgresql/<ver>/bin, else `pg_config --bindir`. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(base, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('no PostgreSQL server binaries: install them (initdb, pg_ctl) or set PG_BIN');
  }
}

function postgresOsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined; // not root: the cluster runs as the current user
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** initdb into a temporary directory and start it on a free loopback port, trust authentication. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const osUser = postgresOsUser();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'msync-pg-'));
  if (osUser) chownSync(dir, osUser.uid, osUser.gid);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  // PostgreSQL refuses to run as root: as root, run its tools as the `postgres` OS user.
  const asOwner = (tool: string, args: string[], timeoutMs = 120_000) =>
    osUser ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeoutMs }) : run(join(bin, tool), args, { timeoutMs });
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c max_connections=200',
    '-c fsync=off', // the OS does not crash in a test; an immediate restart still recovers from WAL
  ].join(' ');
  const pgCtl = (args: string[]) => asOwner('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '90', ...args]);
  const pgCtlCmd = `${osUser ? 'runuser -u postgres -- ' : ''}'${join(bin, 'pg_ctl')}' -D '${dataDir}' -m immediate stop`;
  const reaper = startReaper(`${pgCtlCmd} >/dev/null 2>&1; rm -rf '${dir}'`);
  const stopNowSync = () => {
    if (existsSync(join(dataDir, 'postmaster.pid'))) {
      const args = ['-D', dataDir, '-m', 'immediate', 'stop'];
      if (osUser) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore', timeout: 30_000 });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore', timeout: 30_000 });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const removeExitHook = onExit(stopNowSync);
  let stopped = false;
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const pg: PrivatePostgres = {
    port,
    dataDir,
    url,
    async createDatabase(name) {
      const client = new Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    async migrate(database) {
      await run(process.execPath, [join(REPO_ROOT, 'dist', 'libs', 'persistence', 'src', 'migrate.cli.js')], { env: { ...process.env, DATABASE_URL: url(database) } });
    },
    async restartImmediate() {
      await pgCtl(['-m', 'immediate', 'restart']);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        stopNowSync();
      } finally {
        removeExitHook();
        stopReaper(reaper);
      }
    },
  };
  try {
    await asOwner('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await pgCtl(['-o', serverOptions, 'start']);
  } catch (err) {
    await pg.stop().catch(() => undefined);
    throw err;
  }
  return pg;
}
