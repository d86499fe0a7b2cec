import { Injectable } from '@nestjs/common';
import { userKey } from '@msync/contracts';
import { counter, gauge } from '@msync/service-kit';
import type { DeviceSession } from './device-session';

const connected = gauge('gateway_connected_devices', 'Authenticated device sessions on this gateway');
const connects = counter('gateway_device_connects_total', 'Device sessions opened (hello accepted) on this gateway: a surge is a reconnect storm');

/** The device sessions this gateway holds, by user. */
@Injectable()
export class SessionRegistry {
  private readonly byUser = new Map<string, Set<DeviceSession>>();
  private readonly bySession = new Map<string, DeviceSession>();
  private count = 0;
  /** Called after a session registers (kicks that arrived before it). */
  onRegister?: (session: DeviceSession) => void;

  add(session: DeviceSession): void {
    const key = userKey(session.appKey, session.userId);
    let set = this.byUser.get(key);
    if (!set) this.byUser.set(key, (set = new Set()));
    set.add(session);
    this.bySession.set(session.sessionId, session);
    connected.set(++this.count);
    connects.inc();
    this.onRegister?.(session);
  }

  bySessionId(sessionId: string): DeviceSession | undefined {
    return this.bySession.get(sessionId);
  }

  remove(session: DeviceSession): void {
    const key = userKey(session.appKey, session.userId);
    const set = this.byUser.get(key);
    if (!set?.delete(session)) return;
    this.bySession.delete(session.sessionId);
    if (set.size === 0) this.byUser.delete(key);
    connected.set(--this.count);
  }

  sessionsOf(appKey: string, userId: string): Iterable<DeviceSession> {
    return this.byUser.get(userKey(appKey, userId)) ?? [];
  }

  all(): DeviceSession[] {
    return [...this.byUser.values()].flatMap((s) => [...s]);
  }
}
