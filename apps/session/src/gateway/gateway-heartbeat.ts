import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionRepository } from '@msync/persistence';
import { loggerFor } from '@msync/service-kit';
import { SESSION_CONFIG, type SessionConfig } from '../config';

const BEAT_MS = 5_000;

/** Reports this replica alive (presence ignores sessions of silent replicas) and cleans up after dead ones. */
@Injectable()
export class GatewayHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = loggerFor('GatewayHeartbeat');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionRepository,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  async onApplicationBootstrap() {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.sessions.removeGateway(this.config.GATEWAY_ID).catch((err) => this.log.warn({ err }, 'could not remove this gateway'));
  }

  private async beat() {
    try {
      await this.sessions.heartbeat(this.config.GATEWAY_ID);
      const reaped = await this.sessions.reapDeadGateways();
      if (reaped > 0) this.log.info({ reaped }, 'removed sessions of dead gateways');
    } catch (err) {
      this.log.warn({ err }, 'gateway heartbeat failed');
    }
  }
}
