import { Injectable } from '@nestjs/common';
import type { DeviceControl, KickReason } from '@msync/contracts';
import { SessionRegistry } from './session-registry';

const REMEMBER_MS = 60_000;

/**
 * Kicks from `im.device-control.v1` (login policy, force logout, block; SessionControlController). Every
 * replica reads all of them and acts on the sessions it holds. A kick for a session that is not registered yet (its hello
 * is still in flight) is remembered for a minute and applied when it registers.
 */
@Injectable()
export class SessionControl {
  private readonly early = new Map<string, { reason: KickReason; at: number }>();

  constructor(private readonly registry: SessionRegistry) {
    registry.onRegister = (session) => {
      const pending = this.early.get(session.sessionId);
      if (pending) session.kick(pending.reason);
    };
  }

  apply(control: DeviceControl): void {
    const now = Date.now();
    for (const [id, entry] of this.early) if (now - entry.at > REMEMBER_MS) this.early.delete(id);
    if (control.sessionId) {
      const session = this.registry.bySessionId(control.sessionId);
      if (session) session.kick(control.reason);
      else this.early.set(control.sessionId, { reason: control.reason, at: now });
      return;
    }
    for (const session of [...this.registry.sessionsOf(control.appKey, control.userId)]) {
      if (!control.deviceId || session.deviceId === control.deviceId) session.kick(control.reason);
    }
  }
}
