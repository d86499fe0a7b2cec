import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DeviceRepository } from '@msync/persistence';
import { loggerFor } from '@msync/service-kit';
import { SESSION_CONFIG, type SessionConfig } from '../config';

/**
 * Device acks are kept in memory and written in one batch per interval (and at shutdown). The
 * flush is scheduled by the first ack after one, so a gateway with nothing to write never wakes.
 */
@Injectable()
export class CursorWriter implements OnApplicationShutdown {
  private readonly log = loggerFor('CursorWriter');
  private pending = new Map<string, { appKey: string; userId: string; deviceId: string; cursor: number }>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly devices: DeviceRepository,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  async onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flush();
  }

  record(appKey: string, userId: string, deviceId: string, cursor: number): void {
    const key = `${appKey}\u0000${userId}\u0000${deviceId}`;
    const prev = this.pending.get(key);
    if (!prev || prev.cursor < cursor) this.pending.set(key, { appKey, userId, deviceId, cursor });
    if (!this.timer && !this.stopped) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.config.CURSOR_FLUSH_INTERVAL_MS);
    }
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.devices.saveCursors(batch);
    } catch (err) {
      this.log.warn({ err, count: batch.length }, 'saving cursors failed; keeping them for the next flush');
      for (const u of batch) this.record(u.appKey, u.userId, u.deviceId, u.cursor);
    }
  }
}
