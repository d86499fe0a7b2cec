import { startService, type ServiceName, type ServiceProcess } from '../service-process';
import type { TestSystem } from '../test-system';

export interface ServiceExit {
  service: string;
  code: number | null;
  at: number;
  /** The last lines the process wrote (the stack trace of a crash). */
  lastLines: string[];
}

/**
 * Watches every service process of a TestSystem. An exit is recorded (the fuzz fails on it) and the
 * service is started again on the same port with the same environment, so the fuzz can go on (and
 * fast-check can shrink the input that killed it).
 */
export class Supervisor {
  readonly exits: ServiceExit[] = [];
  private readonly current = new Map<string, ServiceProcess>();
  private readonly replacements: ServiceProcess[] = [];
  private restarting = new Set<Promise<void>>();
  private stopping = false;
  /** Set when a restart failed: the fuzz cannot go on. */
  broken?: string;

  constructor(
    private readonly system: TestSystem,
    private readonly env: Record<string, string>,
    private readonly log: (msg: string, extra?: Record<string, unknown>) => void,
  ) {
    this.watch('ingestion', system.ingestion);
    this.watch('recall', system.recall);
    this.watch('compensation', system.compensation);
    system.fanout.forEach((p, i) => this.watch(`fanout#${i}`, p));
    system.gateways.forEach((p, i) => this.watch(`session#${i}`, p));
  }

  /** The live process of a service (after restarts). */
  process(key: string): ServiceProcess {
    const p = this.current.get(key);
    if (!p) throw new Error(`no service ${key}`);
    return p;
  }

  get processes(): [string, ServiceProcess][] {
    return [...this.current.entries()];
  }

  gatewayPort(index = 0): number {
    return this.process(`session#${index}`).port;
  }

  get apiPort(): number {
    return this.process('ingestion').port;
  }

  /** What killed it, for the failure class: the error line of the crash (e.g. `TypeError: Cannot read properties of null (reading 'id')`). */
  static crashSignature(exit: ServiceExit): string {
    for (let i = exit.lastLines.length - 1; i >= 0; i--) {
      const line = exit.lastLines[i].trim();
      const m = /^(?:Uncaught )?([A-Z][A-Za-z]*(?:Error|Exception)(?: \[[A-Z_]+\])?: .*)$/.exec(line);
      if (m) return m[1].replace(/\d{3,}/g, 'N').slice(0, 100);
      try {
        const json = JSON.parse(line) as { level?: unknown; msg?: unknown; err?: { type?: unknown; message?: unknown } };
        if ((json.level === 'fatal' || json.level === 60) && json.err) return `${String(json.err.type)}: ${String(json.err.message)}`.slice(0, 100);
      } catch {
        // not a JSON log line
      }
    }
    return `exit code ${exit.code}`;
  }

  /** The signature, where in the project's code it was thrown, and the exit code. */
  static crashSummary(exit: ServiceExit): string {
    const at = exit.lastLines.map((l) => l.trim()).find((l) => l.startsWith('at ') && /\/(apps|libs)\//.test(l) && !l.includes('node_modules'));
    return `${exit.service} exited with ${exit.code}: ${Supervisor.crashSignature(exit)}${at ? ` ${at.slice(0, 200)}` : ''}`;
  }

  exitsSince(at: number): ServiceExit[] {
    return this.exits.filter((e) => e.at >= at);
  }

  /** Resolves once no restart is going on. */
  async settled(): Promise<void> {
    while (this.restarting.size > 0) await Promise.all([...this.restarting]);
    if (this.broken) throw new Error(this.broken);
  }

  /** Stops the processes this supervisor started (the system stops its own). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.restarting]);
    await Promise.all(this.replacements.map((p) => p.stop('SIGTERM')));
  }

  private watch(key: string, p: ServiceProcess): void {
    this.current.set(key, p);
    void p.exited.then((code) => {
      if (this.stopping || this.current.get(key) !== p) return;
      const exit: ServiceExit = { service: key, code, at: Date.now(), lastLines: p.lines.slice(-40) };
      this.exits.push(exit);
      this.log('service exited', { service: key, code, lastLines: exit.lastLines.slice(-4).map((l) => l.slice(0, 300)) });
      const restart = this.restart(key, p).finally(() => this.restarting.delete(restart));
      this.restarting.add(restart);
    });
  }

  private async restart(key: string, dead: ServiceProcess): Promise<void> {
    const name = key.split('#')[0] as ServiceName;
    const s = this.system;
    const env =
      name === 'session'
        ? { ...this.env, INGESTION_URL: this.process('ingestion').url, COMPENSATION_URL: this.process('compensation').url, RECALL_URL: this.process('recall').url }
        : name === 'ingestion'
          ? { ...this.env, RECALL_URL: this.process('recall').url }
          : this.env;
    const started = Date.now();
    for (let attempt = 1; attempt <= 3 && !this.stopping; attempt++) {
      try {
        const p = await startService(name, { env, port: dead.port });
        this.replacements.push(p);
        this.watch(key, p);
        this.log('service restarted', { service: key, ms: Date.now() - started });
        return;
      } catch (err) {
        this.log('restart failed', { service: key, attempt, error: (err as Error).message.slice(0, 300) });
      }
    }
    if (!this.stopping) this.broken = `${key} could not be restarted after it exited (system ${s.apiUrl})`;
  }
}
