import { Inject, Injectable } from '@nestjs/common';
import { Topics, userKey, type AppSettings, type Platform } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { SessionRepository } from '@msync/persistence';
import { loggerFor } from '@msync/service-kit';
import { SESSION_CONFIG, type SessionConfig } from '../config';

/** How many sessions of a platform a user may have at once under the app's settings. */
export function sessionLimit(settings: AppSettings, platform: Platform): number {
  if (platform === 'web' && settings.multiDeviceSync) return settings.webConnectionLimit;
  return settings.devicesPerPlatform;
}

/**
 * Admits a login under the app's policy (decided in PostgreSQL, so it holds across replicas and
 * races) and tells the gateways holding the displaced sessions to kick them.
 */
@Injectable()
export class LoginPolicy {
  private readonly log = loggerFor('LoginPolicy');

  constructor(
    private readonly sessions: SessionRepository,
    private readonly kafka: KafkaConnection,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  async admit(input: { sessionId: string; appKey: string; userId: string; deviceId: string; platform: Platform; tokenIssuedAt: number; settings: AppSettings }): Promise<void> {
    const displaced = await this.sessions.admit({ ...input, gatewayId: this.config.GATEWAY_ID, limit: sessionLimit(input.settings, input.platform) });
    if (displaced.length === 0) return;
    this.log.info({ appKey: input.appKey, userId: input.userId, displaced: displaced.map((d) => d.deviceId) }, 'login displaced older sessions');
    await this.kafka.producer.send(
      Topics.deviceControl,
      displaced.map((d) => ({
        key: userKey(d.appKey, d.userId),
        value: { kind: 'kick' as const, appKey: d.appKey, userId: d.userId, deviceId: d.deviceId, sessionId: d.sessionId, reason: 'logged_in_elsewhere' as const },
      })),
    );
  }
}
