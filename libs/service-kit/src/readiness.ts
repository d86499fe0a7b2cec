import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorFunction, type HealthIndicatorResult } from '@nestjs/terminus';
import { readinessCheckUp } from './metrics';

export type ReadinessCheck = () => Promise<void>;

/** How long one dependency check may take before it counts as down. */
const CHECK_DEADLINE_MS = 2_000;

/**
 * The readiness indicators of this process, as @nestjs/terminus health indicators. Each module that
 * owns a dependency registers its check (KafkaModule: a metadata round trip and no consumer dead for
 * good; PersistenceModule: `SELECT 1`), so the health controller in this lowest lib needs to know
 * none of them. A check that throws or takes longer than 2 s is `down`; once shutdown began, the
 * `shutdown` indicator is down too.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  constructor(private readonly health: HealthIndicatorService) {}

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  indicators(): HealthIndicatorFunction[] {
    const dependencies = [...this.checks].map(([name, check]) => () => this.run(name, check));
    return [...dependencies, () => this.shutdownIndicator()];
  }

  private async run(name: string, check: ReadinessCheck): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(name);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_DEADLINE_MS} ms`)), CHECK_DEADLINE_MS);
        }),
      ]);
      readinessCheckUp().set({ check: name }, 1);
      return indicator.up();
    } catch (err) {
      readinessCheckUp().set({ check: name }, 0);
      return indicator.down({ message: (err as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }

  private shutdownIndicator(): HealthIndicatorResult {
    const indicator = this.health.check('shutdown');
    return this.shuttingDown ? indicator.down({ message: 'shutting down' }) : indicator.up();
  }
}
