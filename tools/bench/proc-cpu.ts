import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * CPU accounting for the benchmark, from /proc (Linux): utime + stime of each service process, of
 * the Kafka broker's JVM and of the PostgreSQL backends serving the services' own connections
 * (matched by client port, so other users of the same database are not counted), and the load
 * generator itself (reported apart). The box is shared, so these per-process figures, not latency
 * or the box's busy time, are what variants are compared by.
 */
const TICKS_PER_S = 100; // getconf CLK_TCK on Linux x86-64/arm64

export interface Proc {
  name: string;
  pid: number;
}

function ticksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the comm: state(0) ppid(1) ... utime(11) stime(12)
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) out.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    /* gone */
  }
  return out;
}

/** inode -> { local port, state } of every TCP socket of this network namespace. */
function tcpSockets(): Map<string, { localPort: number; state: string }> {
  const out = new Map<string, { localPort: number; state: string }>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      out.set(f[9], { localPort: parseInt(f[1].split(':')[1], 16), state: f[3] });
    }
  }
  return out;
}

/** The JVM listening on the broker port (KAFKA_BROKERS' first port), or the only kafka.Kafka process. */
export function findBrokerPid(port: number): number | undefined {
  const candidates = pids().filter((p) => cmdline(p).includes('kafka.Kafka'));
  if (candidates.length <= 1) return candidates[0];
  const listening = new Set([...tcpSockets()].filter(([, s]) => s.state === '0A' && s.localPort === port).map(([inode]) => inode));
  return candidates.find((p) => [...socketInodes(p)].some((i) => listening.has(i)));
}

/** PostgreSQL backends whose client port belongs to one of `owners`' sockets: pid -> owner name. */
function postgresBackends(owners: Proc[]): Map<number, string> {
  const sockets = tcpSockets();
  const portOwner = new Map<number, string>();
  for (const o of owners) {
    for (const inode of socketInodes(o.pid)) {
      const s = sockets.get(inode);
      if (s) portOwner.set(s.localPort, o.name);
    }
  }
  const out = new Map<number, string>();
  for (const pid of pids()) {
    const cmd = cmdline(pid);
    if (!cmd.startsWith('postgres:')) continue;
    const m = /\((\d+)\)/.exec(cmd);
    const owner = m ? portOwner.get(Number(m[1])) : undefined;
    if (owner) out.set(pid, owner);
  }
  return out;
}

export interface CpuSnapshot {
  at: number;
  ticks: Map<string, number>;
  /** PostgreSQL backend pid -> [owner service, ticks]. */
  backends: Map<number, [string, number]>;
  loadGeneratorUs: number;
  boxBusy: number;
  boxTotal: number;
}

function boxJiffies(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = cpu[3] + cpu[4];
  return { busy: total - idle, total };
}

export class CpuMeter {
  constructor(
    private readonly services: Proc[],
    private readonly brokerPid: number | undefined,
  ) {}

  snapshot(): CpuSnapshot {
    const ticks = new Map<string, number>();
    for (const s of this.services) ticks.set(s.name, (ticks.get(s.name) ?? 0) + (ticksOf(s.pid) ?? 0));
    if (this.brokerPid) ticks.set('broker', ticksOf(this.brokerPid) ?? 0);
    const backends = new Map<number, [string, number]>();
    for (const [pid, owner] of postgresBackends(this.services)) backends.set(pid, [owner, ticksOf(pid) ?? 0]);
    const cpu = process.cpuUsage();
    const box = boxJiffies();
    return { at: Date.now(), ticks, backends, loadGeneratorUs: cpu.user + cpu.system, boxBusy: box.busy, boxTotal: box.total };
  }

  /**
   * CPU-seconds per process between two snapshots. A backend seen only at the end counts from zero
   * (it was opened during the interval); one that closed meanwhile is lost (pools keep theirs).
   */
  static diff(a: CpuSnapshot, b: CpuSnapshot, messages?: number) {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    const wallS = (b.at - a.at) / 1000;
    const services: Record<string, number> = {};
    for (const [name, t] of b.ticks) if (name !== 'broker') services[name] = r((t - (a.ticks.get(name) ?? 0)) / TICKS_PER_S);
    const broker = b.ticks.has('broker') ? r((b.ticks.get('broker')! - (a.ticks.get('broker') ?? 0)) / TICKS_PER_S) : null;
    const postgresByService: Record<string, number> = {};
    let postgres = 0;
    for (const [pid, [owner, t]] of b.backends) {
      const s = (t - (a.backends.get(pid)?.[1] ?? 0)) / TICKS_PER_S;
      postgres += s;
      postgresByService[owner] = r((postgresByService[owner] ?? 0) + s);
    }
    const servicesTotal = Object.values(services).reduce((x, y) => x + y, 0);
    const total = servicesTotal + (broker ?? 0) + postgres;
    const cores = boxCores();
    return {
      wallS: r(wallS),
      cpuS: { ...services, broker, postgres: r(postgres) },
      postgresByService,
      totalCpuS: r(total),
      /** Whole system (services, broker, PostgreSQL) as a share of the box (all cores) over the interval. */
      shareOfBox: r(total / (wallS * cores)),
      cpuSPer1000Messages: messages ? r((total / messages) * 1000) : null,
      loadGeneratorCpuS: r((b.loadGeneratorUs - a.loadGeneratorUs) / 1e6),
      /** Busy share of the whole box from /proc/stat, everyone's work included (noise indicator). */
      boxBusyShare: r((b.boxBusy - a.boxBusy) / Math.max(1, b.boxTotal - a.boxTotal)),
      loadAverage: loadAverage(),
    };
  }
}

export type CpuReport = ReturnType<typeof CpuMeter.diff>;

function boxCores(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length || 1;
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
