import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { ReadinessRegistry } from './readiness';
import { metricsRegistry } from './metrics';

/**
 * Probes on @nestjs/terminus: `/healthz` (liveness: the process answers; dependencies are not its
 * business, so a database outage does not get every pod restarted) and `/readyz` (readiness: every
 * registered indicator up, 503 with terminus's report otherwise and once shutdown began).
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('healthz')
  @HealthCheck()
  healthz() {
    return this.health.check([]);
  }

  @Get('readyz')
  @HealthCheck()
  async readyz(@Res() res: Response) {
    try {
      res.status(200).json(await this.health.check(this.readiness.indicators()));
    } catch (err) {
      // Terminus answers a failed check with a 503 exception carrying its report: sent as it is.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503).json(err.getResponse());
    }
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics() {
    return metricsRegistry.metrics();
  }
}
