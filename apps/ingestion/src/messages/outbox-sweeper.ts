import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MessageRepository } from '@msync/persistence';
import { loggerFor } from '@msync/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { MARK_PUBLISHED_WINDOW_MS, MessagePublisher } from './message-publisher';

/**
 * Publishes messages that were stored but never confirmed published (the process died between the
 * two). Publishing twice is harmless: fan-out appends each message to a stream once.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = loggerFor('OutboxSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly messages: MessageRepository,
    private readonly publisher: MessagePublisher,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, this.config.OUTBOX_SWEEP_INTERVAL_MS);
  }

  async onModuleDestroy() {
    clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<number> {
    try {
      // Older than a sweep interval plus the marking window: a message published normally is marked by then.
      const stale = await this.messages.findUnpublished(new Date(Date.now() - this.config.OUTBOX_SWEEP_INTERVAL_MS - MARK_PUBLISHED_WINDOW_MS), 500);
      await this.publisher.publish(stale);
      if (stale.length > 0) this.log.warn({ count: stale.length }, 'published messages left unpublished by an earlier failure');
      return stale.length;
    } catch (err) {
      this.log.error({ err }, 'outbox sweep failed; will retry');
      return 0;
    }
  }
}
