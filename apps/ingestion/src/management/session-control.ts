import { Injectable } from '@nestjs/common';
import { Topics, userKey, type KickReason } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import type { SessionRow } from '@msync/persistence';

/** Tells the gateways (over `im.device-control.v1`) to close sessions the management API ended. */
@Injectable()
export class SessionControl {
  constructor(private readonly kafka: KafkaConnection) {}

  async kick(appKey: string, userId: string, reason: KickReason, sessions: SessionRow[], deviceId?: string): Promise<void> {
    // One record per known session, plus one for the user/device as a whole (covers sessions admitted meanwhile).
    const records = [
      ...sessions.map((s) => ({ key: userKey(appKey, userId), value: { kind: 'kick' as const, appKey, userId, deviceId: s.deviceId, sessionId: s.sessionId, reason } })),
      { key: userKey(appKey, userId), value: { kind: 'kick' as const, appKey, userId, deviceId, reason } },
    ];
    await this.kafka.producer.send(Topics.deviceControl, records);
  }
}
